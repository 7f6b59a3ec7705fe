"""The board pack (``bestuursbriefing.pdf``): every theme of the quarter in one document.

It is composed from the executed theme notebooks, so the board reads exactly the pages the
theme briefings show: cover, contents with real page numbers (WeasyPrint's
``target-counter``), the signal board (the strongest urgencies and opportunities across
themes), the broad-welfare page (from the executed ``brede-welvaart`` notebook, or its key
figures when that notebook is absent), one section per theme (its "in het kort" and topic
pages), and one sources appendix merged from all themes. It is rendered once, so page
numbers run on through the whole pack.

The PDF variant is ``pdf/a-3a``: PDF/A-3 at conformance level A, i.e. archival *and*
tagged (a structure tree, as for PDF/UA). WeasyPrint takes one ``pdf_variant``; it cannot
also write the PDF/UA identification into the same file (that needs an XMP extension
schema under PDF/A), so the theme briefings stay ``pdf/ua-1`` and the pack is PDF/A-3a.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..text import t

PDF_VARIANT = "pdf/a-3a"
BTG_THEME = "brede-welvaart"
BLOCK_KINDS = ("cover", "summary", "topic", "sources")
# the first tag of an output: its class attribute (any order of attributes) and its id
_SECTION_CLASS_RE = re.compile(r'^\s*<section\b[^>]*?\sclass="([^"]*)"')
_SECTION_ID_RE = re.compile(r'^\s*<section\b[^>]*?\sid="([^"]*)"')
_QUESTION_RE = re.compile(r'<h2 class="question">(.*?)</h2>', re.S)
_INDICATOR_RE = re.compile(r'data-indicator="([a-z0-9_]+)"')


@dataclass
class Block:
    kind: str      # cover | summary | topic | sources | other
    html: str


@dataclass
class ThemeParts:
    """What an executed theme notebook shows, in order, as HTML blocks."""

    name: str                   # the theme in this run (the notebook's file name)
    theme: str                  # the theme id the notebook declares (META_MIMETYPE)
    title: str
    intro: str
    meta: dict
    blocks: list[Block] = field(default_factory=list)

    def of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]

    def indicators(self) -> list[str]:
        found: list[str] = []
        for b in self.of("topic"):
            m = _INDICATOR_RE.search(b.html)
            if m and m.group(1) not in found:
                found.append(m.group(1))
        return found


def _classify(html: str) -> str:
    """What an output is, by a word of its section's class: ``class="topic compass-page"``
    is a topic page like ``class="topic"``."""
    m = _SECTION_CLASS_RE.match(html)
    words = m.group(1).split() if m else []
    return next((kind for kind in BLOCK_KINDS if kind in words), "other")


def read_theme(path: Path, name: str | None = None) -> ThemeParts:
    """Read an executed notebook into blocks, keeping only what reaches the board (the same
    filter as the exporters: no code, no prints, no cells tagged ``remove``)."""
    import base64

    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from .exporters import SignaalPreprocessor

    nb = nbformat.read(path, as_version=4)
    nb, resources = SignaalPreprocessor().preprocess(nb, {})
    meta = resources.get("signaal", {})
    name = name or Path(path).stem
    blocks: list[Block] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            blocks.append(Block("other", f'<div class="pack-note">{markdown2html_mistune(cell.source)}</div>'))
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                html = data["text/html"]
                html = "".join(html) if isinstance(html, list) else html
                blocks.append(Block(_classify(html), html))
            elif "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                blocks.append(Block("other", f'<figure class="chart">{"".join(svg) if isinstance(svg, list) else svg}</figure>'))
            elif "image/png" in data or "image/jpeg" in data:
                mime = "image/png" if "image/png" in data else "image/jpeg"
                b64 = "".join(data[mime]).replace("\n", "")
                base64.b64decode(b64[:64] + "=" * (-len(b64[:64]) % 4))  # fails on garbage
                blocks.append(Block("other", f'<figure class="chart"><img alt="" src="data:{mime};base64,{b64}"></figure>'))
            elif "text/markdown" in data:
                blocks.append(Block("other", f'<div class="pack-note">{markdown2html_mistune(data["text/markdown"])}</div>'))
    intro = ""
    for b in blocks:
        if b.kind == "cover":
            tag = BeautifulSoup(b.html, "html.parser").find(class_="cover-intro")
            intro = tag.get_text(" ", strip=True) if tag else ""
            break
    return ThemeParts(
        name=name, theme=meta.get("theme") or name, title=meta.get("title") or name, intro=intro, meta=meta, blocks=blocks,
    )


def source_rows(parts: list[ThemeParts]):
    """The rows of every theme's sources appendix, once each (by indicator and table)."""
    from bs4 import BeautifulSoup

    from ..briefing.pages import SourceRow

    seen, rows = set(), []
    for p in parts:
        for block in p.of("sources"):
            soup = BeautifulSoup(block.html, "html.parser")
            for tr in soup.select("tbody tr"):
                cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                if len(cells) < 5:
                    continue
                key = (cells[0], cells[3])
                if key not in seen:
                    seen.add(key)
                    rows.append(SourceRow(indicator=cells[0], definition=cells[1], source=cells[2], table=cells[3], updated=cells[4]))
    return rows


