"""Generated "Toelichting" bullets for a topic page: sentences filled in from the numbers.

Every sentence is a template from ``text/labels.yaml`` with numbers formatted by
:mod:`signaal.formatting`; nothing is typed by hand for a particular value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import pandas as pd

from .. import formatting as fmt
from ..catalogue import Indicator
from ..catalogue.bands import band
from ..indicators.data import Data
from ..periods import Period
from ..signals.ranking import rank_of
from ..text import t

GAP_YEARS = 5


@dataclass
class Context:
    """What a topic page is about: indicator, regions, quarter and language."""

    data: Data
    ind: Indicator
    region: str  # the region shown (focus region or its province as a proxy)
    national: str
    quarter: Period
    lang: str
    focus: str | None = None  # the briefing's focus region (``region`` may be its province as a proxy)

    @property
    def freq(self) -> str:
        return self.ind.display_freq

    def name(self, code: str) -> str:
        return self.data.reg.sentence_name(code, self.lang)

    def v(self, x: float) -> str:
        return fmt.value(x, self.ind.unit, self.ind.decimals, self.lang)

    def delta(self, x: float) -> str:
        return fmt.change(x, self.ind.unit, self.ind.decimals, self.lang)


def _at(series: pd.Series, period: str) -> float | None:
    if period in series.index and not math.isnan(series[period]):
        return float(series[period])
    return None


def latest_line(ctx: Context, focus: pd.Series, nat: pd.Series) -> str | None:
    if focus.empty:
        return None
    period = focus.index[-1]
    label = Period.parse(period).label(ctx.lang)
    bench = _at(nat, period)
    if bench is None or ctx.region == ctx.national or ctx.ind.additive:
        return t("latest_line_alone", ctx.lang, period=label, value=ctx.v(focus.iloc[-1]), regio=ctx.name(ctx.region))
    return t(
        "latest_line",
        ctx.lang,
        period=label,
        value=ctx.v(focus.iloc[-1]),
        regio=ctx.name(ctx.region),
        benchmark=ctx.v(bench),
        benchmark_name=ctx.name(ctx.national),
    )


def change_line(ctx: Context, focus: pd.Series, nat: pd.Series) -> str | None:
    if len(focus) < 2:
        return None
    last = Period.parse(focus.index[-1])
    prev = last.year_earlier() if last.freq != "Y" else last.shift(-1)
    now_v, prev_v = _at(focus, str(last)), _at(focus, str(prev))
    if now_v is None or prev_v is None:
        return None
    n_now, n_prev = _at(nat, str(last)), _at(nat, str(prev))
    if ctx.ind.additive:
        # counts of different sizes compare by their relative change
        change = fmt.relative_change(now_v, prev_v, 1, ctx.lang)
        bench = fmt.relative_change(n_now, n_prev, 1, ctx.lang) if n_now and n_prev else "–"
    else:
        change = ctx.delta(now_v - prev_v)
        bench = ctx.delta(n_now - n_prev) if n_now is not None and n_prev is not None else "–"
    if ctx.region == ctx.national:  # a national-only figure: no benchmark beside itself
        return t(
            "change_line_alone", ctx.lang, previous=prev.phrase(ctx.lang), change=change, regio=ctx.name(ctx.region)
        )
    return t(
        "change_line",
        ctx.lang,
        previous=prev.phrase(ctx.lang),
        change=change,
        regio=ctx.name(ctx.region),
        benchmark_name=ctx.name(ctx.national),
        benchmark_change=bench,
    )


def observed_line(ctx: Context, first: str, last: str, region: str | None = None) -> str | None:
    """The change the chart shows between two periods, as measured (not a fitted trend): a
    trend sentence's window read off the line itself ("6,3 km in 2017, 6,2 km in 2024: −0,1 km")."""
    series = ctx.data.series(ctx.ind.id, region or ctx.region, freq=ctx.freq, up_to=ctx.quarter)
    a, b = _at(series, first), _at(series, last)
    if a is None or b is None:
        return None
    change = fmt.relative_change(b, a, 1, ctx.lang) if ctx.ind.additive else ctx.delta(b - a)
    return t(
        "observed_line",
        ctx.lang,
        first_value=ctx.v(a),
        first=Period.parse(first).short_label(),
        last_value=ctx.v(b),
        last=Period.parse(last).short_label(),
        change=change,
    )


