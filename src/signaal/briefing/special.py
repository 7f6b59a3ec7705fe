"""Pages of their own kind: progress toward a board target, rail travel times, students per
institution. Each shows nothing (returns None) when the focus region has nothing to show,
except the institutions page, which then says so."""

from __future__ import annotations

from urllib.parse import urlparse

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..charts.compare import draw_pairs
from ..charts.special import draw_institutions, draw_target_progress, draw_travel_times
from ..charts.topic import Panel, compact_chart, topic_chart
from ..indicators.targets import progress, targets_for
from ..periods import Period
from ..text import t, upper_first
from .context import PageContext
from .narrative import GAP_YEARS
from .pages import TopicPage

DISTANCES = ["afstand_treinstation", "afstand_overstapstation", "afstand_oprit", "afstand_ziekenhuis"]


def _enumerate(items: list[str], lang: str) -> str:
    """ "A, B en C" / "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('and', lang)} " + items[-1]


def _domain(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url


# ---- a board target --------------------------------------------------------------------
def target_page(ctx: PageContext, indicator: str) -> TopicPage | None:
    """Progress toward a dated cumulative board target (e.g. the Woondeal), with the pace
    needed; None when the focus region has no such target or the quarter does not reach past
    the target's start."""
    ind = ctx.cat[indicator]
    found = [tg for tg in targets_for(ctx.focus, indicator, ctx.targets_path()) if tg.kind == "cumulative"]
    if not found:
        return None
    tg = found[0]
    prog = progress(ctx.data.series(indicator, ctx.focus), tg, up_to=ctx.quarter)
    if prog is None:
        return None
    assert tg.start and tg.by and tg.value is not None  # a cumulative target (Target's schema)
    lang = ctx.lang
    unit = ind.unit_label.get(lang) if ind.unit_label else ""
    start_p, by = Period.parse(tg.start), Period.parse(tg.by)
    years_total = (by.ordinal - start_p.ordinal) / by.per_year
    n = lambda x: fmt.number(x, 0, lang)  # noqa: E731
    question = t(
        "target_question",
        lang,
        regio=ctx.name(ctx.focus),
        target=n(tg.value),
        unit=unit,
        years=fmt.number(years_total, 0, lang),
    )
    pace_key = "target_line_pace" if prog.basis == "last_year" else "target_line_pace_so_far"
    lines = [
        t(
            "target_line_progress",
            lang,
            start=start_p.phrase(lang),
            done=n(prog.done),
            unit=unit,
            share=fmt.percent(prog.share, 0, lang),
            target=n(tg.value),
        ),
        t(
            pace_key,
            lang,
            pace=n(prog.pace_per_year),
            unit=unit,
            by=by.phrase(lang),
            start=start_p.phrase(lang),
            needed=n(prog.needed_per_year),
        ),
        t("target_line_verdict_on", lang, projection=n(prog.projection), unit=unit, by=by.phrase(lang))
        if prog.on_track
        else t(
            "target_line_verdict_off",
            lang,
            projection=n(prog.projection),
            unit=unit,
            by=by.phrase(lang),
            short=n(tg.value - prog.projection),
        ),
    ]
    bridge = _stock_bridge(ctx, indicator, tg.start, prog.last)
    if bridge:  # after the progress, the pace and the verdict
        lines.append(bridge[0])
    note = tg.note(lang)
    if note:
        lines.append(note)
    labels = {
        "path": t("target_path", lang),
        "actual": t("target_actual", lang),
        "projection": t("target_projection" if prog.basis == "last_year" else "target_projection_so_far", lang),
        "target": t("target_word", lang),
    }

    def draw(ax):
        draw_target_progress(
            ax, prog.cumulative, tg.value, tg.start, tg.by, labels, "count", 0, lang, projection=prog.projection
        )

    title = t("target_subtitle", lang, title=ind.title.get(lang), start=start_p.phrase(lang), by=by.phrase(lang))
    alt = f"{question} {lines[0]} {lines[2]}"
    chart = topic_chart(Panel(title, draw), [], alt, main_height=3.4)
    page = TopicPage(
        indicator=f"{indicator}-doel",
        question=question,
        subtitle=tg.label(lang),
        chart=chart,
        compact_chart=compact_chart(Panel(title, draw), None, alt, height=2.7),
        source_line=ctx.source_line(ind),
        updated_line=ctx.updated_line(ind),
        bullets=lines,
        lang=lang,
        note=t("target_source", lang, site=_domain(tg.source_url)),
        subject=indicator,
        figures=bridge[1] if bridge else None,
    )
    ctx.mark_shown(indicator)
    return page