# ---------------------------------------------------------------------------------------
# Composition
# ---------------------------------------------------------------------------------------
@dataclass
class PackContext:
    region: str
    region_name: str
    quarter: str
    quarter_label: str
    vintage_label: str
    date_label: str
    lang: str
    is_sample: bool
    watermark: str
    board: str = "Signaal"     # the board the pack is for (regions.yaml ``boards:``)


@dataclass
class Entry:
    """A line of the contents: a link to an id, at level 1 (section) or 2 (topic)."""

    target: str
    text_html: str
    level: int = 1


# ---------------------------------------------------------------------------------------
# Ids: unique in the whole pack, every in-page link resolving
# ---------------------------------------------------------------------------------------
# The pack puts several documents in one page: every theme section shows its notebook's own
# signal board, topic pages and charts, so the same ids come back (a signal on the pack's
# board and on its theme's board, identical sparklines). Each section's ids get the section
# as prefix (its links to them follow), each chart's ids get a prefix of their own (the
# references inside the chart follow), and links between sections are resolved at the end.
_SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
_ID_RE = re.compile(r'(\sid=")([^"]+)(")')
_HREF_RE = re.compile(r'(?<![:\w-])href="#([^"]*)"')          # not xlink:href (inside charts)
_ANY_HREF_RE = re.compile(r'((?:xlink:)?href=")#([^"]*)(")')
_URL_RE = re.compile(r"""url\(\s*(["']?)#([^"')\s]+)\1\s*\)""")


def _outside_charts(html: str, fn) -> str:
    """``fn`` applied to the HTML between the SVGs (a chart's ids are its own business)."""
    out, pos = [], 0
    for m in _SVG_RE.finditer(html):
        out += [fn(html[pos:m.start()]), m.group(0)]
        pos = m.end()
    out.append(fn(html[pos:]))
    return "".join(out)


def html_ids(html: str) -> set[str]:
    """The ids of a fragment outside its charts."""
    return {m.group(2) for m in _ID_RE.finditer(_SVG_RE.sub("", html))}


def prefix_ids(html: str, prefix: str, targets: set[str] | None = None) -> str:
    """Every id of a fragment (outside its charts) as ``<prefix>-<id>``, and its links to
    ``targets`` (default: its own ids; a theme section passes the ids of all its blocks, so
    that "in het kort" still points at its topic pages) rewritten the same way."""
    targets = html_ids(html) if targets is None else targets

    def rewrite(part: str) -> str:
        part = _ID_RE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", part)
        return _HREF_RE.sub(lambda m: f'href="#{prefix}-{m.group(1)}"' if m.group(1) in targets else m.group(0), part)

    return _outside_charts(html, rewrite)