def gap_line(ctx: Context, focus: pd.Series, nat: pd.Series) -> str | None:
    """Gap to the national level now and ``GAP_YEARS`` earlier, read by polarity."""
    if ctx.region == ctx.national or focus.empty or ctx.ind.additive:
        return None  # a gap between counts of different sizes says nothing
    last = Period.parse(focus.index[-1])
    old = last.shift(-GAP_YEARS * last.per_year)
    gaps = []
    for p in (last, old):
        a, b = _at(focus, str(p)), _at(nat, str(p))
        if a is None or b is None:
            return None
        gaps.append(a - b)
    gap, old_gap = gaps
    kw = dict(benchmark_name=ctx.name(ctx.national), gap=ctx.delta(gap), old_gap=ctx.delta(old_gap), years=GAP_YEARS)
    if ctx.ind.polarity == "neutral" or ctx.ind.unit not in (
        "percent",
        "ratio",
        "mark",
        "euro",
        "km",
        "minutes",
        "index",
        "per_1000",
    ):
        return t("gap_line_neutral", ctx.lang, **kw)
    sign = 1 if ctx.ind.polarity == "higher_is_better" else -1
    good_now = sign * gap >= 0
    shrinking = abs(gap) < abs(old_gap)
    if good_now:
        key = "gap_line_lead_shrinking" if shrinking else "gap_line_lead_growing"
    else:
        key = "gap_line_closing" if shrinking else "gap_line_widening"
    return t(key, ctx.lang, **kw)


def share_line(ctx: Context, focus: pd.Series, nat: pd.Series) -> str | None:
    """For counts: the region's share of the national total next to its share of inhabitants."""
    if not ctx.ind.additive or ctx.ind.flow or ctx.region == ctx.national or focus.empty:
        return None
    period = focus.index[-1]
    n = _at(nat, period)
    year = str(Period.parse(period).year)
    pop = ctx.data.table("bevolking", [ctx.region, ctx.national]) if "bevolking" in ctx.data.cat else None
    if not n or pop is None or pop.empty:
        return None
    pop = pop.loc[[p for p in pop.index if p <= year]]
    if pop.empty or pop.iloc[-1].isna().any():
        return None
    pop_share = pop.iloc[-1][ctx.region] / pop.iloc[-1][ctx.national] * 100
    return t(
        "share_line",
        ctx.lang,
        share=fmt.percent(focus.iloc[-1] / n * 100, 1, ctx.lang),
        regio=ctx.name(ctx.region),
        pop_share=fmt.percent(pop_share, 1, ctx.lang),
    )


def flow_year_line(ctx: Context) -> str | None:
    """For flows: the last year's total and the rate per 1,000 inhabitants against NL."""
    if not ctx.ind.flow:
        return None
    found = ctx.data.flow_per_1000(ctx.ind.id, up_to=ctx.quarter)
    table = ctx.data.table(ctx.ind.id, [ctx.region], up_to=ctx.quarter)
    if found is None or table.empty:
        return None
    rates, first, last = found
    if ctx.region not in rates:
        return None
    total = table.loc[first:last, ctx.region].sum()
    return t(
        "flow_year_line",
        ctx.lang,
        first=Period.parse(first).phrase(ctx.lang),
        last=Period.parse(last).phrase(ctx.lang),
        total=fmt.number(total, 0, ctx.lang),
        regio=ctx.name(ctx.region),
        rate=fmt.number(rates[ctx.region], 1, ctx.lang),
        benchmark_name=ctx.name(ctx.national),
        benchmark_rate=fmt.number(rates.get(ctx.national, float("nan")), 1, ctx.lang),
    )


