"""The topic page: one indicator's question, its figure, source lines and "Toelichting".

The figure (:func:`signaal.charts.topic.topic_chart`) has the series over time on top — the
focus region against the Netherlands, its province and peers (a line), or tension bands, or
columns for a flow — and up to two comparisons beneath: the municipalities side by side (bars
or a map) and the rank among the COROP regions; a flow compares per 1,000 inhabitants over
the last year. When the page shows a province as a proxy, the provinces are compared.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from .. import formatting as fmt
from ..catalogue import Indicator
from ..charts.base import Chart
from ..charts.compare import draw_bars, draw_rank_strip
from ..charts.maps import draw_choropleth, draw_tiles
from ..charts.time import draw_band, draw_columns, draw_line
from ..charts.topic import Panel, compact_chart, side_panel, topic_chart
from ..periods import Period
from ..store.geo import boundaries_or_none
from ..text import t
from .context import PageContext
from .narrative import GAP_YEARS, bullets, members_lines, observed_line
from .pages import TopicPage

# the smallest height of a trend chart's value axis, per unit (small moves stay small)
MIN_SPAN = {"mark": 1.5, "percent": 2.0, "km": 1.0}


def topic_page(ctx: PageContext, indicator: str, chart: str | None = None) -> TopicPage:
    """The topic page of an indicator (``chart``: another main chart than the catalogue's).

    When CBS publishes the indicator for the focus region's municipalities but not for the
    region itself (:meth:`signaal.indicators.Data.not_published`), the page shows the
    municipalities beside the province and the Netherlands, and says that the region's figure
    is not published."""
    lang = ctx.lang
    ind = ctx.cat[indicator]
    narrative = ctx.narrative(ind)
    shown = narrative.region
    unpublished = ctx.data.not_published(ind.id, ctx.focus)
    chart_obj, compact, subtitle, note = topic_chart_of(ctx, ind, shown, chart or ind.chart, unpublished=unpublished)
    if unpublished:
        badges = [("proxy", t("not_published_badge", lang, regio=ctx.name(ctx.focus)))]
        province = ctx.name(ctx.province) if ctx.province else ctx.name(ctx.national)
        context = ctx.data.series(ind.id, shown, freq=ind.display_freq, up_to=ctx.quarter)
        key = "not_published_note" if not context.empty else "not_published_note_alone"
        note = (t(key, lang, regio=ctx.name(ctx.focus), provincie=province) + " " + note).strip()
    elif shown == ctx.reg.labour_market_region(ctx.focus):
        badges = [("proxy", t("labour_market_badge", lang, name=ctx.name(shown)))]
        members = len(ctx.reg.children(ctx.focus, "gemeente"))
        note = t("labour_market_note", lang, name=ctx.name(shown), regio=ctx.name(ctx.focus), n=members)
    else:
        badges = [("proxy", t("proxy_label", lang) + ": " + ctx.name(shown))] if shown != ctx.focus else []
    verdicts = sorted(
        (s for s in ctx.found_signals().for_indicator(ind.id) if s.kind != "neutraal"), key=lambda s: -s.strength
    )
    if verdicts:
        top = verdicts[0]
        rule = t(f"sig_rule_{top.rule}", lang, region=ctx.name(ctx.focus))
        badges.insert(0, (top.kind, f"{t(f'sig_kind_{top.kind}', lang)} · {rule}"))
    if ind.proxy_note and shown not in (ctx.focus, ctx.reg.labour_market_region(ctx.focus)) and not unpublished:
        note = (ind.proxy_note.get(lang) + " " + note).strip()
    if _mixed(ctx, ind):
        note = (note + " " + t("synthetic_lines_note", lang)).strip()
    for caveat in ind.caveats:
        note = (note + " " + caveat.get(lang)).strip()
    lines = (
        members_lines(narrative) if unpublished else bullets(narrative, signal_lines=measured_signal_lines(ctx, ind))
    )
    # a trend without comparisons beneath it (a national-only or labour-market figure) shows its numbers
    figures = figures_table(ctx, ind, shown) if chart_obj is not None and not has_panels(ctx, ind, shown) else None
    return TopicPage(
        indicator=ind.id,
        question=ctx.edition.question(ind),
        subtitle=subtitle,
        chart=chart_obj,
        compact_chart=compact,
        figures=figures,
        source_line=ctx.source_line(ind),
        updated_line=ctx.updated_line(ind),
        bullets=lines,
        lang=lang,
        note=note,
        badges=badges,
        subject=ind.id,
        real_figures=ctx.real_figures(ind),
    )


FIGURES_PERIODS = 8


def measured_signal_lines(ctx: PageContext, ind: Indicator) -> list[str]:
    """The indicator's signal sentences for its bullets; a trend sentence (a fitted,
    "trendmatig" change) gets the change the chart shows over the same years beside it, as
    measured, so that a reader who checks the line finds both numbers."""
    lines = ctx.signal_lines(ind.id)
    narrative = ctx.narrative(ind)
    for sig in ctx.found_signals().for_indicator(ind.id):
        sentence = sig.sentence(ctx.lang)
        if sig.rule != "trend" or sentence not in lines:
            continue
        first, last = sig.numbers.get("first"), sig.numbers.get("last")
        measured = observed_line(narrative, first, last, sig.data_region or None) if first and last else None
        if measured:
            lines[lines.index(sentence)] = f"{sentence} {measured}"
    return lines


def has_panels(ctx: PageContext, ind: Indicator, shown: str) -> bool:
    """Whether the topic's figure has comparisons beneath its trend."""
    if ind.flow:
        return bool(flow_panels(ctx, ind, shown))
    table = ctx.data.table(ind.id, freq=ind.display_freq, up_to=ctx.quarter)
    last = table[shown].last_valid_index() if shown in table else None
    return last is not None and bool(comparison_panels(ctx, ind, table, shown, str(last), ind.chart))


