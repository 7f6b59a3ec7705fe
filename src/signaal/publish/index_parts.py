"""What the quarter's index shows besides its links: the key message and the top signals (from
the run's ``signals.json``, each linked to its topic page and its data), a thumbnail of each
document's first page, and the earlier quarters of the reports folder and its archive.

Everything is read from the folder the index is written into, so that a reused document counts
as much as a freshly built one; every link is relative to that folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from ..files import write_atomic
from ..text import t
from .outcome import DocResult

THUMBS = "thumbs"  # the folder of the thumbnails, in the quarter folder
THUMB_WIDTH = 320  # pixels: sharp at the page's card width (160 css px) on a phone's 2x screen
TOP_SIGNALS = 5
QUARTER_FOLDER = re.compile(r"^(\d{4})Q([1-4])$")
ARCHIVED = re.compile(r"^(\d{4}Q[1-4])-(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)")  # folder.archive_path
ARCHIVE_SHOWN = 8


@dataclass
class SignalItem:
    kind: str  # urgentie | kans
    kind_label: str
    title: str
    sentence: str
    topic_href: str = ""
    data_href: str = ""


@dataclass
class EarlierQuarter:
    label: str
    href: str
    note: str = ""


@dataclass
class Overview:
    key_message: str = ""
    signals: list[SignalItem] = field(default_factory=list)
    board_href: str = ""


# ---------------------------------------------------------------------------------------
# Thumbnails
# ---------------------------------------------------------------------------------------
def thumbnail_name(pdf_rel: str) -> str:
    return f"{THUMBS}/{pdf_rel.replace('/', '_').removesuffix('.pdf')}.png"


def write_thumbnail(folder: Path, pdf_rel: str) -> str | None:
    """The first page of ``folder/pdf_rel`` as a PNG in ``folder/thumbs/``; its relative path,
    or None when the PDF is missing or cannot be read (the index then shows no picture)."""
    import pypdfium2 as pdfium

    pdf = Path(folder) / pdf_rel
    if not pdf.is_file():
        return None
    try:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            page = doc[0]
            image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil().convert("RGB")
        finally:
            doc.close()
    except pdfium.PdfiumError:
        return None
    buf = BytesIO()
    image.save(buf, format="PNG")  # zlib's default level: 2% larger than optimize=True, a fifth of its time
    rel = thumbnail_name(pdf_rel)
    write_atomic(Path(folder) / rel, buf.getvalue())
    return rel


def write_thumbnails(folder: Path, docs: list[DocResult]) -> dict[str, str]:
    """A thumbnail of the first PDF of every board pack and theme that was made: PDF → PNG."""
    made = {}
    for doc in docs:
        if doc.kind not in ("boardpack", "theme") or not doc.ok:
            continue
        pdf = next((o for o in doc.outputs if o.endswith(".pdf")), None)
        if pdf and (rel := write_thumbnail(folder, pdf)):
            made[pdf] = rel
    return made


# ---------------------------------------------------------------------------------------
# The key message and the top signals
# ---------------------------------------------------------------------------------------
def topic_anchors(folder: Path, docs: list[DocResult]) -> dict[str, str]:
    """Every topic anchor of the theme pages in ``folder``: ``topic-<id>`` → ``page.html#...``."""
    found: dict[str, str] = {}
    for doc in docs:
        if doc.kind != "theme" or not doc.ok:
            continue
        for rel in (o for o in doc.outputs if o.endswith(".html")):
            path = Path(folder) / rel
            if path.is_file():
                for anchor in re.findall(r'id="(topic-[^"]+)"', path.read_text(encoding="utf-8")):
                    found.setdefault(anchor, f"{rel}#{anchor}")
    return found


def _topic_href(anchors: dict[str, str], indicator: str, board: str = "") -> str:
    """The topic page of ``indicator``: its own topic, else the topic of its variant
    (``brp_per_inwoner`` → ``brp_per_inwoner_reeel``), else its card on the signal board
    (``board``: that page's html, whose cards are ``signal-<indicator>-<rule>``)."""
    exact = anchors.get(f"topic-{indicator}")
    if exact:
        return exact
    for anchor, href in anchors.items():
        if anchor.startswith((f"topic-{indicator}-", f"topic-{indicator}_")):
            return href
    return next((href for anchor, href in anchors.items() if anchor.startswith(f"signal-{indicator}-")), board)


def _board_anchors(folder: Path, board: str) -> dict[str, str]:
    path = Path(folder) / board if board else None
    if path is None or not path.is_file():
        return {}
    return {a: f"{board}#{a}" for a in re.findall(r'id="(signal-[^"]+)"', path.read_text(encoding="utf-8"))}


