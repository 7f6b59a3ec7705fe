"""Factsheets: one A4 page per municipality with its key figures against the region and NL.

Built in Python, not in a notebook, so a quarter's fourteen (or forty) factsheets cost one
data load and one WeasyPrint layout instead of a kernel each: all factsheets of a batch are
laid out as one HTML document and each page is then written as its own PDF
(``Document.copy``), with the same CSS and bundled fonts as the briefings.

A factsheet for a municipality compares it with its COROP region and the Netherlands; one
for a COROP region (``--factsheets corop``) compares it with its province and the
Netherlands. Rates are compared as they are; counts (inhabitants, homes) by their growth
over a year, because levels of different sizes say nothing side by side.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path

import pandas as pd

from .. import formatting as fmt
from ..briefing.edition import Edition
from ..catalogue import catalogue
from ..catalogue.targets import targets_path
from ..indicators.targets import progress, targets_for
from ..periods import Period
from ..regions import registry
from ..store.diff import table_id
from ..text import t, upper_first
from .data import open_data
from .factsheet_page import (
    SMALL_MUNICIPALITY,
    STRIP_COLOURS,
    KeyFigure,
    difference,
    notable,
    notable_sentence,
    rank_cell,
    spark_svg,
    strip_svg,
)
from .html import css_string, html_page, stylesheet
from .outcome import BUILT, SKIPPED, DocResult, report, write_atomic
from .pdf import quiet_weasyprint
from .subjects import factsheet_path, indicator_ids

__all__ = ["STRIP_COLOURS", "KeyFigure", "strip_svg"]  # the page's parts, as this module offered them

PDF_VARIANT = "pdf/ua-1"
TREND_PERIODS = {"Y": 10, "Q": 12, "M": 24}


def _figure_value(value, unit: str, decimals: int, lang: str) -> str:
    return fmt.value(value, unit, decimals, lang)


def comparison_region(code: str) -> str:
    """What a region is compared with: a municipality with its COROP region, a COROP region
    with its province."""
    reg = registry()
    level = reg[code].level
    want = "corop" if level == "gemeente" else "provincie"
    return next((a for a in reg.ancestors(code) if reg[a].level == want), reg.national)


def peer_group(code: str) -> list[str]:
    """The regions drawn beside it: the other municipalities of its COROP region, or all COROP regions."""
    reg = registry()
    if reg[code].level == "gemeente":
        return reg.children(comparison_region(code), "gemeente")
    return reg.codes(reg[code].level)


# ---------------------------------------------------------------------------------------
# Key figures
# ---------------------------------------------------------------------------------------
def _finite(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


class FigureSource:
    """The tables behind the key figures, read once per batch of factsheets."""

    def __init__(self, data, quarter, lang: str):
        self.data = data
        self.quarter = quarter if isinstance(quarter, Period) else Period.parse(str(quarter))
        self.lang = lang
        self.cat = data.cat
        self.reg = data.reg
        self._tables: dict[str, pd.DataFrame] = {}

    def table(self, ind_id: str) -> pd.DataFrame:
        if ind_id not in self._tables:
            ind = self.cat[ind_id]
            self._tables[ind_id] = self.data.table(ind_id, freq=ind.display_freq, up_to=self.quarter)
        return self._tables[ind_id]

    def figure(self, ind_id: str, code: str, parent: str, peers: list[str]) -> KeyFigure | None:
        """The key figure of ``code``: its latest value (a count by its growth over a year)
        beside ``parent``, the Netherlands and ``peers``, its rank among the peers and among
        every region of its level, and its recent periods."""
        ind = self.cat[ind_id]
        table = self.table(ind_id)
        if table.empty or code not in table.columns or table[code].dropna().empty:
            return None
        period = table[code].dropna().index[-1]
        p = Period.parse(period)
        before = str(p.year_earlier() if p.freq != "Y" else p.shift(-1))
        if ind.additive:  # counts of different sizes compare by their growth
            now, then = table.loc[period], table.loc[before] if before in table.index else None
            row = (now / then.replace(0, float("nan")) - 1) * 100 if then is not None else now * float("nan")
            unit, decimals = "percent", 1
            label = t("factsheet_growth", self.lang, title=ind.title.get(self.lang))
            unit_word = ind.unit_label.get(self.lang) if ind.unit_label else ""
            note = t(
                "factsheet_level", self.lang, value=fmt.number(_finite(now.get(code)), 0, self.lang), unit=unit_word
            )
        else:
            row, unit, decimals, label = table.loc[period], ind.unit, ind.decimals, ind.title.get(self.lang)
            note = ind.unit_label.get(self.lang) if ind.unit_label else ""
        values = {c: v for c, raw in row.items() if (v := _finite(raw)) is not None}
        same_level = [c for c in self.reg.codes(self.reg[code].level) if c in values]
        survey_texts = [b.note.get("nl") for b in ind.breaks] + [c.get("nl") for c in ind.caveats]
        return KeyFigure(
            indicator=ind.id,
            label=label,
            period=p.label(self.lang),
            unit=unit,
            decimals=decimals,
            polarity=ind.polarity,
            subject=values.get(code),
            parent=values.get(parent),
            national=values.get(self.reg.national),
            peers={c: values[c] for c in peers if c in values},
            note=note.strip(),
            rank_group=_rank(values, [c for c in peers if c in values], code, ind.polarity),
            rank_all=_rank(values, same_level, code, ind.polarity),
            trend=self._recent(table, code, ind.display_freq),
            trend_parent=[] if ind.additive else self._recent(table, parent, ind.display_freq),
            survey=any("EBB" in text for text in survey_texts),
            gap_threshold=ind.signals.gap_threshold,
            title=(label if ind.additive else ind.title.get(self.lang)),
        )

    @staticmethod
    def _recent(table: pd.DataFrame, code: str, freq: str) -> list[tuple[str, float]]:
        if code not in table.columns:
            return []
        series = table[code].dropna().iloc[-TREND_PERIODS.get(freq, 10) :]
        return [(Period.parse(str(p)).short_label(), float(v)) for p, v in series.items()]


def _rank(values: dict[str, float], group: list[str], code: str, polarity: str) -> tuple[int, int] | None:
    """``code``'s place among ``group`` (1 = most favourable; for a neutral figure 1 = highest),
    ties sharing the better place."""
    if code not in values or code not in group or len(group) < 2:
        return None
    mine = values[code]
    if polarity == "lower_is_better":
        ahead = sum(1 for c in group if values[c] < mine)
    else:
        ahead = sum(1 for c in group if values[c] > mine)
    return ahead + 1, len(group)


def woondeal_line(data, code: str, quarter: Period, lang: str) -> str:
    """The subject's part in the region's cumulative housing target, where the data allow:
    what it added since the target's start, as a share of what the region added, beside its
    share of the region's homes at the start."""
    reg = data.reg
    region = next((a for a in reg.ancestors(code) if reg[a].level == "corop"), None)
    if region is None:
        return ""
    found = [tg for tg in targets_for(region, None, targets_path(data.vintage.data_dir)) if tg.kind == "cumulative"]
    if not found:
        return ""
    tg = found[0]
    table = data.table(tg.indicator, [code, region], up_to=quarter)
    if not tg.start or table.empty or code not in table or region not in table or tg.start not in table.index:
        return ""
    prog = progress(table[region], tg, up_to=quarter)
    mine = table[code].dropna()
    if prog is None or mine.empty or tg.start not in mine.index or prog.done <= 0:
        return ""
    added = float(mine.iloc[-1] - mine[tg.start])
    stock_share = float(mine[tg.start] / table.at[tg.start, region] * 100)
    return t(
        "factsheet_woondeal",
        lang,
        target=tg.label(lang),
        start=Period.parse(tg.start).phrase(lang),
        subject=reg.sentence_name(code, lang),
        added=fmt.number(added, 0, lang),
        share=fmt.percent(added / prog.done * 100, 0, lang),
        done=fmt.number(prog.done, 0, lang),
        region=reg.sentence_name(region, lang),
        stock_share=fmt.percent(stock_share, 0, lang),
    )


