"""The board pack (``bestuursbriefing.pdf``): every theme of the quarter in one document.

It is composed from the executed theme notebooks, so the board reads exactly the pages the
theme briefings show: cover; the front — "In één oogopslag", the board's targets and what
changed since the previous briefing (:mod:`signaal.briefing.front`, made with the signals);
contents with real page numbers (WeasyPrint's ``target-counter``); the signal board (the
curated urgencies and opportunities across themes); the broad-welfare page (from the executed
``brede-welvaart`` notebook, or its key figures when that notebook is absent); one section
per theme (its "in het kort" and topic pages, a page with figures new since the previous
briefing marked "nieuw"); one sources appendix merged from all themes; and the methods
appendix, the only place with strength scores, p-values and rule names. It is rendered
once, so page numbers run on through the whole pack.

What each block of a notebook is — cover, "in het kort", topic page, sources — the pack reads
from the JSON the notebook stores beside the block's HTML (``BLOCK_MIMETYPE``, see
:mod:`signaal.briefing.pages`): the topic's anchor, indicator and question, the source rows.
It rewrites the HTML only to keep ids unique in the one document (:mod:`.html_ids`).

The PDF variant is ``pdf/a-3a``: PDF/A-3 at conformance level A, i.e. archival *and*
tagged (a structure tree, as for PDF/UA). WeasyPrint takes one ``pdf_variant``; it cannot
also write the PDF/UA identification into the same file (that needs an XMP extension
schema under PDF/A), so the theme briefings stay ``pdf/ua-1`` and the pack is PDF/A-3a.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from ..briefing.edition import Edition
from ..briefing.pages import BLOCK_MIMETYPE, SourceRow, Sources, first_heading
from ..catalogue import catalogue
from ..text import t
from .data import open_data
from .exporters import SAFE_MIMETYPES, board_outputs
from .html import html_page, stylesheet
from .html_ids import dedupe_ids, html_ids, prefix_ids, resolve_links, unique_chart_ids
from .outcome import BUILT, DocResult, report, write_atomic
from .pdf import render_pdf, svg_as_images
from .signal_page import BOARD_PAGE, board_from_page, build_signal_board, part_from_page  # noqa: F401
from .tables import indicator_table, write_indicators_csv

PDF_VARIANT = "pdf/a-3a"
BTG_THEME = "brede-welvaart"
SOURCE_FIELDS = ("indicator", "definition", "source", "table", "updated")
# blocks of a theme notebook the pack does not repeat: its cover (the pack has one), its sources
# (merged into one appendix) and its signal board (the pack's own comes first)
PACK_LEAVES_OUT = ("cover", "sources", "board")


@dataclass
class Block:
    kind: str  # cover | summary | topic | sources | board, else other (not made by the Briefing API)
    html: str
    info: dict = field(default_factory=dict)  # what the block is (its BLOCK_MIMETYPE JSON)

    @classmethod
    def of(cls, page) -> Block:
        """The block of a page object (``Summary``, ``TopicPage``, ``Sources`` …)."""
        info = page.block()
        return cls(info["kind"], page.html(), info)


@dataclass
class ThemeParts:
    """What an executed theme notebook shows, in order, as HTML blocks."""

    name: str  # the theme in this run (the notebook's file name)
    theme: str  # the theme id the notebook declares (META_MIMETYPE)
    title: str
    intro: str
    meta: dict
    blocks: list[Block] = field(default_factory=list)

    def of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]

    def indicators(self) -> list[str]:
        """The catalogue indicators of its topic pages, in order, once each."""
        found: list[str] = []
        for b in self.of("topic"):
            indicator = b.info.get("indicator")
            if indicator and indicator not in found:
                found.append(indicator)
        return found


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _block(data: dict) -> Block | None:
    """An output as a block: a Briefing block by what it says it is, anything else as it shows."""
    if "text/html" in data:
        info = data.get(BLOCK_MIMETYPE) or {}
        return Block(info.get("kind", "other"), _joined(data["text/html"]), dict(info))
    if "image/svg+xml" in data:
        return Block("other", f'<figure class="chart">{_joined(data["image/svg+xml"])}</figure>')
    if "image/png" in data or "image/jpeg" in data:
        mime = "image/png" if "image/png" in data else "image/jpeg"
        b64 = "".join(data[mime]).replace("\n", "")
        base64.b64decode(b64[:64] + "=" * (-len(b64[:64]) % 4))  # fails on garbage
        return Block("other", f'<figure class="chart"><img alt="" src="data:{mime};base64,{b64}"></figure>')
    if "text/markdown" in data:
        return Block("other", f'<div class="pack-note">{markdown2html_mistune(data["text/markdown"])}</div>')
    return None


def read_theme(path: Path, name: str | None = None) -> ThemeParts:
    """Read an executed notebook into blocks, keeping only what reaches the board (the same
    filter as the exporters: no code, no prints, no cells tagged ``remove``)."""
    nb = nbformat.read(path, as_version=4)
    heading = first_heading(nb.cells)  # the title of a theme without a Briefing (before 'remove' cells go)
    meta = board_outputs(nb, SAFE_MIMETYPES + (BLOCK_MIMETYPE,))
    name = name or Path(path).stem
    blocks: list[Block] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            blocks.append(Block("other", f'<div class="pack-note">{markdown2html_mistune(cell.source)}</div>'))
            continue
        blocks += [b for out in cell.get("outputs", []) if (b := _block(out.get("data", {}))) is not None]
    cover = next((b for b in blocks if b.kind == "cover"), None)
    intro = (cover.info.get("intro") or "").strip() if cover else ""
    return ThemeParts(
        name=name,
        theme=meta.get("theme") or name,
        title=meta.get("title") or heading or name,
        intro=intro,
        meta=meta,
        blocks=blocks,
    )


def source_rows(parts: list[ThemeParts]) -> list[SourceRow]:
    """The rows of every theme's sources appendix, once each (by indicator and table)."""
    seen, rows = set(), []
    for p in parts:
        for block in p.of("sources"):
            for row in block.info.get("rows", []):
                cells = {k: str(row.get(k) or "").strip() for k in SOURCE_FIELDS}
                key = (cells["indicator"], cells["table"])
                if key not in seen:
                    seen.add(key)
                    rows.append(SourceRow(**cells))
    return rows