def _output(docs: list[DocResult], kind: str, lang: str, suffix: str) -> str:
    """The first output ending in ``suffix`` of a made document of ``kind`` in ``lang``."""
    for doc in docs:
        if doc.kind == kind and doc.ok and doc.lang == lang:
            for rel in doc.outputs:
                if rel.endswith(suffix):
                    return rel
    return ""


def overview(folder: Path, docs: list[DocResult], lang: str, region: str, quarter: str) -> Overview:
    """The key message and the strongest urgencies and opportunities of the quarter (one per
    indicator), each with a link to its topic page and to the figures behind it."""
    signals_json = _output(docs, "signals", lang, ".json") or _output(docs, "signals", "nl", ".json")
    path = Path(folder) / signals_json if signals_json else None
    if path is None or not path.is_file():
        return Overview()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        found = [s for s in stored.get("signals", []) if s.get("kind") in ("urgentie", "kans") and s.get("indicator")]
        glance = (stored.get("meta") or {}).get("glance")
    except (OSError, ValueError, AttributeError):  # not the signals of a run: no overview
        return Overview()
    found.sort(key=lambda s: s.get("rank", 0))
    if isinstance(glance, dict):  # the pack's "In één oogopslag": the same signals, in its order
        order = [(kind, i) for kind in ("urgentie", "kans") for i in glance.get(kind, [])]
        found = [s for kind, i in order for s in found if (s["kind"], s["indicator"]) == (kind, i)]
    board = _output(docs, "signals", lang, ".html")
    anchors = {**topic_anchors(folder, docs), **_board_anchors(folder, board)}
    tables = sorted(
        (o for d in docs if d.ok for o in d.outputs if o.startswith("indicators") and o.endswith(".csv")),
        key=lambda o: o != ("indicators.csv" if lang == "nl" else f"indicators.{lang}.csv"),
    )
    data_href = tables[0] if tables else ""
    items, seen = [], set()
    for s in found:
        if s["indicator"] in seen:
            continue
        seen.add(s["indicator"])
        items.append(
            SignalItem(
                kind=s["kind"],
                kind_label=t(f"sig_kind_{s['kind']}", lang),
                title=s.get(f"title_{lang}") or s["indicator"],
                sentence=s.get(f"sentence_{lang}") or "",
                topic_href=_topic_href(anchors, s["indicator"], board),
                data_href=data_href,
            )
        )
        if len(items) == TOP_SIGNALS and not isinstance(glance, dict):
            break
    count = {k: len({s["indicator"] for s in found if s["kind"] == k}) for k in ("urgentie", "kans")}
    message = ""
    if items:
        message = t(
            "index_key_message",
            lang,
            region=region,
            quarter=quarter,
            urgencies=count["urgentie"],
            opportunities=count["kans"],
            strongest=items[0].title,
        )
    return Overview(message, items, board)


# ---------------------------------------------------------------------------------------
# Earlier quarters
# ---------------------------------------------------------------------------------------
def _quarter_label(name: str, lang: str) -> str:
    from ..periods import Period

    return Period.parse(name).label(lang)


def earlier_quarters(reports: Path | None, current: str, lang: str) -> list[EarlierQuarter]:
    """The other quarter folders of ``reports`` with an index, newest first, then the replaced
    runs in ``reports/archive`` (the newest few)."""
    if reports is None or not Path(reports).is_dir():
        return []
    reports = Path(reports)
    out = [
        EarlierQuarter(_quarter_label(p.name, lang), f"../{p.name}/index.html")
        for p in sorted(reports.iterdir(), key=lambda p: p.name, reverse=True)
        if QUARTER_FOLDER.match(p.name) and p.name != current and (p / "index.html").is_file()
    ]
    archive = reports / "archive"
    if archive.is_dir():
        runs = [p for p in archive.iterdir() if ARCHIVED.match(p.name) and (p / "index.html").is_file()]
        for p in sorted(runs, key=lambda p: p.name, reverse=True)[:ARCHIVE_SHOWN]:
            m = ARCHIVED.match(p.name)
            assert m is not None
            stamp = f"{int(m.group(4))}-{int(m.group(3))}-{m.group(2)} {m.group(5)}:{m.group(6)}"
            out.append(
                EarlierQuarter(
                    _quarter_label(m.group(1), lang),
                    f"../archive/{p.name}/index.html",
                    t("index_archived", lang, stamp=stamp),
                )
            )
    return out