def _stock_bridge(
    ctx: PageContext, indicator: str, start: str, last: Period
) -> tuple[str, tuple[list[str], list[list[str]]]] | None:
    """How a stock's net growth since ``start`` comes about: the flow of new additions from the
    same table (new builds for the housing stock) and the rest (demolitions and other changes,
    as their balance), so that the numbers on the target page add up. None without such a flow
    or without its figures for every quarter since ``start``."""
    ind = ctx.cat[indicator]
    flow = next(
        (
            f
            for f in ctx.cat.indicators.values()
            if f.flow and f.theme == ind.theme and f.source.table and f.source.table == ind.source.table
        ),
        None,
    )
    if flow is None:
        return None
    stock = ctx.data.series(indicator, ctx.focus)
    added = ctx.data.series(flow.id, ctx.focus)
    periods, p = [], Period.parse(start).shift(1)
    while p.ordinal <= last.ordinal:
        periods.append(str(p))
        p = p.shift(1)
    if start not in stock.index or str(last) not in stock.index or any(p not in added.index for p in periods):
        return None
    before, after = float(stock[start]), float(stock[str(last)])
    built = float(added[periods].sum())
    net = after - before
    other = net - built
    lang = ctx.lang
    n = lambda x: fmt.number(x, 0, lang)  # noqa: E731
    signed = lambda x: fmt.change(x, "count", 0, lang)  # noqa: E731
    start_p = Period.parse(start)
    sentence = t(
        "target_bridge",
        lang,
        start=start_p.phrase(lang),
        net=n(net),
        built=n(built),
        other=signed(other),
        flow=flow.title.get(lang).lower(),
    )
    rows = [
        [t("target_bridge_start", lang, period=start_p.label(lang)), n(before)],
        [t("target_bridge_built", lang, flow=flow.title.get(lang).lower()), signed(built)],
        [t("target_bridge_other", lang), signed(other)],
        [t("target_bridge_end", lang, period=last.label(lang)), n(after)],
        [t("target_bridge_net", lang), signed(net)],
    ]
    unit = ind.unit_label.get(lang) if ind.unit_label else ""
    return sentence, (["", upper_first(unit)], rows)


# ---- rail travel times -------------------------------------------------------------------
def _travel_tables(ctx: PageContext, indicators: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, set] | None:
    """Travel times from the focus region's stations (destinations down, stations across): the
    latest and the earliest timetable, and the years they are from; None without any."""
    members = ctx.reg.children(ctx.focus)
    latest_rows, earliest_rows, years = {}, {}, set()
    for ind_id in indicators:
        tbl = ctx.data.table(ind_id, up_to=ctx.quarter)
        cols = [m for m in members if m in tbl.columns and tbl[m].notna().any()]
        if not cols:
            continue
        tbl = tbl[cols].dropna(how="all")
        latest_rows[ind_id] = tbl.iloc[-1]
        earliest_rows[ind_id] = tbl.iloc[0]
        years.update([tbl.index[-1], tbl.index[0]])
    if not latest_rows:
        return None
    return pd.DataFrame(latest_rows).T, pd.DataFrame(earliest_rows).T, years


def _distance_panel(ctx: PageContext, distances: list[str]) -> tuple[list[Panel], list[str]]:
    """The CBS distances to facilities for the focus region and the Netherlands, as pairs."""
    lang = ctx.lang
    shown, rows = [], {}
    for d in distances:
        tbl = ctx.data.table(d, [ctx.focus, ctx.national], up_to=ctx.quarter).dropna()
        if not tbl.empty:
            rows[ctx.cat[d].short_title(lang)] = tbl.iloc[-1]
            shown.append(d)
    if not rows:
        return [], shown
    dist = pd.DataFrame(rows).T
    period = ctx.data.table(shown[0], [ctx.focus], up_to=ctx.quarter).dropna().index[-1]
    pair_names = {ctx.focus: ctx.name(ctx.focus), ctx.national: ctx.name(ctx.national)}

    def draw_dist(ax, dd=dist):
        draw_pairs(ax, dd, ctx.focus, ctx.national, pair_names, "km", 1, lang)

    return [Panel(t("distances_title", lang, period=period), draw_dist)], shown