def sources_text(indicators: list[str], lang: str, manifest: dict | None = None) -> str:
    """'CBS StatLine (tabellen 86088NED, 85525NED); RaboResearch, …' from the catalogue, with
    the tables the vintage (``manifest``) actually read (:func:`signaal.vintages.table_id`),
    as the briefings cite them."""
    cat = catalogue()
    by_publisher: dict[str, list[str]] = {}
    for ind_id in indicators:
        for dep in cat.dependencies(ind_id):
            src = cat[dep].source
            tables = by_publisher.setdefault(src.publisher, [])
            table = table_id(manifest, cat[dep])
            if table and table not in tables:
                tables.append(table)
    parts = []
    for publisher, tables in by_publisher.items():
        if tables:
            key = "factsheet_table" if len(tables) == 1 else "factsheet_tables"
            parts.append(f"{publisher} ({t(key, lang, tables=', '.join(tables))})")
        else:
            parts.append(publisher)
    return "; ".join(parts)


@dataclass
class FactsheetContext:
    quarter_label: str
    vintage_label: str
    date_label: str
    is_sample: bool
    lang: str
    board: str = "Signaal"  # whom the factsheets are for (regions.yaml boards:)
    manifest: dict = field(default_factory=dict)  # the vintage's manifest: which tables were read
    mixed: bool = False  # the bundled sample mixes real CBS figures and synthetic ones

    @classmethod
    def of(cls, edition: Edition, manifest: dict) -> FactsheetContext:
        """The masthead of an edition's factsheets (the board: the edition's focus region's)."""
        return cls(
            quarter_label=edition.quarter_label,
            vintage_label=edition.vintage_label,
            date_label=edition.date_label,
            is_sample=edition.is_sample,
            lang=edition.lang,
            board=edition.board,
            manifest=manifest,
            mixed=edition.mixed,
        )