def unique_chart_ids(html: str) -> str:
    """Each chart's ids with a prefix of its own (``g3-…``), and the references inside that
    chart (``url(#…)``, ``xlink:href``, ``href``) with them: two identical charts in one page
    (the same sparkline on two boards) no longer share ids."""
    counter = [0]

    def one(m: re.Match) -> str:
        svg = m.group(0)
        ids = {i.group(2) for i in _ID_RE.finditer(svg)}
        if not ids:
            return svg
        counter[0] += 1
        p = f"g{counter[0]}-"
        svg = _ID_RE.sub(lambda i: f"{i.group(1)}{p}{i.group(2)}{i.group(3)}", svg)
        svg = _ANY_HREF_RE.sub(lambda r: f"{r.group(1)}#{p}{r.group(2)}{r.group(3)}" if r.group(2) in ids else r.group(0), svg)
        return _URL_RE.sub(lambda u: f"url({u.group(1)}#{p}{u.group(2)}{u.group(1)})" if u.group(2) in ids else u.group(0), svg)

    return _SVG_RE.sub(one, html)


def _dedupe_ids(html: str) -> str:
    """A last guard: an id that still occurs twice keeps its first use (links point there);
    later ones get ``-2``, ``-3``."""
    seen: set[str] = set(m.group(2) for m in _ID_RE.finditer(html))
    used: set[str] = set()

    def fix(m: re.Match) -> str:
        value = m.group(2)
        if value not in used:
            used.add(value)
            return m.group(0)
        n = 2
        while f"{value}-{n}" in seen or f"{value}-{n}" in used:
            n += 1
        used.add(f"{value}-{n}")
        return f"{m.group(1)}{value}-{n}{m.group(3)}"

    return _ID_RE.sub(fix, html)


def _resolve_links(body: str) -> str:
    """Every in-page link of the pack points at an id in it: a link to a topic that is in
    another section goes there; one that is nowhere loses its target (its text stays)."""
    ids = set(m.group(2) for m in _ID_RE.finditer(body))
    by_topic: dict[str, str] = {}
    for i in sorted(ids):
        m = re.fullmatch(r"(.+)-(topic-.+)", i)
        if m:
            by_topic.setdefault(m.group(2), i)

    def fix(m: re.Match) -> str:
        target = m.group(1)
        if target in ids:
            return m.group(0)
        topic = re.sub(r"^.*?(topic-.+)$", r"\1", target)
        return f'href="#{by_topic[topic]}"' if topic in by_topic else ""

    return _HREF_RE.sub(fix, body)


def _section(section_id: str, title: str, running: str, body: str, css_class: str) -> str:
    return (
        f'<section class="pack-section {css_class}" id="{escape(section_id)}">'
        f'<h1 class="pack-section-title" data-running="{escape(running)}">{escape(title)}</h1>{body}</section>'
    )


def theme_section(parts: ThemeParts, ctx: PackContext, section_id: str, css_class: str = "pack-theme",
                  note: str = "") -> tuple[str, list[Entry]]:
    """One theme: its title and intro, "in het kort", its topic pages and analysts' notes."""
    entries = [Entry(section_id, escape(parts.title), 1)]
    body = [f'<p class="pack-theme-intro">{escape(parts.intro)}</p>' if parts.intro else ""]
    if note:
        body.append(f'<p class="pack-generated">{escape(note)}</p>')
    blocks = [b for b in parts.blocks if b.kind not in ("cover", "sources")]
    own = set().union(*(html_ids(b.html) for b in blocks)) if blocks else set()
    for block in blocks:
        html = prefix_ids(block.html, parts.name, own)
        if block.kind == "topic":
            m = _SECTION_ID_RE.match(html)
            q = _QUESTION_RE.search(html)
            if m and q:
                entries.append(Entry(m.group(1), q.group(1).strip(), 2))
        body.append(html)
    running = f"{t('pack_title', ctx.lang)} · {parts.title}"
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
    from ..catalogue import catalogue

    themes = catalogue().themes
    title = themes[theme].title.get(lang) if theme in themes else theme
    return t("pack_missing_theme", lang, theme=title, reason=t("pack_reason_failed", lang))


