"""The quarter's ``index.html``: one page that links every output of a run.

Self-contained (inline CSS, no scripts, nothing from the internet), every text escaped by
Jinja2's autoescape, every link relative to the report folder so the folder can be moved,
zipped or served as it is. :func:`quarter_index_html` makes the page from the run's
documents (:class:`~signaal.publish.outcome.DocResult`) and plain facts of the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import __version__
from ..briefing.edition import Edition
from ..catalogue import catalogue
from ..files import write_atomic
from ..regions import registry
from ..text import t
from .html import font_face_css
from .index_parts import EarlierQuarter, Overview, earlier_quarters, overview
from .outcome import FAILED, MANIFEST, REJECTED, SKIPPED, DocResult

TEMPLATE = "quarter_index.html.j2"


@dataclass
class Link:
    text: str
    href: str


@dataclass
class Row:
    title: str
    links: list[Link] = field(default_factory=list)
    status: str = ""  # "" when fine, else a short word
    error: str = ""
    thumb: str = ""  # the first page as a picture (index_parts.THUMBS), when there is one


@lru_cache(maxsize=1)
def _template():
    """The page's Jinja template, compiled once per process."""
    import jinja2

    folder = resources.files("signaal") / "publish" / "templates" / "signaal"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE)


def prepare() -> None:
    """Load what making an index costs only the first time in a process (the modules, the
    labels, the compiled template, the thumbnails' PDF and PNG libraries: about 0,1 s), ahead
    of time: a run does this before it starts its workers, while the forkserver they are
    forked from still imports (the command would wait for it), not after its last document."""
    import PIL.PngImagePlugin  # noqa: F401
    import pypdfium2  # noqa: F401

    from ..briefing import pages  # noqa: F401
    from ..text import labels
    from . import index_parts  # noqa: F401

    labels()
    _template()


def render_index(
    *,
    lang: str,
    region_name: str,
    quarter_label: str,
    vintage_label: str,
    is_sample: bool,
    watermark: str,
    version: str,
    date: dt.date,
    packs: list[Row],
    themes: list[Row],
    factsheets: list[Row],
    data_links: list[Link],
    problems: list[str],
    kicker: str,
    fonts_css: str = "",
    summary: Overview | None = None,
    earlier: list[EarlierQuarter] | None = None,
) -> str:
    """The page. ``packs``: a row per board pack in the folder (its title only says a language
    other than the page's); ``fonts_css``: the bundled fonts' @font-face rules, so that the
    page looks like the briefings."""
    from ..briefing.pages import long_date
    from ..text import t

    return _template().render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        region_name=region_name,
        quarter_label=quarter_label,
        vintage_label=vintage_label,
        is_sample=is_sample,
        watermark=watermark,
        version=version,
        date_label=long_date(date, lang),
        packs=packs,
        themes=themes,
        factsheets=factsheets,
        data_links=data_links,
        problems=problems,
        kicker=kicker,
        fonts_css=fonts_css,
        summary=summary or Overview(),
        earlier=earlier or [],
    )


def write_index(path: Path, html: str) -> None:
    write_atomic(Path(path), html.encode("utf-8"))


# ---------------------------------------------------------------------------------------
# The quarter's overview, from the run's documents
# ---------------------------------------------------------------------------------------
DATA_FILES = {"signals": ("csv", "json"), "indicators": ("csv",)}


def index_language(docs: list[DocResult], run_lang: str) -> str:
    """The index is in Dutch while the folder holds Dutch documents (a run in English adds
    to the quarter, it does not turn its overview into English), else in the run's language."""
    return "nl" if any(d.ok and d.lang == "nl" for d in docs) else run_lang


def _data_file_label(rel: str, lang: str) -> str | None:
    """The index's label of a data file (``signals.csv``, ``indicators.en.csv``), else None."""
    parts = rel.split(".")
    if "/" in rel or parts[0] not in DATA_FILES or parts[-1] not in DATA_FILES[parts[0]] or len(parts) > 3:
        return None
    return t(f"index_{parts[0]}_{parts[-1]}", lang)