def factsheet_html(
    code: str, figures: list[KeyFigure], ctx: FactsheetContext, woondeal: str = "", inhabitants: int | None = None
) -> str:
    """One factsheet as a ``<section class="factsheet">``: what stands out, the Woondeal line
    (``woondeal``, where the data allow), the key figures and the notes. ``inhabitants``
    (default: the registry's) decides the survey caveat of a small municipality."""
    reg = registry()
    lang = ctx.lang
    region = reg[code]
    parent = comparison_region(code)
    inhabitants = inhabitants if inhabitants is not None else region.inhabitants
    # names standing alone (column heads) and the country's name inside a sentence
    names = {
        code: reg.display_name(code, lang),
        parent: reg.display_name(parent, lang),
        "_nl": reg.display_name(reg.national, lang),
    }
    national = t("netherlands", lang)
    running = " · ".join((names[code], t("factsheet", lang), ctx.quarter_label))
    intro = t(
        "factsheet_intro", lang, subject=names[code], parent=names[parent], national=national, quarter=ctx.quarter_label
    )
    woondeal_html = f'<p class="fs-woondeal">{escape(woondeal)}</p>' if woondeal else ""
    return (
        f'<section class="factsheet" id="fs-{escape(code)}" data-region="{escape(code)}">'
        f'<div class="fs-running" aria-hidden="true">{escape(running)}</div>'
        f"{_masthead(code, parent, names, ctx)}"
        f'<p class="fs-intro">{escape(intro)}</p>'
        f"{_notable_html(figures, names, code, parent, inhabitants, lang)}{woondeal_html}"
        f"{_table_html(figures, names, code, parent, lang)}"
        f"{_notes_html(figures, names, code, parent, inhabitants, ctx)}"
        "</section>"
    )