def growth_since_line(ctx: Context, focus: pd.Series, nat: pd.Series) -> str | None:
    """For counts: relative change over ``GAP_YEARS`` years, against the national change."""
    if not ctx.ind.additive or ctx.ind.flow or focus.empty:
        return None
    last = Period.parse(focus.index[-1])
    old = last.shift(-GAP_YEARS * last.per_year)
    a, b = _at(focus, str(old)), _at(focus, str(last))
    na, nb = _at(nat, str(old)), _at(nat, str(last))
    if a is None or b is None or na is None or nb is None or ctx.region == ctx.national:
        return None
    return t(
        "growth_since_line",
        ctx.lang,
        old=old.phrase(ctx.lang),
        change=fmt.relative_change(b, a, 1, ctx.lang),
        regio=ctx.name(ctx.region),
        benchmark_change=fmt.relative_change(nb, na, 1, ctx.lang),
        benchmark_name=ctx.name(ctx.national),
    )


def rank_line(ctx: Context) -> str | None:
    """Rank among the COROP regions in the latest period (1 = most favourable)."""
    if ctx.data.reg[ctx.region].level != "corop" or ctx.ind.additive:
        return None  # ranking counts ranks sizes, not performance
    table = ctx.data.table(ctx.ind.id, freq=ctx.freq, up_to=ctx.quarter)
    corop = [c for c in table.columns if c in ctx.data.reg and ctx.data.reg[c].level == "corop"]
    if table.empty or ctx.region not in corop:
        return None
    last = table[ctx.region].last_valid_index()
    if last is None:
        return None
    row = cast(pd.Series, table.loc[last, corop]).dropna()  # one row label: a Series (stubs allow a DataFrame)
    if len(row) < 10:
        return None
    rank = rank_of(row, ctx.region, ctx.ind.polarity, ctx.ind.decimals)  # the one ranking: ties shared
    if rank is None:
        return None
    key = "rank_line_neutral" if ctx.ind.polarity == "neutral" else "rank_line"
    return t(key, ctx.lang, regio=ctx.name(ctx.region), rank=rank.place(ctx.lang), n=rank.n)


def spread_line(ctx: Context) -> str | None:
    """Lowest and highest municipality of the focus region in the latest period."""
    focus = ctx.focus or ctx.region
    if "gemeente" not in ctx.ind.levels or ctx.data.reg[focus].level != "corop":
        return None
    members = ctx.data.reg.children(focus)
    table = ctx.data.table(ctx.ind.id, members, freq=ctx.freq, up_to=ctx.quarter)
    if table.empty:
        return None
    row = table.iloc[-1].dropna()
    if len(row) < 3:
        return None
    if not ctx.ind.additive:
        low, high = str(row.idxmin()), str(row.idxmax())
        return t(
            "spread_line",
            ctx.lang,
            low=ctx.v(row[low]),
            low_name=ctx.name(low),
            high=ctx.v(row[high]),
            high_name=ctx.name(high),
        )
    return None


def band_line(ctx: Context, focus: pd.Series) -> str | None:
    bands = ctx.ind.signals.bands
    if not bands or focus.empty:
        return None
    value = float(focus.iloc[-1])
    key = band(value, bands)
    return t(
        "band_line",
        ctx.lang,
        value=fmt.number(value, ctx.ind.decimals, ctx.lang),
        regio=ctx.name(ctx.region),
        band=t(f"band_{key}", ctx.lang),
    )


def break_lines(ctx: Context, focus: pd.Series) -> list[str]:
    if focus.empty:
        return []
    first, last = Period.parse(focus.index[0]), Period.parse(focus.index[-1])
    out = []
    for b in ctx.ind.breaks:
        p = Period.parse(b.period)
        if first < p <= last or p.year == last.year:
            out.append(t("break_line", ctx.lang, note=b.note.get(ctx.lang)))
    return out