def signals_note(problem: str, lang: str) -> str:
    """Why the pack has no signal board, for the board: ``absent`` (the signals module is not
    installed) or ``failed`` (computing them went wrong; details in index.html)."""
    reason = t("pack_reason_signals_absent" if problem == "absent" else "pack_reason_failed", lang)
    return t("pack_signals_unavailable", lang, reason=reason)


def compose(
    themes: list[ThemeParts],
    ctx: PackContext,
    signal_board: str | None,
    signals_problem: str = "failed",
    btg: ThemeParts | None = None,
    btg_note: str = "",
    missing: list[str] | None = None,
    for_pdf: bool = True,
) -> str:
    """The whole pack as one HTML document. ``missing`` are themes whose notebook failed
    (named in the pack with a reason the board can read); ``signals_problem`` says why there
    is no ``signal_board`` (see :func:`signals_note`)."""
    from ..briefing.pages import Cover, Sources
    from .exporters import base_css, extra_css, font_face_css, footer_text, html_page, page_css, svg_as_images

    lang = ctx.lang
    title = t("pack_title", lang)
    cover = Cover(
        theme_title=title, region_name=ctx.region_name, quarter_label=ctx.quarter_label,
        vintage_label=ctx.vintage_label, date_label=ctx.date_label, lang=lang, is_sample=ctx.is_sample,
        intro=t("pack_intro", lang), kicker=t("cover_kicker", lang, board=ctx.board),
    ).html()
    entries: list[Entry] = []
    sections: list[str] = []

    board_title = t("pack_signal_board", lang)
    if signal_board:
        board_body = prefix_ids(signal_board, "pack-signaalbord")
    else:
        board_body = f'<p class="pack-generated">{escape(signals_note(signals_problem, lang))}</p>'
    sections.append(_section("pack-signaalbord", board_title, f"{title} · {board_title}", board_body, "pack-signals"))
    entries.append(Entry("pack-signaalbord", escape(board_title), 1))

    if btg is not None:
        html, ents = theme_section(btg, ctx, "pack-brede-welvaart", "pack-btg", note=btg_note)
        sections.append(html)
        entries += ents
    for parts in themes:
        html, ents = theme_section(parts, ctx, f"pack-{parts.name}")
        sections.append(html)
        entries += ents
    all_parts = ([btg] if btg else []) + themes
    sources = Sources(rows=source_rows(all_parts), lang=lang).html().replace(
        '<section class="sources">', '<section class="sources pack-sources" id="pack-bronnen">', 1
    )
    sections.append(sources)
    entries.append(Entry("pack-bronnen", escape(t("sources_appendix", lang)), 1))

    missing_html = "".join(f'<p class="pack-missing">{escape(missing_note(name, lang))}</p>' for name in (missing or []))
    running = " · ".join((title, ctx.region_name, ctx.quarter_label))
    css = "\n".join((font_face_css(for_pdf), base_css(), page_css(lang, ctx.watermark, footer_text(ctx.board)),
                     extra_css("boardpack.css")))
    body = f"{cover}{contents_html(entries, lang)}{missing_html}{''.join(sections)}"
    body = _resolve_links(_dedupe_ids(unique_chart_ids(body)))
    if for_pdf:
        body = svg_as_images(body)
    return html_page(title=running, body=body, lang=lang, css=css, body_class="pack", watermark=ctx.watermark,
                     running=running)


# ---------------------------------------------------------------------------------------
# Build (in a worker process)
# ---------------------------------------------------------------------------------------
BOARD_PAGE = "signaalbord"
_BOARD_START, _BOARD_END = "<!-- signal-board -->", "<!-- /signal-board -->"


def signals_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("signaal.signals") is not None