def figures_table(ctx: PageContext, ind: Indicator, shown: str) -> tuple[list[str], list[list[str]]] | None:
    """The last periods of the figure's lines as a small table (areas down, periods across):
    the exact numbers behind a trend that has no comparisons beneath it."""
    codes = [c for c in dict.fromkeys([shown, ctx.national]) if c]
    table = ctx.data.table(ind.id, codes, freq=ind.display_freq, up_to=ctx.quarter).dropna(how="all")
    if table.empty:
        return None
    table = table.iloc[-FIGURES_PERIODS:]
    head = [t("col_region", ctx.lang)] + [Period.parse(p).short_label() for p in table.index]
    rows = [
        [ctx.name(code)] + [fmt.value(v, ind.unit, ind.decimals, ctx.lang) for v in table[code]]
        for code in codes
        if code in table and table[code].notna().any()
    ]
    return head, rows


def _mixed(ctx: PageContext, ind: Indicator) -> bool:
    """A page of the sample that puts real lines beside synthetic ones."""
    kinds = set(ctx.data.figure_kinds(ind.id).values()) if ctx.data.vintage.is_sample else set()
    return "synthetic" in kinds and bool(kinds - {"synthetic"})


def _mark_synthetic(ctx: PageContext, ind: Indicator, names: dict[str, str]) -> dict[str, str]:
    """On a page that mixes real and synthetic figures, every synthetic line says so in its name."""
    if not _mixed(ctx, ind):
        return names
    kinds = ctx.data.figure_kinds(ind.id)
    out = dict(names)
    for code, name in names.items():
        if code.startswith("_"):
            level = "corop" if code == "_peers" else None
        else:
            level = ctx.reg[code].level if code in ctx.reg else None
        if level and kinds.get(level) == "synthetic":
            out[code] = t("synthetic_name", ctx.lang, name=name)
    return out