class _Rows:
    """The index's rows and links for documents, in the page's language ``lang``."""

    def __init__(self, lang: str, thumbs: dict[str, str] | None = None):
        self.lang = lang
        self.thumbs = thumbs or {}

    def thumb(self, row: Row) -> Row:
        row.thumb = next((self.thumbs[link.href] for link in row.links if link.href in self.thumbs), "")
        return row

    def language(self, doc: DocResult) -> str:
        """'' for a document in the index's language, else the name of its language."""
        return "" if doc.lang == self.lang else t(f"index_lang_{doc.lang}", self.lang)

    def titled(self, title: str, doc: DocResult) -> str:
        other = self.language(doc)
        return f"{title} ({other})" if other else title

    def links(self, doc: DocResult, wanted: tuple[str, ...]) -> list[Link]:
        words = {
            "pdf": "PDF",
            "html": "HTML",
            "ipynb": t("index_executed", self.lang),
            "log": t("index_log", self.lang),
        }
        return [
            Link(words[rel.rsplit(".", 1)[-1]], rel)
            for rel in sorted(doc.outputs, key=lambda o: (not o.endswith(".pdf"), o))
            if rel.endswith(wanted)
        ]

    def status(self, doc: DocResult) -> tuple[str, str]:
        if doc.status == FAILED:
            return t("index_status_failed", self.lang), doc.error or ""
        if doc.status == REJECTED:
            return t("index_status_rejected", self.lang), doc.error or ""
        if doc.status == SKIPPED:
            return t("index_status_skipped", self.lang), doc.notes.get("skipped", "")
        return "", ""

    def packs(self, docs: list[DocResult]) -> list[Row]:
        """A row per board pack, with the signal board of its language."""
        rows = []
        for pack in (d for d in docs if d.kind == "boardpack"):
            row = Row(self.language(pack), self.links(pack, (".pdf", ".html")), *self.status(pack))
            board = next((d for d in docs if d.kind == "signals" and d.ok and d.lang == pack.lang), None)
            if board:
                row.links += [Link(t("pack_signal_board", self.lang), o) for o in board.outputs if o.endswith(".html")]
            rows.append(self.thumb(row))
        return rows

    def themes(self, docs: list[DocResult]) -> list[Row]:
        """A row per theme: its PDF and page, or (failed) its executed notebook and log."""
        themes = catalogue().themes
        rows = []
        for doc in (d for d in docs if d.kind == "theme"):
            title = themes[doc.theme].title.get(self.lang) if doc.theme in themes else doc.theme
            wanted = (".pdf", ".html") if doc.ok else (".ipynb", ".log")
            rows.append(self.thumb(Row(self.titled(title, doc), self.links(doc, wanted), *self.status(doc))))
        return rows

    def factsheets(self, docs: list[DocResult]) -> list[Row]:
        reg = registry()
        rows = []
        for doc in (d for d in docs if d.kind == "factsheet"):
            code = doc.name.split("/")[-1].split("-")[0]
            title = reg.display_name(code, self.lang) if code in reg else doc.name
            status, error = self.status(doc)
            rows.append(
                Row(self.titled(title, doc), self.links(doc, (".pdf",)), status, error if doc.status == SKIPPED else "")
            )
        return sorted(rows, key=lambda r: _sort_name(r.title))

    def data_links(self, docs: list[DocResult]) -> list[Link]:
        """The data files of the folder (signals, indicators) and its manifest."""
        links = []
        for doc in (d for d in docs if d.ok):
            for rel in doc.outputs:
                label = _data_file_label(rel, self.lang)
                if label:
                    links.append(Link(self.titled(label, doc), rel))
        links.append(Link(t("index_manifest", self.lang), MANIFEST))
        return links


def _sort_name(name: str) -> str:
    """Alphabetical as a reader looks names up: "'s-Hertogenbosch" under H."""
    return name.lower().removeprefix("'s-").removeprefix("'t ")


def quarter_index_html(
    docs: list[DocResult],
    edition: Edition,
    folder: Path | None = None,
    reports: Path | None = None,
    thumbs: dict[str, str] | None = None,
) -> str:
    """The quarter's overview in the edition's language (see :func:`index_language`): the key
    message and top signals (from the signals in ``folder``), the board pack and every theme
    with a thumbnail (``thumbs``: PDF → PNG), the factsheets by name, the data of the folder
    and the earlier quarters of ``reports``; documents in another language say which. The
    masthead (region, quarter, data version, watermark, board) is the edition's."""
    rows = _Rows(edition.lang, thumbs)
    summary = overview(folder, docs, edition.lang, edition.focus_name, edition.quarter_label) if folder else Overview()
    current = str(edition.quarter)  # the folder name of the quarter: 2026Q3
    return render_index(
        lang=edition.lang,
        region_name=edition.focus_name,
        quarter_label=edition.quarter_label,
        vintage_label=edition.vintage_label,
        is_sample=edition.is_sample,
        watermark=edition.watermark,
        version=__version__,
        date=edition.today,
        packs=rows.packs(docs),
        themes=rows.themes(docs),
        factsheets=rows.factsheets(docs),
        data_links=rows.data_links(docs),
        problems=[d.error for d in docs if d.failed and d.error],
        kicker=edition.kicker,
        fonts_css=font_face_css(False),
        summary=summary,
        earlier=earlier_quarters(reports, current, edition.lang),
    )