def _masthead(code: str, parent: str, names: dict[str, str], ctx: FactsheetContext) -> str:
    reg, lang = registry(), ctx.lang
    region = reg[code]
    province = reg.province_of(code)
    subtitle = t(
        "factsheet_subtitle",
        lang,
        level=upper_first(t(f"level_{region.level}", lang)),
        parent=names[parent],
        province=reg[province].name(lang) if province and province != parent else "",
        quarter=ctx.quarter_label,
    ).replace(" ()", "")
    kicker = t(
        "factsheet_kicker_gemeente" if region.level == "gemeente" else "factsheet_kicker_corop", lang, board=ctx.board
    )
    return (
        f'<p class="cover-kicker">{escape(kicker)}</p><h1 class="fs-title">{escape(names[code])}</h1>'
        f'<p class="fs-subtitle">{escape(subtitle)}</p>'
    )


def _notable_html(
    figures: list[KeyFigure], names: dict[str, str], code: str, parent: str, inhabitants: int | None, lang: str
) -> str:
    """The three figures in which the subject stands out most, one sentence each."""
    items = []
    for fig in notable(figures, inhabitants):
        sentence, tone = notable_sentence(fig, names[code], names[parent], lang)
        items.append(f'<li class="fs-notable-{tone}" data-indicator="{escape(fig.indicator)}">{escape(sentence)}</li>')
    body = (
        f'<ol class="fs-notable">{"".join(items)}</ol>'
        if items
        else f"<p>{escape(t('factsheet_no_notable', lang))}</p>"
    )
    title = t("factsheet_notable_title", lang, subject=names[code])
    return f'<section class="fs-notables"><h2>{escape(title)}</h2>{body}</section>'