def topic_chart_of(
    ctx: PageContext, ind: Indicator, shown: str, kind: str, unpublished: bool = False
) -> tuple[Chart | None, Chart | None, str, str]:
    """The page's figure, its compact figure for the board pack (:func:`compact_chart`), its
    subtitle (title · unit · span) and the note beneath it."""
    lang = ctx.lang
    same_area = shown == ctx.reg.labour_market_region(ctx.focus)  # WW per labour-market region: Twente (AM)
    focus = shown == ctx.focus or same_area
    province = ctx.province if focus else None
    if same_area:
        peers: list[str] = []
    else:
        peers = ctx.reg.peers(ctx.focus) if focus else [c for c in ctx.reg.codes(ctx.reg[shown].level) if c != shown]
    table = ctx.data.table(ind.id, freq=ind.display_freq, up_to=ctx.quarter)
    unit_text = ind.unit_label.get(lang) if ind.unit_label and kind != "index" else ""
    subtitle_bits = [ind.title.get(lang)] + ([unit_text] if unit_text else [])
    anchor = shown
    if unpublished and not table.empty and (shown not in table or not table[shown].notna().any()):
        # neither the region nor its province: the municipalities carry the page
        anchor = next((m for m in ctx.reg.children(ctx.focus) if m in table and table[m].notna().any()), shown)
    if table.empty or anchor not in table or not table[anchor].notna().any():
        return None, None, " · ".join(subtitle_bits), ""
    focus_series = table[anchor].dropna()
    first, last = focus_series.index[0], focus_series.index[-1]
    first_l, last_l = Period.parse(first).short_label(), Period.parse(last).short_label()
    main = (
        _members_panel(ctx, ind, table, shown)
        if unpublished
        else _main_panel(ctx, ind, table, shown, kind, peers, province)
    )
    panels = flow_panels(ctx, ind, shown) if ind.flow else comparison_panels(ctx, ind, table, shown, last, kind)
    alt = t(
        "chart_alt_line",
        lang,
        title=ind.title.get(lang),
        first=first_l,
        last=last_l,
        regio=ctx.name(anchor),
        value=fmt.value(focus_series.iloc[-1], ind.unit, ind.decimals, lang),
        benchmark_name=ctx.name(ctx.national),
        benchmark=fmt.value(table[ctx.national].get(last), ind.unit, ind.decimals, lang)
        if ctx.national in table
        else "–",
    )
    # without comparisons beneath (a national-only or labour-market figure) the trend gets the room
    chart_obj = topic_chart(main, panels, alt) if panels else topic_chart(main, panels, alt, main_height=4.4)
    compact = compact_chart(main, side_panel(panels), alt)
    subtitle_bits.append(first_l if first == last else f"{first_l}–{last_l}")
    if unpublished or same_area:
        note = ""
    elif focus:
        peer_names = ", ".join(ctx.name(p) for p in peers if p in table and table[p].notna().any())
        note = t("grey_peers", lang, names=peer_names) if peer_names and kind not in ("band", "bar") else ""
    else:
        note = t("grey_provinces", lang) if kind != "band" else ""
    return chart_obj, compact, " · ".join(subtitle_bits), note


def _main_panel(
    ctx: PageContext, ind: Indicator, table: pd.DataFrame, shown: str, kind: str, peers: list[str], province: str | None
) -> Panel:
    """The series over time: columns for a flow, tension bands, an index or a line."""
    lang = ctx.lang
    focus_series = table[shown].dropna()
    first, last = focus_series.index[0], focus_series.index[-1]
    first_l, last_l = Period.parse(first).short_label(), Period.parse(last).short_label()
    codes = list(dict.fromkeys([shown, ctx.national] + ([province] if province else []) + peers))
    main_table = table.reindex(columns=[c for c in codes if c in table.columns]).loc[first:]
    names = ctx.names(list(table.columns))
    if shown != ctx.focus:
        names["_peers"] = t("other_provinces", lang)
    names = _mark_synthetic(ctx, ind, names)
    companion = None
    if ind.transform is not None and ind.transform.kind == "real_terms" and ind.transform.of:
        nominal = ctx.data.table(ind.transform.of, [shown], freq=ind.display_freq, up_to=ctx.quarter)
        if shown in nominal and nominal[shown].notna().any():
            companion = "_nominal"
            main_table = main_table.assign(_nominal=nominal[shown].reindex(main_table.index))
            names["_nominal"] = t("nominal_name", lang, name=names.get(shown, shown))
    if kind == "index":
        plot, unit, decimals = main_table / main_table.loc[first] * 100, "index", 0
        title = t("panel_development_index", lang, first=first_l, last=last_l)
    else:
        plot, unit, decimals = main_table, ind.unit, ind.decimals
        title = t("panel_development", lang, first=first_l, last=last_l)
    if kind == "bar" and ind.flow:
        recent = focus_series.iloc[-6 * Period.parse(last).per_year :]
        r_first = Period.parse(recent.index[0]).short_label()
        title = t("panel_flow_columns", lang, regio=ctx.name(shown), first=r_first, last=last_l)

        def draw(ax):
            draw_columns(ax, recent, ind.unit, ind.decimals, lang, average_label=t("moving_average", lang))
    elif kind == "band" and ind.signals.bands:
        band_labels = {k: t(f"band_{k}", lang) for k in list(ind.signals.bands) + ["zeer_krap"]}

        def draw(ax):
            draw_band(ax, plot, shown, names, ind.signals.bands, band_labels, ind.decimals, lang, national=ctx.national)
    else:

        def draw(ax):
            draw_line(
                ax,
                plot,
                shown,
                names,
                unit,
                decimals,
                lang,
                national=ctx.national,
                province=province,
                peers=peers,
                breaks=[b.period for b in ind.breaks],
                min_span=MIN_SPAN.get(unit),
                companion=companion if kind != "index" else None,
            )

    return Panel(title, draw)