def travel_times_page(
    ctx: PageContext, indicators: list[str] | None = None, distances: list[str] | None = None
) -> TopicPage | None:
    """Rail travel times from the focus region's stations (a curated table), next to the CBS
    distance-to-facility figures for the region and the Netherlands; None when no travel times
    are kept for the focus region (its distances have topic pages of their own)."""
    lang = ctx.lang
    indicators = indicators or [i.id for i in ctx.cat.for_theme("bereikbaarheid") if i.id.startswith("reistijd_")]
    distances = distances if distances is not None else list(DISTANCES)
    found = _travel_tables(ctx, indicators)
    if found is None:
        return None
    latest, earliest, years = found
    latest_year, earliest_year = max(years), min(years)
    dest_names = {i: ctx.cat[i].short_title(lang) for i in latest.index}
    question = t(
        "travel_question",
        lang,
        regio=ctx.name(ctx.focus),
        destinations=_enumerate([dest_names[i] for i in latest.index], lang),
    )
    names = {**dest_names, **{m: ctx.name(m) for m in latest.columns}}
    # the origin the sentences speak of: the largest of the region's stations in the table
    origin = max(latest.columns, key=lambda m: ctx.reg[m].inhabitants or 0)
    order = latest[origin].sort_values().index.tolist()
    latest, earliest = latest.loc[order], earliest.loc[order]
    lines = []
    for dest in order[:3]:
        now, then = latest.loc[dest, origin], earliest.loc[dest, origin]
        diff = int(round(then - now))
        minutes = fmt.counted(abs(diff), t("minutes_forms", lang), lang)
        kw = dict(
            origin=ctx.name(origin), dest=dest_names[dest], minutes=fmt.number(now, 0, lang), earliest=earliest_year
        )
        if diff == 0:
            lines.append(t("travel_line_same", lang, **kw))
        else:
            change = t("travel_faster" if diff > 0 else "travel_slower", lang, n=minutes)
            lines.append(t("travel_line", lang, change=change, **kw))
    ambition = ctx.reg.board_text(ctx.focus, "travel_ambition", lang)
    if ambition:
        lines.append(ambition)

    def draw_times(ax):
        draw_travel_times(ax, latest, earliest, names, lang, earliest_label=str(earliest_year))

    panels, shown_distances = _distance_panel(ctx, distances)
    alt = f"{question} " + " ".join(lines[:3])
    times = Panel(t("travel_panel", lang), draw_times)
    chart = topic_chart(times, panels, alt, main_height=0.55 * len(latest) + 1.4, panel_height=2.2)
    # in the pack the distances are on their own topic pages right after: the times alone
    compact = compact_chart(times, None, alt, height=0.42 * len(latest) + 1.1)
    ctx.mark_shown(*latest.index, *shown_distances)
    ind0 = ctx.cat[latest.index[0]]
    source = ctx.source_line(ind0)
    if shown_distances:
        source += "; " + ctx.source_line(ctx.cat[shown_distances[0]])
    return TopicPage(
        indicator="reistijden",
        question=question,
        subtitle=t("travel_subtitle", lang, latest=latest_year, earliest=earliest_year),
        chart=chart,
        compact_chart=compact,
        source_line=source,
        updated_line=ctx.updated_line(ind0),
        bullets=lines,
        lang=lang,
    )


# ---- students per institution ------------------------------------------------------------
def institutions_page(ctx: PageContext, indicators: list[str] | None = None) -> TopicPage:
    """Students per institution (DUO) in the focus region: one line per institution."""
    lang = ctx.lang
    indicators = indicators or [i.id for i in ctx.cat.for_theme("talent") if i.source.kind == "duo"]
    series = {}
    for ind_id in indicators:
        s = ctx.data.series(ind_id, ctx.focus, up_to=ctx.quarter)
        if not s.empty:
            series[ind_id] = s
    question = t("institutions_question", lang, regio=ctx.name(ctx.focus))
    ind0 = ctx.cat[indicators[0]]
    chart, compact, lines, subtitle = None, None, [], ""
    if series:
        table = pd.DataFrame(series).sort_index(key=lambda idx: pd.Index([Period.parse(p) for p in idx]))
        first, last = table.index[0], table.index[-1]
        subtitle = t("institutions_subtitle", lang, first=first, last=last)
        labels = {i: ctx.cat[i].short_title(lang) for i in series}  # the columns of table
        old = str(Period.parse(last).shift(-GAP_YEARS))
        for ind_id in series:
            s = table[ind_id].dropna()
            change = fmt.relative_change(s.iloc[-1], s.get(old, np.nan), 1, lang) if old in s.index else "–"
            lines.append(
                t(
                    "institutions_line",
                    lang,
                    name=labels[ind_id],
                    value=fmt.number(s.iloc[-1], 0, lang),
                    period=s.index[-1],
                    change=change,
                    old=old,
                )
            )
        lines.append(t("institutions_censored", lang))

        def draw(ax):
            draw_institutions(ax, table, labels, lang)

        alt = f"{question} " + " ".join(lines[:3])
        chart = topic_chart(Panel(subtitle, draw), [], alt, main_height=3.2)
        compact = compact_chart(Panel(subtitle, draw), None, alt, height=2.5)
        ctx.mark_shown(*series)
    else:
        lines = [t("no_institution_data", lang, regio=ctx.name(ctx.focus))]
    return TopicPage(
        indicator="instellingen",
        question=question,
        subtitle=subtitle,
        chart=chart,
        compact_chart=compact,
        source_line=ctx.source_line(ind0),
        updated_line=ctx.updated_line(ind0),
        bullets=lines,
        lang=lang,
    )
