"""The broad-welfare page: our compass and the published Bruto Twents Geluk marks, as HTML.

The numbers come from :mod:`signaal.signals.compass`; this module only shows them::

    from signaal.signals.compass import compass
    from signaal.briefing.compass import btg_html, compass_html
    c = compass(data, "CR12", "2026Q3")
    html = btg_html(data, "CR12", "2026Q3", "nl") + compass_html(c, "nl", data)
"""

from __future__ import annotations

from html import escape
from itertools import chain
from typing import cast

import pandas as pd

from .. import formatting as fmt
from ..charts.base import Chart
from ..charts.signals import sensitivity_chart
from ..indicators.data import Data
from ..periods import Period
from ..signals.compass import BTG_INDICATOR, DIMENSIONS, EXCLUDED, Compass, btg_published, compass
from ..signals.ranking import rank_of
from ..text import check_lang, t, upper_first
from .context import PageContext
from .pages import CompassPage


def _name(data: Data | None, code: str, lang: str) -> str:
    return data.reg.display_name(code, lang) if data is not None else code


def _cell(frame: pd.DataFrame, row: str, column: str) -> float:
    """One number of a frame of numbers (pandas-stubs type a cell as any scalar)."""
    return cast(float, frame.loc[row, column])


def _place(values: pd.Series, focus: str, polarity: str, decimals: int | None, lang: str) -> str:
    """The focus region's place by the one ranking of every page (ties shared, written out)."""
    rank = rank_of(values, focus, polarity, decimals)
    return rank.place(lang) if rank is not None else "–"


def compass_chart(c: Compass, lang: str, data: Data | None = None) -> Chart:
    k = len(c.sensitivity)
    low, high = c.rank_range
    names = {code: _name(data, code, lang) for code in c.composite.index}
    alt = t("compass_chart_alt", lang, n=c.n, k=k, region=names[c.focus], rank=c.focus_rank, low=low, high=high)
    return sensitivity_chart(
        c.rank_table,
        c.focus,
        names,
        alt,
        t("compass_chart_x", lang),
        t("compass_chart_base", lang),
        t("compass_chart_range", lang),
        lang=lang,
    )


def compass_html(c: Compass, lang: str = "nl", data: Data | None = None) -> str:
    """The compass block: what it is (ours), the focus region's rank and its range over the
    variants, the table of sub-indicators and dimensions, and the sensitivity chart."""
    lang = check_lang(lang)
    if data is None:
        data = Data.open()
    region = _name(data, c.focus, lang)
    low, high = c.rank_range
    median = float(c.sensitivity[c.focus].median())
    k_ind = sum(len(ids) for ids in c.dimensions.values())
    focus_rank = rank_of(c.composite, c.focus, "higher_is_better")
    assert focus_rank is not None  # the focus region is one of the compass's regions
    head = "".join(
        f'<th scope="col">{escape(h)}</th>'
        for h in (
            t("compass_col_dimension", lang),
            t("compass_col_indicator", lang),
            t("compass_col_year", lang),
            t("compass_col_value", lang, region=region),
            upper_first(t("netherlands", lang)),
            t("compass_col_score", lang, region=region),
            t("compass_col_rank", lang, n=c.n),
        )
    )
    body = []
    for dim, ids in c.dimensions.items():
        for i, ind_id in enumerate(ids):
            ind = data.cat[ind_id]
            dim_cell = (
                f'<th scope="rowgroup" rowspan="{len(ids) + 1}">{escape(t(f"compass_dimension_{dim}", lang))}</th>'
                if i == 0
                else ""
            )
            body.append(
                f"<tr>{dim_cell}<td>{escape(ind.title.get(lang))}</td><td>{escape(c.years[ind_id])}</td>"
                f'<td class="num">{escape(fmt.value(_cell(c.raw, c.focus, ind_id), ind.unit, ind.decimals, lang))}</td>'
                f'<td class="num">{escape(fmt.value(c.national[ind_id], ind.unit, ind.decimals, lang))}</td>'
                f'<td class="num">{escape(fmt.number(_cell(c.scores, c.focus, ind_id), 0, lang))}</td>'
                f'<td class="num">{escape(_place(c.raw[ind_id], c.focus, ind.polarity, ind.decimals, lang))}</td></tr>'
            )
        body.append(
            f'<tr class="compass-dimension"><td>{escape(t("compass_dimension_score", lang))}</td><td></td><td></td><td></td>'
            f'<td class="num">{escape(fmt.number(_cell(c.dimension_scores, c.focus, dim), 0, lang))}</td>'
            f'<td class="num">{escape(_place(c.dimension_scores[dim], c.focus, "higher_is_better", None, lang))}</td></tr>'
        )
    body.append(
        f'<tr class="compass-total"><th scope="row" colspan="5">{escape(t("compass_total", lang))}</th>'
        f'<td class="num">{escape(fmt.number(c.composite[c.focus], 0, lang))}</td><td class="num">{escape(focus_rank.place(lang))}</td></tr>'
    )
    chart = compass_chart(c, lang, data)
    tables = sorted({table for ids in c.dimensions.values() for i in ids if (table := data.cat[i].source.table)})
    excluded = ""
    if c.excluded:
        why = " ".join(t(key, lang) for key in dict.fromkeys(EXCLUDED[i] for i in c.excluded))
        excluded = f'<p class="compass-note">{escape(t("compass_excluded", lang, names=", ".join(data.cat[i].title.get(lang) for i in c.excluded), why=why))}</p>'
    return (
        '<section class="compass">'
        f'<h2 class="compass-title">{escape(t("compass_title", lang))}</h2>'
        f'<p class="compass-intro">{escape(t("compass_intro", lang, k=k_ind, n=c.n, normalisation=t("compass_norm_minmax", lang)))}</p>'
        f'<p class="compass-rank">{escape(t("compass_rank_line", lang, region=region, rank=focus_rank.place(lang), n=c.n))} '
        f"{escape(t('compass_sensitivity_line', lang, k=len(c.sensitivity), low=low, high=high, median=fmt.number(median, 0 if median.is_integer() else 1, lang)))}</p>"
        f'<table class="compass-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<figure class="compass-chart"><figcaption class="compass-chart-title">{escape(t("compass_chart_title", lang, k=len(c.sensitivity)))}</figcaption>'
        f'{chart.svg}<p class="sr-only">{escape(chart.alt)}</p></figure>'
        f"{excluded}"
        f'<p class="source">{escape(t("compass_source", lang, tables=", ".join(tables)))}</p>'
        "</section>"
    )