# ---------------------------------------------------------------------------------------
# Composition
# ---------------------------------------------------------------------------------------
@dataclass
class Entry:
    """A line of the contents: a link to an id, at level 1 (section) or 2 (topic)."""

    target: str
    text_html: str
    level: int = 1


def _section(section_id: str, title: str, running: str, body: str, css_class: str) -> str:
    return (
        f'<section class="pack-section {css_class}" id="{escape(section_id)}">'
        f'<h1 class="pack-section-title" data-running="{escape(running)}">{escape(title)}</h1>{body}</section>'
    )


def mark_new(html: str, lang: str) -> str:
    """A topic page's "Laatste actualisatie" line with the mark "nieuw" (figures new since the
    previous briefing)."""
    at = html.find('<p class="updated">')
    end = html.find("</p>", at) if at >= 0 else -1
    if end < 0:
        return html
    badge = f'<span class="badge-new" title="{escape(t("new_badge", lang))}">{escape(t("new_word", lang))}</span>'
    return html[:end] + badge + html[end:]


def pack_html(block: Block) -> str:
    """What the pack shows of a block: a topic page's compact form where it stores one."""
    return (block.info.get("pack_html") if block.kind == "topic" else None) or block.html


def theme_section(
    parts: ThemeParts,
    edition: Edition,
    section_id: str,
    css_class: str = "pack-theme",
    note: str = "",
    new: dict | None = None,
) -> tuple[str, list[Entry]]:
    """One theme: its title and intro on its first content page, "in het kort", its topic
    pages (the compact form each stores for the pack: two related topics share a page) and
    analysts' notes. The theme's own signal board is left out: the pack opens with the
    signal board of every theme, and each topic page carries its signal. A topic whose indicator has figures new since the previous
    briefing (``new``) is marked."""
    entries = [Entry(section_id, escape(parts.title), 1)]
    body = [f'<p class="pack-theme-intro">{escape(parts.intro)}</p>' if parts.intro else ""]
    if note:
        body.append(f'<p class="pack-generated">{escape(note)}</p>')
    blocks = [(b, pack_html(b)) for b in parts.blocks if b.kind not in PACK_LEAVES_OUT]
    own = set().union(*(html_ids(html) for _, html in blocks)) if blocks else set()
    for block, html in blocks:
        if block.kind == "topic" and block.info.get("indicator") in (new or {}):
            html = mark_new(html, edition.lang)
        body.append(prefix_ids(html, parts.name, own))
        anchor, title = block.info.get("id"), block.info.get("title")
        if block.kind == "topic" and anchor in own and title:
            entries.append(Entry(f"{parts.name}-{anchor}", escape(title).strip(), 2))
    running = f"{t('pack_title', edition.lang)} · {parts.title}"
    return _section(section_id, parts.title, running, "".join(body), css_class), entries


