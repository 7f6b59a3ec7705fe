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
import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path

from .. import formatting as fmt
from ..briefing.edition import Edition
from ..catalogue import catalogue
from ..periods import Period
from ..regions import registry
from ..store.diff import table_id
from ..text import t, upper_first
from .data import open_data
from .html import css_string, html_page, stylesheet
from .outcome import BUILT, SKIPPED, DocResult, report, write_atomic
from .pdf import quiet_weasyprint

# Key figures shown, in this order (when the data has them for the region). Headline
# indicators of the catalogue (``signals.headline``) published at the factsheet's level are
# always shown, also when they are not in this list.
FACTSHEET_INDICATORS = (
    "bevolking",
    "netto_arbeidsparticipatie",
    "werkloosheid",
    "banengroei",
    "hoogopgeleiden",
    "jongeren_werkzaam",
    "mediaan_inkomen",
    "laag_inkomen",
    "woz_waarde",
    "woningvoorraad",
    "afstand_treinstation",
    "btg_rapportcijfer",
)
FOLDERS = {"gemeente": "gemeenten", "corop": "regios"}
MODES = {"gemeenten": "gemeente", "corop": "corop"}
PDF_VARIANT = "pdf/ua-1"
# the house palette (charts.PALETTE): the subject in vermillion, its region blue, NL near black
STRIP_COLOURS = {"subject": "#D55E00", "parent": "#0072B2", "national": "#333333"}


def _figure_value(value, unit: str, decimals: int, lang: str) -> str:
    return fmt.value(value, unit, decimals, lang)


def slugify(name: str) -> str:
    """A file-name-safe version of a Dutch place name: 'Súdwest-Fryslân' → 'sudwest-fryslan'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "regio"


def subjects(focus: str, mode: str = "gemeenten") -> list[str]:
    """The regions that get a factsheet: the focus region's municipalities, or all COROP regions."""
    reg = registry()
    if mode == "gemeenten":
        return reg.children(focus, "gemeente")
    if mode == "corop":
        return reg.codes("corop")
    raise ValueError(f"unknown factsheet mode {mode!r}; valid: {', '.join(MODES)}")


def factsheet_path(code: str, lang: str = "nl") -> str:
    """``gemeenten/GM0153-enschede.pdf`` (``.en.pdf`` for English)."""
    region = registry()[code]
    folder = FOLDERS.get(region.level, "regios")
    suffix = ".pdf" if lang == "nl" else f".{lang}.pdf"
    return f"{folder}/{region.code}-{slugify(region.name_nl)}{suffix}"


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


def indicator_ids(level: str = "gemeente") -> list[str]:
    cat = catalogue()
    ids = [i for i in FACTSHEET_INDICATORS if i in cat and level in cat[i].levels]
    ids += [i.id for i in cat.indicators.values() if i.signals.headline and level in i.levels and i.id not in ids]
    return ids