def btg_html(data: Data, region: str, quarter: str | Period | None = None, lang: str = "nl") -> str:
    """The published marks as a small table with their source, apart from our compass."""
    lang = check_lang(lang)
    focus = data.reg.focus(region).code
    table = btg_published(data, focus, quarter)
    name = _name(data, focus, lang)
    ind = data.cat[BTG_INDICATOR]
    parts = [
        '<section class="btg">',
        f'<h2 class="btg-title">{escape(t("btg_title", lang))}</h2>',
        f'<p class="btg-intro">{escape(t("btg_intro", lang))}</p>',
    ]
    if table.empty or focus not in table or table[focus].dropna().empty:
        parts.append(f'<p class="btg-none">{escape(t("btg_none", lang, region=name))}</p>')
    else:
        cols = [c for c in table.columns if table[c].notna().any()]
        head = f'<th scope="col">{escape(t("btg_col_year", lang))}</th>' + "".join(
            f'<th scope="col">{escape(_name(data, c, lang))}</th>' for c in cols
        )
        rows = "".join(
            f'<tr><th scope="row">{escape(p)}</th>'
            + "".join(
                f'<td class="num">{escape(fmt.value(table.loc[p, c], ind.unit, ind.decimals, lang))}</td>' for c in cols
            )
            + "</tr>"
            for p in table.index
        )
        parts.append(f'<table class="btg-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    parts.append(f'<p class="source">{escape(t("source_line_manual", lang, publisher=ind.source.publisher))}</p>')
    parts.append("</section>")
    return "".join(parts)


def compass_page(ctx: PageContext) -> CompassPage:
    """The broad-welfare page of a briefing: the published Bruto Twents Geluk marks, then our
    compass with its sub-indicators and sensitivity analysis (their indicators count as shown)."""
    question = t("compass_question", ctx.lang, regio=ctx.name(ctx.focus))
    body = btg_html(ctx.data, ctx.focus, ctx.quarter, ctx.lang) + compass_html(
        compass(ctx.data, ctx.focus, ctx.quarter), ctx.lang, ctx.data
    )
    ctx.mark_shown(*[i for i in (BTG_INDICATOR, *chain.from_iterable(DIMENSIONS.values())) if i in ctx.cat])
    return CompassPage(question, body)