def build_signal_board(name: str, staging: str, stem: str, region: str, quarter: str, lang: str, vintage: str,
                       data_dir: str, csv_name: str = "signals.csv", json_name: str = "signals.json"):
    """The quarter's signals (``signals.csv``, ``signals.json``; other names for another
    language, so that both can sit in one folder) and the signal board as a page of its own
    (``<stem>.html``), which the board pack takes its signal board from. It needs only the
    data, not the notebooks, so it runs while the notebooks do and is reused when only a
    notebook changed."""
    from .factsheets import _open_data
    from .outcome import BUILT, DocResult, report, write_atomic
    from .exporters import base_css, extra_css, font_face_css, footer_text, html_page, page_css
    from ..regions import registry
    from ..text import sample_watermark

    result = DocResult(name=name, notebook=None, status=BUILT, kind="signals", lang=lang)
    t0 = time.perf_counter()
    staging_path = Path(staging)
    try:
        from ..briefing.board import signal_board_html
        from ..signals import compute_signals
        from ..signals.output import signals_csv, signals_json

        report(name, 0, 2, "signals")
        data = _open_data(data_dir, vintage)
        signals = compute_signals(data, region, quarter)
        write_atomic(staging_path / csv_name, signals_csv(signals).encode("utf-8"))
        write_atomic(staging_path / json_name, signals_json(signals).encode("utf-8"))
        result.outputs += [csv_name, json_name]
        report(name, 1, 2, "board")
        board = signal_board_html(signals, lang, limit=8, data=data)
        watermark = sample_watermark(data.vintage.is_sample, lang)
        reg = registry()
        title = f"{t('pack_signal_board', lang)} · {reg.display_name(region, lang)}"
        css = "\n".join((font_face_css(False), base_css(), page_css(lang, watermark, footer_text(reg.board(region, lang))),
                         extra_css("boardpack.css")))
        page = html_page(title=title, body=f"{_BOARD_START}{board}{_BOARD_END}", lang=lang, css=css,
                         watermark=watermark)
        write_atomic(staging_path / f"{stem}.html", page.encode("utf-8"))
        result.outputs.append(f"{stem}.html")
        result.notes["signals"] = len(signals)
        report(name, 2, 2, "done")
    except Exception as exc:
        result.fail("signals", exc)
    result.timings["total"] = round(time.perf_counter() - t0, 3)
    return result


def board_from_page(path: Path) -> str | None:
    """The signal board's HTML from the page :func:`build_signal_board` wrote."""
    try:
        page = Path(path).read_text("utf-8")
    except OSError:
        return None
    start, end = page.find(_BOARD_START), page.find(_BOARD_END)
    return page[start + len(_BOARD_START):end] if start >= 0 and end > start else None


def _btg_fallback(data, region: str, quarter: str, lang: str, today: dt.date) -> ThemeParts:
    """The broad-welfare page from the Briefing API when there is no brede-welvaart notebook:
    its "in het kort" and the Bruto Twents Geluk topic page, the same blocks a notebook shows."""
    from ..briefing.notebook import Briefing
    from ..catalogue import catalogue

    topics = [i.id for i in catalogue().for_theme(BTG_THEME)] if BTG_THEME in catalogue().themes else []
    b = Briefing(BTG_THEME, region=region, quarter=quarter, lang=lang, topics=topics, data=data, today=today)
    blocks = [Block("summary", b.summary(show=False).html())]
    if "btg_rapportcijfer" in topics:
        b.shown.append("btg_rapportcijfer")
        blocks.append(Block("topic", b.page("btg_rapportcijfer").html()))
    blocks.append(Block("sources", b.sources(show=False).html()))
    intro = b.theme.intro.get(lang) if b.theme else ""
    return ThemeParts(name=BTG_THEME, theme=BTG_THEME, title=b.title, intro=intro, meta=b.meta(), blocks=blocks)