# ---------------------------------------------------------------------------------------
# Key figures
# ---------------------------------------------------------------------------------------
@dataclass
class KeyFigure:
    indicator: str
    label: str  # what the row shows
    period: str  # its period label
    unit: str  # unit of the compared values
    decimals: int
    polarity: str
    subject: float | None
    parent: float | None
    national: float | None
    peers: dict[str, float] = field(default_factory=dict)
    note: str = ""  # e.g. the level behind a growth figure


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
        self._tables: dict[str, object] = {}

    def table(self, ind_id: str):
        if ind_id not in self._tables:
            ind = self.cat[ind_id]
            freq = ind.display_freq
            self._tables[ind_id] = self.data.table(ind_id, freq=freq, up_to=self.quarter)
        return self._tables[ind_id]

    def figure(self, ind_id: str, code: str, parent: str, peers: list[str]) -> KeyFigure | None:
        ind = self.cat[ind_id]
        table = self.table(ind_id)
        if table.empty or code not in table.columns:
            return None
        series = table[code].dropna()
        if series.empty:
            return None
        period = series.index[-1]
        p = Period.parse(period)
        title = ind.title.get(self.lang)
        label_period = p.label(self.lang)

        def at(region: str, when: str):
            if region not in table.columns or when not in table.index:
                return None
            return _finite(table.at[when, region])

        if ind.additive:
            before = str(p.year_earlier() if p.freq != "Y" else p.shift(-1))

            def growth(region: str):
                a, b = at(region, before), at(region, period)
                return None if a in (None, 0) or b is None else (b / a - 1) * 100

            level = at(code, period)
            unit_word = ind.unit_label.get(self.lang) if ind.unit_label else ""
            note = t("factsheet_level", self.lang, value=fmt.number(level, 0, self.lang), unit=unit_word).strip()
            return KeyFigure(
                indicator=ind.id,
                label=t("factsheet_growth", self.lang, title=title),
                period=label_period,
                unit="percent",
                decimals=1,
                polarity=ind.polarity,
                subject=growth(code),
                parent=growth(parent),
                national=growth(self.reg.national),
                peers={c: g for c in peers if (g := growth(c)) is not None},
                note=note,
            )
        unit_note = ind.unit_label.get(self.lang) if ind.unit_label else ""
        return KeyFigure(
            indicator=ind.id,
            label=title,
            period=label_period,
            unit=ind.unit,
            decimals=ind.decimals,
            polarity=ind.polarity,
            subject=at(code, period),
            parent=at(parent, period),
            national=at(self.reg.national, period),
            peers={c: v for c in peers if (v := at(c, period)) is not None},
            note=unit_note,
        )