def contents_html(entries: list[Entry], lang: str) -> str:
    items = "".join(
        f'<li class="level-{e.level}"><a href="#{escape(e.target)}">{e.text_html}</a></li>' for e in entries
    )
    return (
        f'<nav class="pack-contents" id="pack-inhoud" aria-labelledby="pack-inhoud-title">'
        f'<h2 id="pack-inhoud-title">{escape(t("contents", lang))}</h2><ol>{items}</ol></nav>'
    )


def missing_note(theme: str, lang: str) -> str:
    """What the board reads about a theme that is not in the pack: its title and a reason in
    its own language. What went wrong in the code is for the analysts: it is in index.html,
    the manifest and the run's output, not in the pack."""
    themes = catalogue().themes
    title = themes[theme].title.get(lang) if theme in themes else theme
    return t("pack_missing_theme", lang, theme=title, reason=t("pack_reason_failed", lang))


def signals_note(lang: str) -> str:
    """Why the pack has no signal board, for the board: computing the signals went wrong
    (details in index.html)."""
    return t("pack_signals_unavailable", lang, reason=t("pack_reason_failed", lang))


def compose(
    themes: list[ThemeParts],
    edition: Edition,
    signal_board: str | None,
    btg: ThemeParts | None = None,
    btg_note: str = "",
    missing: list[str] | None = None,
    for_pdf: bool = True,
    front: str | None = None,
    methods: str | None = None,
    new: dict | None = None,
) -> str:
    """The whole pack as one HTML document. ``missing`` are themes whose notebook failed
    (named in the pack with a reason the board can read); without a ``signal_board`` the pack
    says so (:func:`signals_note`). ``front``: the front pages (before the contents);
    ``methods``: the methods appendix (last); ``new``: indicators with figures new since the
    previous briefing (their pages are marked)."""
    lang = edition.lang
    title = t("pack_title", lang)
    cover = edition.cover(title, t("pack_intro", lang)).html()
    entries: list[Entry] = []
    sections: list[str] = []
    # the front pages come before the contents (and are bookmarked): the contents starts after them;
    # their ids are the pack's own (pack-oogopslag, pack-doelen, pack-veranderd)
    front_html = front or ""

    board_title = t("pack_signal_board", lang)
    if signal_board:
        board_body = prefix_ids(signal_board, "pack-signaalbord")
    else:
        board_body = f'<p class="pack-generated">{escape(signals_note(lang))}</p>'
    sections.append(_section("pack-signaalbord", board_title, f"{title} · {board_title}", board_body, "pack-signals"))
    entries.append(Entry("pack-signaalbord", escape(board_title), 1))

    if btg is not None:
        html, ents = theme_section(btg, edition, "pack-brede-welvaart", "pack-btg", note=btg_note, new=new)
        sections.append(html)
        entries += ents
    for parts in themes:
        html, ents = theme_section(parts, edition, f"pack-{parts.name}", new=new)
        sections.append(html)
        entries += ents
    all_parts = ([btg] if btg else []) + themes
    sources = (
        Sources(rows=source_rows(all_parts), lang=lang)
        .html()
        .replace('<section class="sources">', '<section class="sources pack-sources" id="pack-bronnen">', 1)
    )
    sections.append(sources)
    entries.append(Entry("pack-bronnen", escape(t("sources_appendix", lang)), 1))
    if methods:
        sections.append(methods)
        entries.append(Entry("pack-methode", escape(t("methods_title", lang)), 1))

    missing_html = "".join(f'<p class="pack-missing">{escape(missing_note(m, lang))}</p>' for m in missing or [])
    running = " · ".join((title, edition.focus_name, edition.quarter_label))
    css = stylesheet(lang, edition.watermark, edition.board, ("boardpack.css", "front.css"), for_pdf=for_pdf)
    body = f"{cover}{front_html}{contents_html(entries, lang)}{missing_html}{''.join(sections)}"
    body = resolve_links(dedupe_ids(unique_chart_ids(body)))
    if for_pdf:
        body = svg_as_images(body)
    return html_page(
        title=running, body=body, lang=lang, css=css, body_class="pack", watermark=edition.watermark, running=running
    )