def build_pack(
    name: str,
    staging: str,
    stem: str,
    region: str,
    quarter: str,
    lang: str,
    vintage: str,
    data_dir: str,
    themes: list[tuple[str, str]],
    missing: list[str],
    extra_indicators: list[str],
    today: str | None = None,
    board_page: str | None = None,
    signals_problem: str = "failed",
    indicators_name: str = "indicators.csv",
):
    """Write ``<stem>.pdf``, ``<stem>.html`` and ``indicators_name`` into ``staging``; return
    the pack's DocResult. ``board_page`` is the signal board's page in staging (made by
    :func:`build_signal_board`); without it the pack says why (``signals_problem``:
    ``absent`` or ``failed``). ``missing`` are the themes whose notebook failed."""
    from .factsheets import _open_data
    from .outcome import BUILT, DocResult, report, write_atomic
    from ..briefing.pages import long_date
    from ..periods import Period
    from .exporters import render_pdf
    from ..regions import registry
    from .tables import indicator_table, write_indicators_csv
    from ..text import sample_watermark, vintage_label

    staging_path = Path(staging)
    result = DocResult(name=name, notebook=None, status=BUILT, kind="boardpack", lang=lang)
    t0 = time.perf_counter()
    steps = 5
    try:
        report(name, 0, steps, "notebooks")
        parts = [read_theme(staging_path / rel, theme) for theme, rel in themes]
        data = _open_data(data_dir, vintage)
        q = Period.parse(quarter)
        reg = registry()
        today_d = dt.date.fromisoformat(today) if today else dt.date.today()
        is_sample = data.vintage.is_sample
        ctx = PackContext(
            region=region, region_name=reg.display_name(region, lang), quarter=quarter, quarter_label=q.label(lang),
            vintage_label=vintage_label(is_sample, data.vintage.id, lang),
            date_label=long_date(today_d, lang), lang=lang, is_sample=is_sample,
            watermark=sample_watermark(is_sample, lang), board=reg.board(region, lang),
        )
        t1 = time.perf_counter()
        report(name, 1, steps, "signals")
        board = board_from_page(staging_path / board_page) if board_page else None
        if board_page and board is None:
            signals_problem = "failed"
            result.notes["signal_board"] = f"{board_page} is missing"
        else:
            result.notes["signal_board"] = board_page if board else f"no signal board ({signals_problem})"
        t2 = time.perf_counter()
        btg = next((p for p in parts if p.theme == BTG_THEME or p.name == BTG_THEME), None)
        btg_note = ""
        if btg is None:
            btg = _btg_fallback(data, region, quarter, lang, today_d)
            btg_note = t("pack_btg_generated", lang)
            result.notes["brede_welvaart"] = "generated (no brede-welvaart notebook)"
        else:
            result.notes["brede_welvaart"] = f"notebook {btg.name}.ipynb"
        others = [p for p in parts if p is not btg]
        report(name, 2, steps, indicators_name)
        shown = []
        for p in [btg, *others]:
            shown += [i for i in p.indicators() if i not in shown]
        shown += [i for i in extra_indicators if i not in shown]
        table = indicator_table(data, region, q, shown, lang)
        write_indicators_csv(table, staging_path / indicators_name)
        result.outputs.append(indicators_name)
        t3 = time.perf_counter()
        report(name, 3, steps, "html")
        kw = dict(signals_problem=signals_problem, btg=btg, btg_note=btg_note, missing=missing)
        screen = compose(others, ctx, board, for_pdf=False, **kw)
        write_atomic(staging_path / f"{stem}.html", screen.encode("utf-8"))
        result.outputs.append(f"{stem}.html")
        printable = compose(others, ctx, board, for_pdf=True, **kw)
        t4 = time.perf_counter()
        report(name, 4, steps, "pdf")
        pdf = render_pdf(printable, variant=PDF_VARIANT)
        write_atomic(staging_path / f"{stem}.pdf", pdf)
        result.outputs.append(f"{stem}.pdf")
        report(name, 5, steps, "pdf")
        result.notes["themes"] = [p.name for p in others]
        if missing:
            result.notes["missing"] = list(missing)
        result.notes["pdf_variant"] = PDF_VARIANT
        result.timings = {
            "read": round(t1 - t0, 3), "board": round(t2 - t1, 3), "indicators": round(t3 - t2, 3),
            "html": round(t4 - t3, 3), "pdf": round(time.perf_counter() - t4, 3),
        }
    except Exception as exc:
        result.fail(f"board pack {stem}.pdf", exc)
        result.timings["total"] = round(time.perf_counter() - t0, 3)
    return result