def _table_html(figures: list[KeyFigure], names: dict[str, str], code: str, parent: str, lang: str) -> str:
    """The key figures: values, the gap to NL, ranks, a small trend and the oriented strip."""
    short_parent = names[parent]
    head = "".join(
        f'<th scope="col"{cls}>{h}</th>'
        for h, cls in (
            (escape(t("col_indicator", lang)), ""),
            (escape(names[code]), ' class="num"'),
            (escape(short_parent), ' class="num"'),
            (escape(names["_nl"]), ' class="num"'),
            (escape(t("factsheet_difference", lang, national=t("netherlands", lang))), ' class="num"'),
            (
                escape(t("factsheet_col_rank", lang))
                + f'<span class="fs-head-sub">{escape(t("factsheet_col_rank_sub", lang, parent=short_parent))}</span>',
                ' class="num"',
            ),
            (escape(t("factsheet_col_trend", lang)), ""),
            (escape(t("factsheet_col_position", lang)), ""),
        )
    )
    rows = []
    for fig in figures:
        v = partial(_figure_value, unit=fig.unit, decimals=fig.decimals, lang=lang)
        sub = " · ".join(x for x in (fig.period, fig.note) if x)
        rows.append(
            f'<tr data-indicator="{escape(fig.indicator)}"><th scope="row"><span class="fs-label">{escape(fig.label)}</span>'
            f'<span class="fs-period">{escape(sub)}</span></th>'
            f'<td class="num fs-subject-value">{escape(v(fig.subject))}</td><td class="num">{escape(v(fig.parent))}</td>'
            f'<td class="num">{escape(v(fig.national))}</td>'
            f'<td class="num fs-diff {_tone(fig)}">{escape(difference(fig, lang))}</td>'
            f'<td class="num fs-rank">{rank_cell(fig, lang)}</td>'
            f'<td class="fs-spark-cell">{spark_svg(fig, lang)}</td>'
            f'<td class="fs-strip-cell">{strip_svg(fig, names, code, parent, lang)}</td></tr>'
        )
    cols = "".join(
        f'<col class="fs-c-{c}">' for c in ("label", "value", "value", "value", "diff", "rank", "spark", "strip")
    )
    return (
        f'<table class="fs-table"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _tone(fig: KeyFigure) -> str:
    """Green or red for a gap to NL larger than the catalogue's margin; within it, no colour
    (a −0,1 procentpunt survey difference is not a verdict)."""
    if fig.subject is None or fig.national is None or fig.polarity == "neutral":
        return "neutral"
    delta = fig.subject - fig.national
    if round(delta, fig.decimals) == 0 or (fig.gap_threshold is not None and abs(delta) < fig.gap_threshold):
        return "neutral"
    better = delta > 0 if fig.polarity == "higher_is_better" else delta < 0
    return "good" if better else "bad"


def _notes_html(
    figures: list[KeyFigure],
    names: dict[str, str],
    code: str,
    parent: str,
    inhabitants: int | None,
    ctx: FactsheetContext,
) -> str:
    """The legend, the survey caveat of a small municipality, the sample note, sources, date."""
    lang = ctx.lang
    level = registry()[code].level
    others = t("factsheet_others_gemeente" if level == "gemeente" else "factsheet_others_corop", lang)
    all_others = t("factsheet_others_all_gemeente" if level == "gemeente" else "factsheet_others_all_corop", lang)
    legend = t(
        "factsheet_legend",
        lang,
        subject=names[code],
        parent=names[parent],
        national=t("netherlands", lang),
        peers=others,
        all_peers=all_others,
    )
    survey = [f.label for f in figures if f.survey]
    caveat = ""
    if survey and level == "gemeente" and inhabitants is not None and inhabitants < SMALL_MUNICIPALITY:
        caveat = t(
            "factsheet_survey_caveat",
            lang,
            labels=", ".join(survey),
            inhabitants=fmt.number(inhabitants, 0, lang),
            parent=names[parent],
        )
    caveat_html = f'<p class="fs-caveat">{escape(caveat)}</p>' if caveat else ""
    note = t("factsheet_sample_note_mixed" if ctx.mixed else "factsheet_sample_note", lang)
    sample = f'<p class="fs-sample">{escape(note)}</p>' if ctx.is_sample else ""
    sources = t("factsheet_sources", lang, sources=sources_text([f.indicator for f in figures], lang, ctx.manifest))
    return (
        f'<p class="fs-legend">{escape(legend)}</p>{caveat_html}{sample}'
        f'<p class="fs-sources">{escape(sources)}</p>'
        f'<p class="fs-updated">{escape(t("cover_vintage", lang))}: {escape(ctx.vintage_label)} · '
        f"{escape(t('cover_date', lang))}: {escape(ctx.date_label)}</p>"
    )


def document_html(sections: list[str], title: str, lang: str, watermark: str, board: str = "Signaal") -> str:
    """All factsheets of a batch as one document, each page saying whose factsheet it is."""
    footer = "@page { @bottom-right { content: " + css_string(t("factsheet", lang) + " · ") + " string(fs-title); } }"
    css = stylesheet(lang, watermark, board, ("factsheet.css",), for_pdf=True, rules=footer)
    return html_page(
        title=title, body="".join(sections), lang=lang, css=css, body_class="factsheets", watermark=watermark
    )


# ---------------------------------------------------------------------------------------
# Build (in a worker process)
# ---------------------------------------------------------------------------------------
def build_factsheets(
    edition: Edition, staging: str, data_dir: str, codes: list[str], names: dict[str, str] | None = None
) -> list[DocResult]:
    """Write one PDF per region in ``codes`` into ``staging``; a result per factsheet (in a
    worker process: the vintage is read once per process)."""
    return render_factsheets(open_data(data_dir, edition.vintage), edition, codes, staging, names=names)


def _sections(data, edition: Edition, codes: list[str], results: dict[str, DocResult]) -> tuple[list[str], list[str]]:
    """The factsheets' HTML sections and the regions they are for. A region without a single
    figure gets none: its result is ``skipped`` with the reason in ``notes["skipped"]``."""
    reg = registry()
    source = FigureSource(data, edition.quarter, edition.lang)
    ctx = FactsheetContext.of(edition, data.vintage.manifest)
    sections, laid_out = [], []
    for code in codes:
        parent, peers = comparison_region(code), peer_group(code)
        figures = [
            f
            for i in indicator_ids(reg[code].level)
            if (f := source.figure(i, code, parent, peers)) and f.subject is not None
        ]
        if not figures:
            results[code].status = SKIPPED
            results[code].notes["skipped"] = (
                f"no figures for {reg[code].name_nl} ({code}) up to {edition.quarter} in vintage {data.vintage.id!r}"
            )
            report(results[code].name, 1, 1, "skipped")
            continue
        woondeal = woondeal_line(data, code, source.quarter, edition.lang) if reg[code].level == "gemeente" else ""
        sections.append(factsheet_html(code, figures, ctx, woondeal=woondeal))
        laid_out.append(code)
    return sections, laid_out


def _pages_of(document, codes: list[str]) -> dict[str, list]:
    """The laid-out pages of each region's factsheet (a factsheet starts at its anchor)."""
    pages_of: dict[str, list] = {c: [] for c in codes}
    current = None
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("fs-") and anchor[3:] in pages_of:
                current = anchor[3:]
        if current is not None:
            pages_of[current].append(page)
    return pages_of


def _write_pdf(document, pages: list, res: DocResult, code: str, edition: Edition, staging: str | Path) -> None:
    """One factsheet's pages as its own PDF (one bad factsheet does not sink the others)."""
    try:
        if not pages:
            raise RuntimeError("its page is missing from the layout")
        part = document.copy(pages)
        region = registry()[code].name(edition.lang)
        part.metadata.title = f"{t('factsheet', edition.lang)} {region} · {edition.quarter_label}"
        part.metadata.lang = edition.lang
        rel = res.name + ".pdf"
        write_atomic(Path(staging) / rel, part.write_pdf(pdf_variant=PDF_VARIANT))
        res.outputs.append(rel)
        res.notes["pages"] = len(pages)
    except Exception as exc:
        res.fail(f"factsheet {res.name}", exc)
    report(res.name, 1, 1, "pdf")


def render_factsheets(
    data, edition: Edition, codes: list[str], staging: str | Path, names: dict[str, str] | None = None
) -> list[DocResult]:
    """The factsheets of ``codes`` from ``data``, one PDF each in ``staging`` (``names``: each
    one's path without ``.pdf``, by default :func:`factsheet_path`).

    All of a batch are laid out as one document. The edition's focus region is the one the
    run is for: its board's name is on every page. A region without a single figure gets no
    page: its result is ``skipped`` with the reason in ``notes["skipped"]``, so that the
    quarter shows no empty table with empty sources."""
    import weasyprint  # slow to import; only in the worker that lays the factsheets out

    quiet_weasyprint()
    t0 = time.perf_counter()
    lang = edition.lang
    names = names or {c: factsheet_path(c, lang).removesuffix(".pdf") for c in codes}
    results = {c: DocResult(name=names[c], notebook=None, status=BUILT, kind="factsheet", lang=lang) for c in codes}
    try:
        sections, laid_out = _sections(data, edition, codes, results)
        if not laid_out:
            return list(results.values())
        html = document_html(sections, t("factsheet", lang), lang, edition.watermark, edition.board)
        t_html = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=".").render()
        pages_of = _pages_of(document, laid_out)
        t_layout = time.perf_counter()
        for code in laid_out:
            _write_pdf(document, pages_of[code], results[code], code, edition, staging)
        per = (time.perf_counter() - t0) / max(1, len(laid_out))
        for code in laid_out:
            results[code].timings = {"total": round(per, 3)}
        results[laid_out[0]].notes["batch"] = {
            "size": len(laid_out),
            "html": round(t_html - t0, 3),
            "layout": round(t_layout - t_html, 3),
            "write": round(time.perf_counter() - t_layout, 3),
        }
    except Exception as exc:
        for res in results.values():
            if res.status == BUILT and not res.outputs:
                res.fail(f"factsheet {res.name}", exc)
    return list(results.values())