# ---------------------------------------------------------------------------------------
# Build (in a worker process)
# ---------------------------------------------------------------------------------------
def _btg_fallback(data, edition: Edition) -> ThemeParts:
    """The broad-welfare page from the Briefing API when there is no brede-welvaart notebook:
    its "in het kort" and the Bruto Twents Geluk topic page, the same blocks a notebook shows."""
    from ..briefing.notebook import Briefing  # the pages draw charts (matplotlib): only when needed

    cat = catalogue()
    topics = [i.id for i in cat.for_theme(BTG_THEME)] if BTG_THEME in cat.themes else []
    b = Briefing(
        BTG_THEME,
        region=edition.focus,
        quarter=edition.quarter,
        lang=edition.lang,
        topics=topics,
        data=data,
        today=edition.today,
    )
    blocks = [Block.of(b.summary(show=False))]
    if "btg_rapportcijfer" in topics:
        b.shown.append("btg_rapportcijfer")
        blocks.append(Block.of(b.page("btg_rapportcijfer")))
    blocks.append(Block.of(b.sources(show=False)))
    intro = b.theme.intro.get(edition.lang) if b.theme else ""
    return ThemeParts(name=BTG_THEME, theme=BTG_THEME, title=b.title, intro=intro, meta=b.meta(), blocks=blocks)


def _signal_board(staging: Path, board_page: str | None, result: DocResult) -> dict:
    """The front pages, the signal board and the methods appendix from the signal board's page
    in staging, and the figures new since the previous briefing from the signals' JSON beside it
    (noted in the result: which page, or why none)."""
    page = staging / board_page if board_page else None
    board = board_from_page(page) if page else None
    if board_page and board is None:
        result.notes["signal_board"] = f"{board_page} is missing"
    else:
        result.notes["signal_board"] = board_page if board else "no signal board (failed)"
    new: dict = {}
    if page is not None:
        signals_json = page.with_name(page.name.replace(BOARD_PAGE, "signals", 1)).with_suffix(".json")
        with contextlib.suppress(OSError, ValueError):
            new = json.loads(signals_json.read_text("utf-8")).get("meta", {}).get("new_figures") or {}
    return {
        "board": board,
        "front": part_from_page(page, "front") if page else None,
        "methods": part_from_page(page, "methods") if page else None,
        "new": new,
    }