# ---------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------
def strip_svg(fig: KeyFigure, names: dict[str, str], subject: str, parent: str, lang: str) -> str:
    """A small dot strip: every peer as a grey tick, the region and NL marked, the subject as a dot."""
    values = [v for v in (fig.subject, fig.parent, fig.national, *fig.peers.values()) if v is not None]
    if fig.subject is None or len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    width, height, pad = 120.0, 22.0, 6.0

    def x(v: float) -> float:
        return round(pad + (v - lo) / (hi - lo) * (width - 2 * pad), 2)

    parts = [f'<line x1="{pad}" y1="11" x2="{width - pad}" y2="11" stroke="#d9dee3" stroke-width="1"/>']
    for c, v in fig.peers.items():
        if c != subject:
            parts.append(f'<line x1="{x(v)}" y1="6" x2="{x(v)}" y2="16" stroke="#b8b8b8" stroke-width="1.2"/>')
    if fig.parent is not None:
        parts.append(
            f'<line x1="{x(fig.parent)}" y1="2" x2="{x(fig.parent)}" y2="20" stroke="{STRIP_COLOURS["parent"]}" stroke-width="2"/>'
        )
    if fig.national is not None:
        cx = x(fig.national)
        parts.append(f'<path d="M{cx} 6 L{cx + 5} 11 L{cx} 16 L{cx - 5} 11 Z" fill="{STRIP_COLOURS["national"]}"/>')
    parts.append(
        f'<circle cx="{x(fig.subject)}" cy="11" r="4.2" fill="{STRIP_COLOURS["subject"]}" stroke="white" stroke-width="1"/>'
    )
    shown = lambda n: fmt.value(n, fig.unit, fig.decimals, lang)  # noqa: E731
    peer_vals = list(fig.peers.values())
    alt = t(
        "factsheet_strip_alt",
        lang,
        subject=names[subject],
        value=shown(fig.subject),
        parent=names[parent],
        parent_value=shown(fig.parent),
        national=t("netherlands", lang),
        national_value=shown(fig.national),
        low=shown(min(peer_vals)) if peer_vals else "–",
        high=shown(max(peer_vals)) if peer_vals else "–",
    )
    return (
        f'<svg class="fs-strip" role="img" aria-label="{escape(alt)}" viewBox="0 0 {width:g} {height:g}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _difference(fig: KeyFigure, lang: str) -> tuple[str, str]:
    if fig.subject is None or fig.national is None:
        return "–", ""
    delta = fig.subject - fig.national
    text = (
        fmt.points(delta, fig.decimals, lang)
        if fig.unit == "percent"
        else fmt.change(delta, fig.unit, fig.decimals, lang)
    )
    if fig.polarity == "neutral" or round(delta, fig.decimals) == 0:
        return text, "neutral"
    better = delta > 0 if fig.polarity == "higher_is_better" else delta < 0
    return text, "good" if better else "bad"


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


def factsheet_html(code: str, figures: list[KeyFigure], ctx: FactsheetContext) -> str:
    """One factsheet as a ``<section class="factsheet">``."""
    reg = registry()
    lang = ctx.lang
    region = reg[code]
    parent = comparison_region(code)
    province = reg.province_of(code)
    # names standing alone (column heads) and the country's name inside a sentence
    names = {
        code: reg.display_name(code, lang),
        parent: reg.display_name(parent, lang),
        "_nl": reg.display_name(reg.national, lang),
    }
    national = t("netherlands", lang)
    level_word = t(f"level_{region.level}", lang)
    subtitle = t(
        "factsheet_subtitle",
        lang,
        level=upper_first(level_word),
        parent=names[parent],
        province=reg[province].name(lang) if province and province != parent else "",
        quarter=ctx.quarter_label,
    ).replace(" ()", "")
    peers_word = t(
        "factsheet_peers_gemeente" if region.level == "gemeente" else "factsheet_peers_corop",
        lang,
        parent=names[parent],
    )
    head = "".join(
        f'<th scope="col"{cls}>{escape(h)}</th>'
        for h, cls in (
            (t("col_indicator", lang), ""),
            (names[code], ' class="num"'),
            (names[parent], ' class="num"'),
            (names["_nl"], ' class="num"'),
            (t("factsheet_difference", lang, national=national), ' class="num"'),
            (peers_word, ""),
        )
    )
    rows = []
    for fig in figures:
        v = partial(_figure_value, unit=fig.unit, decimals=fig.decimals, lang=lang)
        diff, tone = _difference(fig, lang)
        sub = " · ".join(x for x in (fig.period, fig.note) if x)
        rows.append(
            f'<tr data-indicator="{escape(fig.indicator)}"><th scope="row"><span class="fs-label">{escape(fig.label)}</span>'
            f'<span class="fs-period">{escape(sub)}</span></th>'
            f'<td class="num fs-subject-value">{escape(v(fig.subject))}</td><td class="num">{escape(v(fig.parent))}</td>'
            f'<td class="num">{escape(v(fig.national))}</td><td class="num fs-diff {tone}">{escape(diff)}</td>'
            f'<td class="fs-strip-cell">{strip_svg(fig, names, code, parent, lang)}</td></tr>'
        )
    others = t("factsheet_others_gemeente" if region.level == "gemeente" else "factsheet_others_corop", lang)
    legend = t("factsheet_legend", lang, subject=names[code], parent=names[parent], national=national, peers=others)
    note = t("factsheet_sample_note_mixed" if ctx.mixed else "factsheet_sample_note", lang)
    sample = f'<p class="fs-sample">{escape(note)}</p>' if ctx.is_sample else ""
    sources = t("factsheet_sources", lang, sources=sources_text([f.indicator for f in figures], lang, ctx.manifest))
    running = " · ".join((names[code], t("factsheet", lang), ctx.quarter_label))
    kicker = t(
        "factsheet_kicker_gemeente" if region.level == "gemeente" else "factsheet_kicker_corop", lang, board=ctx.board
    )
    return (
        f'<section class="factsheet" id="fs-{escape(code)}" data-region="{escape(code)}">'
        f'<div class="fs-running" aria-hidden="true">{escape(running)}</div>'
        f'<p class="cover-kicker">{escape(kicker)}</p>'
        f'<h1 class="fs-title">{escape(names[code])}</h1>'
        f'<p class="fs-subtitle">{escape(subtitle)}</p>'
        f'<p class="fs-intro">{escape(t("factsheet_intro", lang, subject=names[code], parent=names[parent], national=national, quarter=ctx.quarter_label))}</p>'
        f'<table class="fs-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="fs-legend">{escape(legend)}</p>{sample}'
        f'<p class="fs-sources">{escape(sources)}</p>'
        f'<p class="fs-updated">{escape(t("cover_vintage", lang))}: {escape(ctx.vintage_label)} · '
        f"{escape(t('cover_date', lang))}: {escape(ctx.date_label)}</p>"
        "</section>"
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
        sections.append(factsheet_html(code, figures, ctx))
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