def _members_panel(ctx: PageContext, ind: Indicator, table: pd.DataFrame, shown: str) -> Panel:
    """The focus region's municipalities over time (thin lines) beside its province and the
    Netherlands: the page of an indicator whose region figure CBS does not publish."""
    lang = ctx.lang
    members = [m for m in ctx.reg.children(ctx.focus) if m in table and table[m].notna().any()]
    codes = [c for c in dict.fromkeys([*members, shown, ctx.national]) if c in table.columns]
    plot = table.reindex(columns=codes).dropna(how="all")
    first_l, last_l = Period.parse(plot.index[0]).short_label(), Period.parse(plot.index[-1]).short_label()
    names = ctx.names(codes)
    names["_peers"] = t("members_of", lang, regio=ctx.name(ctx.focus))
    province = shown if shown != ctx.national else None

    def draw(ax):
        draw_line(
            ax,
            plot,
            "",
            names,
            ind.unit,
            ind.decimals,
            lang,
            national=ctx.national,
            province=province,
            peers=members,
            min_span=MIN_SPAN.get(ind.unit),
        )

    return Panel(t("panel_members_development", lang, regio=ctx.name(ctx.focus), first=first_l, last=last_l), draw)


def comparison_panels(
    ctx: PageContext, ind: Indicator, table: pd.DataFrame, shown: str, last: str, kind: str
) -> list[Panel]:
    """Municipalities side by side (bars or a map) and the rank among COROP regions — or, when
    the page shows a province as a proxy, the provinces side by side."""
    lang = ctx.lang
    panels: list[Panel] = []
    names = ctx.names(list(table.columns))
    last_p = Period.parse(last)
    old = str(last_p.shift(-GAP_YEARS * last_p.per_year))
    growth = ind.additive  # counts compare by their growth, not their size
    if growth and old not in table.index:
        return panels
    # one row label gives a row Series (the stubs allow a DataFrame)
    values_row = cast(pd.Series, ((table.loc[last] / table.loc[old] - 1) * 100) if growth else table.loc[last])
    unit, decimals = ("percent", 1) if growth else (ind.unit, ind.decimals)
    label_old, label_last = Period.parse(old).short_label(), last_p.short_label()
    nat_value = values_row.get(ctx.national)
    members = [m for m in ctx.reg.children(ctx.focus) if m in values_row.index and pd.notna(values_row.get(m))]
    if len(members) >= 2:
        member_values = values_row[members]
        if kind == "map":
            panels.append(
                Panel(
                    t("panel_map", lang, period=label_last),
                    _map_drawing(ctx, members, member_values, names, unit, decimals),
                    weight=1.6,
                )
            )
        else:
            role = "focus" if shown == ctx.focus else "province"
            reference = [
                (ctx.name(shown), values_row.get(shown), role),
                (ctx.name(ctx.national), nat_value, "national"),
            ]
            reference = [r for r in reference if r[1] is not None and pd.notna(r[1])]
            title = (
                t("panel_municipalities_growth", lang, old=label_old, period=label_last)
                if growth
                else t("panel_municipalities", lang, regio=ctx.name(ctx.focus), period=label_last)
            )

            def draw_members(ax, v=member_values, ref=reference):
                draw_bars(ax, v, names, unit, decimals, lang, reference=ref)

            panels.append(Panel(title, draw_members, weight=1.1))
    level = ctx.reg[shown].level
    if level == "corop":
        corop = [c for c in ctx.reg.codes("corop") if c in values_row.index and pd.notna(values_row.get(c))]
        if len(corop) >= 10:
            title = (
                t("panel_rank_growth", lang, old=label_old, period=label_last, n=len(corop))
                if growth
                else t("panel_rank", lang, n=len(corop), period=label_last)
            )

            def draw_rank(ax, v=values_row[corop]):
                draw_rank_strip(ax, v, shown, names, unit, decimals, ind.polarity, lang, national=nat_value)

            panels.append(Panel(title, draw_rank, weight=1.0, rank=True))
    elif level == "provincie":
        provinces = [c for c in ctx.reg.codes("provincie") if c in values_row.index and pd.notna(values_row.get(c))]
        if len(provinces) >= 3:
            title = (
                t("panel_provinces_growth", lang, old=label_old, period=label_last)
                if growth
                else t("panel_provinces", lang, period=label_last)
            )

            def draw_prov(ax, v=values_row[provinces]):
                draw_bars(
                    ax,
                    v,
                    names,
                    unit,
                    decimals,
                    lang,
                    reference=[(ctx.name(ctx.national), nat_value, "national")],
                    highlight=shown,
                )

            panels.append(Panel(title, draw_prov, weight=1.0))
    return panels