def members_lines(ctx: Context) -> list[str]:
    """The bullets of a page whose region figure CBS does not publish: the spread of the focus
    region's municipalities in the latest period beside the province and the Netherlands (where
    CBS publishes them), and how many municipalities lie above the Dutch figure."""
    focus = ctx.focus or ctx.region
    members = ctx.data.reg.children(focus)
    context_codes = list(dict.fromkeys(c for c in (ctx.region, ctx.national) if c != focus))
    table = ctx.data.table(ctx.ind.id, [*members, *context_codes], freq=ctx.freq, up_to=ctx.quarter)
    rows = table[members].dropna(how="all") if not table.empty else table
    if rows.empty:
        return [t("no_data", ctx.lang, quarter=ctx.quarter.phrase(ctx.lang))]
    period = str(rows.index[-1])
    row = cast(pd.Series, rows.loc[period]).dropna()
    low, high = str(row.idxmin()), str(row.idxmax())
    found = {c: _at(table[c], period) for c in context_codes}
    items = [
        t("np_context_item", ctx.lang, name=ctx.data.reg.display_name(c, ctx.lang), value=ctx.v(v))
        for c, v in found.items()
        if v is not None
    ]
    lines = [
        t(
            "np_range_line",
            ctx.lang,
            period=Period.parse(period).phrase(ctx.lang),
            regio=ctx.name(focus),
            low=ctx.v(row[low]),
            low_name=ctx.name(low),
            high=ctx.v(row[high]),
            high_name=ctx.name(high),
            context=t("np_context", ctx.lang, items=", ".join(items)) if items else "",
        )
    ]
    nat = found.get(ctx.national)
    if nat is not None:
        above = int((row > nat).sum())
        lines.append(t("np_above_line", ctx.lang, n=above, total=len(row), regio=ctx.name(focus)))
    return lines


def bullets(ctx: Context, limit: int = 4, signal_lines: list[str] | None = None) -> list[str]:
    """Two to four Toelichting bullets for a topic page.

    With ``signal_lines`` (the indicator's signal sentences, strongest first, from
    :mod:`signaal.signals`) the verdicts come from the signal rules and the sentences here
    that would repeat them (change, gap, rank) are left out; the latest figure, the UWV band,
    the last year of a flow and the spread between municipalities stay.
    """
    focus = ctx.data.series(ctx.ind.id, ctx.region, freq=ctx.freq, up_to=ctx.quarter)
    nat = ctx.data.series(ctx.ind.id, ctx.national, freq=ctx.freq, up_to=ctx.quarter)
    if focus.empty:
        return [t("no_data", ctx.lang, quarter=ctx.quarter.phrase(ctx.lang))]
    notes = break_lines(ctx, focus)
    if signal_lines:
        head = [c for c in (latest_line(ctx, focus, nat), band_line(ctx, focus), flow_year_line(ctx)) if c]
        tail = [c for c in (spread_line(ctx),) if c]
        keep = [*head[:2], *signal_lines[: max(1, limit - len(head[:2]) - len(tail[:1]))], *tail[:1]]
        if not any("methodebreuk" in line or "method break" in line for line in signal_lines):
            keep = keep + notes
        return keep[:limit]
    candidates = [
        latest_line(ctx, focus, nat),
        band_line(ctx, focus),
        flow_year_line(ctx),
        change_line(ctx, focus, nat),
        growth_since_line(ctx, focus, nat),
        share_line(ctx, focus, nat),
        gap_line(ctx, focus, nat),
        rank_line(ctx),
        spread_line(ctx),
    ]
    out = [c for c in candidates if c]
    room = max(2, limit - len(notes))
    return (out[:room] + notes)[:limit]