def _broad_welfare(parts: list[ThemeParts], data, edition: Edition, result: DocResult) -> tuple[ThemeParts, str]:
    """The broad-welfare section: the brede-welvaart notebook's, else made here (with a note)."""
    btg = next((p for p in parts if p.theme == BTG_THEME or p.name == BTG_THEME), None)
    if btg is not None:
        result.notes["brede_welvaart"] = f"notebook {btg.name}.ipynb"
        return btg, ""
    result.notes["brede_welvaart"] = "generated (no brede-welvaart notebook)"
    return _btg_fallback(data, edition), t("pack_btg_generated", edition.lang)


def _write_indicators(data, edition: Edition, parts: list[ThemeParts], extra: list[str], path: Path) -> None:
    """``indicators.csv``: the indicators of the pack's topic pages, then the ``extra`` ones."""
    shown: list[str] = []
    for p in parts:
        shown += [i for i in p.indicators() if i not in shown]
    shown += [i for i in extra if i not in shown]
    write_indicators_csv(indicator_table(data, edition.focus, edition.quarter, shown, edition.lang), path)


def build_pack(
    edition: Edition,
    staging: str,
    data_dir: str,
    themes: list[tuple[str, str]],
    *,
    name: str,
    missing: list[str] | None = None,
    extra_indicators: list[str] | None = None,
    board_page: str | None = None,
    indicators_name: str = "indicators.csv",
) -> DocResult:
    """Write ``<name>.pdf``, ``<name>.html`` and ``indicators_name`` into ``staging``; return
    the pack's DocResult. ``themes`` are (theme, executed notebook relative to ``staging``);
    ``missing`` the themes whose notebook failed; ``extra_indicators`` join indicators.csv
    (the factsheets'); ``board_page`` is the signal board's page in staging (made by
    :func:`~signaal.publish.signal_page.build_signal_board`; without it the pack says that
    the signals failed)."""
    staging_path = Path(staging)
    result = DocResult(name=name, notebook=None, status=BUILT, kind="boardpack", lang=edition.lang)
    t0 = time.perf_counter()
    steps = 5
    try:
        report(name, 0, steps, "notebooks")
        parts = [read_theme(staging_path / rel, theme) for theme, rel in themes]
        data = open_data(data_dir, edition.vintage)
        t1 = time.perf_counter()
        report(name, 1, steps, "signals")
        found = _signal_board(staging_path, board_page, result)
        board = found["board"]
        extra = {"front": found["front"], "methods": found["methods"], "new": found["new"]}
        t2 = time.perf_counter()
        btg, btg_note = _broad_welfare(parts, data, edition, result)
        others = [p for p in parts if p is not btg]
        report(name, 2, steps, indicators_name)
        _write_indicators(data, edition, [btg, *others], extra_indicators or [], staging_path / indicators_name)
        result.outputs.append(indicators_name)
        t3 = time.perf_counter()
        report(name, 3, steps, "html")
        screen = compose(others, edition, board, btg=btg, btg_note=btg_note, missing=missing, for_pdf=False, **extra)
        write_atomic(staging_path / f"{name}.html", screen.encode("utf-8"))
        result.outputs.append(f"{name}.html")
        printable = compose(others, edition, board, btg=btg, btg_note=btg_note, missing=missing, for_pdf=True, **extra)
        t4 = time.perf_counter()
        report(name, 4, steps, "pdf")
        write_atomic(staging_path / f"{name}.pdf", render_pdf(printable, variant=PDF_VARIANT))
        result.outputs.append(f"{name}.pdf")
        report(name, 5, steps, "pdf")
        result.notes["themes"] = [p.name for p in others]
        if missing:
            result.notes["missing"] = list(missing)
        result.notes["pdf_variant"] = PDF_VARIANT
        result.timings = {
            "read": round(t1 - t0, 3),
            "board": round(t2 - t1, 3),
            "indicators": round(t3 - t2, 3),
            "html": round(t4 - t3, 3),
            "pdf": round(time.perf_counter() - t4, 3),
        }
    except Exception as exc:
        result.fail(f"board pack {name}.pdf", exc)
        result.timings["total"] = round(time.perf_counter() - t0, 3)
    return result