def _map_drawing(
    ctx: PageContext, members: list[str], values: pd.Series, names: dict[str, str], unit: str, decimals: int
):
    """The municipalities on a map: real boundaries (the PDOK cache, else the bundled ones) with
    their source named, else a labelled tile map."""
    gdf = boundaries_or_none("gemeente", ctx.data_dir)
    if gdf is not None and set(members) <= set(gdf["code"]):
        key = "chart_boundary_source_bundled" if gdf.attrs.get("source") == "bundled" else "chart_boundary_source_year"
        source = t(key, ctx.lang, year=gdf.attrs.get("year", ""))

        def draw_map(ax):
            draw_choropleth(ax, gdf, values, names, unit, decimals, ctx.lang, source=source)

        return draw_map
    points = {m: (ctx.reg[m].x_rd, ctx.reg[m].y_rd) for m in members if ctx.reg[m].x_rd is not None}

    def draw_tile_map(ax):
        draw_tiles(ax, values, points, names, unit, decimals, ctx.lang)

    return draw_tile_map


def flow_panels(ctx: PageContext, ind: Indicator, shown: str) -> list[Panel]:
    """Flows compare per 1,000 inhabitants over the last year: municipalities and COROP rank."""
    lang = ctx.lang
    found = ctx.data.flow_per_1000(ind.id, up_to=ctx.quarter)
    if found is None:
        return []
    values, first, last = found
    names = ctx.names(list(values.index))
    first_l, last_l = Period.parse(first).short_label(), Period.parse(last).short_label()
    nat_value = values.get(ctx.national)
    panels = []
    members = [m for m in ctx.reg.children(ctx.focus) if m in values.index]
    if len(members) >= 2:
        reference = [(ctx.name(shown), values.get(shown), "focus"), (ctx.name(ctx.national), nat_value, "national")]
        reference = [r for r in reference if r[1] is not None and pd.notna(r[1])]

        def draw_members(ax, v=values[members], ref=reference):
            draw_bars(ax, v, names, "count", 1, lang, reference=ref)

        panels.append(Panel(t("panel_flow_members", lang, first=first_l, last=last_l), draw_members, weight=1.1))
    corop = [c for c in ctx.reg.codes("corop") if c in values.index]
    if ctx.reg[shown].level == "corop" and len(corop) >= 10:

        def draw_rank(ax, v=values[corop]):
            draw_rank_strip(ax, v, shown, names, "count", 1, ind.polarity, lang, national=nat_value)

        panels.append(Panel(t("panel_flow_rank", lang, n=len(corop)) + f", {first_l}–{last_l}", draw_rank, rank=True))
    return panels
