"""Comparisons at one moment: municipalities side by side, and a region's rank among all."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.transforms import Bbox

from .. import formatting as fmt
from ..signals.ranking import Rank, rank_of, ranked_order
from ..text import t
from .base import PALETTE, Chart, figure, house_chart, to_svg
from .labels import box, fitting_fontsize, halo, place_point_labels, renderer_of, widen_to_fit
from .ticks import floor_at_zero, value_axis


def _zoomed(values: pd.Series) -> bool:
    """Bars must start at zero; when all values sit far from zero (70–78%), dots tell more."""
    v = values.dropna()
    return bool(len(v)) and float(v.min()) > 0 and float(v.min()) > 0.35 * float(v.max())


def draw_bars(
    ax,
    values: pd.Series,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    reference: list[tuple[str, float | None, str]] | None = None,
    highlight: str | None = None,
    fontsize: float = 7.5,
) -> None:
    """Regions side by side, sorted by value (largest on top), with labelled reference lines.

    Values far from zero are drawn as dots on a zoomed axis (a bar would have to start at
    zero and hide the differences); values around zero (growth) as bars from zero.
    ``reference``: (label, value, role) drawn as lines; role ``focus`` (blue, solid),
    ``national`` (dark, dashed) or ``province`` (orange, dotted).
    """
    s = values.dropna().sort_values()
    y = np.arange(len(s))
    colours = [PALETTE["accent"] if code == highlight else PALETTE["focus"] for code in s.index]
    refs = [(lab, float(v), role) for lab, v, role in (reference or []) if v is not None and not pd.isna(v)]
    lo = float(min([s.min(), *(v for _, v, _ in refs)])) if len(s) else 0.0
    hi = float(max([s.max(), *(v for _, v, _ in refs)])) if len(s) else 1.0
    dots = _zoomed(s)
    if dots:
        span = (hi - lo) or abs(hi) * 0.1 or 1.0
        left = lo - span * 0.12
        ax.hlines(y, left, s.to_numpy(), color="#D5DADF", linewidth=0.8, zorder=1)
        ax.scatter(s.to_numpy(), y, color=colours, s=20, zorder=3)
    else:
        lo, hi = min(0.0, lo), max(0.0, hi)
        span = (hi - lo) or 1.0
        left = lo - (span * 0.12 if lo < 0 else 0)
        ax.barh(y, s.to_numpy(), color=colours, height=0.7, zorder=2)
        if lo < 0:
            ax.axvline(0, color="#777777", linewidth=0.6, zorder=2)
    ax.set_xlim(left, hi + span * 0.05)  # widened below until the value labels fit
    ax.set_ylim(-0.6, len(s) - 0.4)
    floor_at_zero(ax, "x", lo)
    # one name per row: a smaller font where the rows are too close for the wanted one
    size = fitting_fontsize(ax, len(s), fontsize)
    ax.set_yticks(y)
    ax.set_yticklabels([names.get(c, c) for c in s.index], fontsize=size)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    value_axis(ax, "x", unit, decimals, lang, max_ticks=4 if unit == "euro" else 5)
    ax.tick_params(axis="x", labelsize=fontsize)
    styles = {
        "focus": ("-", PALETTE["focus"]),
        "national": ("--", PALETTE["national"]),
        "province": (":", PALETTE["province"]),
    }
    handles = []
    for label, ref, role in refs:
        ls, colour = styles.get(role, styles["national"])
        handles.append(
            ax.axvline(
                ref,
                color=colour,
                linestyle=ls,
                linewidth=1.0,
                zorder=4,
                alpha=0.9,
                label=f"{label} {fmt.value(ref, unit, decimals, lang)}",
            )
        )
    texts = []
    for yi, v in zip(y, s.to_numpy(), strict=True):
        right = v >= 0 or dots
        texts.append(
            halo(
                ax.annotate(
                    fmt.value(v, unit, decimals, lang),
                    xy=(v, yi),
                    xytext=(4 if right else -4, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left" if right else "right",
                    fontsize=size - 0.5,
                    color="#333333",
                    zorder=5,
                )
            )
        )
    widen_to_fit(ax, texts, "x")
    if handles:
        # the reference lines are named in the margin above the chart, not on the lines
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=len(handles),
            fontsize=fontsize - 0.5,
            handlelength=1.8,
            borderaxespad=0.1,
            columnspacing=1.0,
            frameon=False,
        )


@house_chart
def bars(
    values: pd.Series,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    reference: list[tuple[str, float | None, str]] | None = None,
    highlight: str | None = None,
    title: str = "",
) -> Chart:
    """Municipalities (or provinces) side by side, as one chart."""
    fig = figure(figsize=(7.0, max(2.0, 0.22 * values.notna().sum() + 0.8)))
    ax = fig.subplots()
    draw_bars(ax, values, names, unit, decimals, lang, reference, highlight, fontsize=8.5)
    return to_svg(fig, title)


def quartile_colours(polarity: str) -> tuple[str, str]:
    """Background of the best and worst quarter of the ranking (CBS Monitor Brede Welvaart)."""
    return ("#DDF1EA", "#FBE3D6") if polarity != "neutral" else ("#EEEEEE", "#EEEEEE")


def draw_rank_strip(
    ax,
    values: pd.Series,
    focus: str,
    names: dict[str, str],
    unit: str,
    decimals: int,
    polarity: str,
    lang: str = "nl",
    national: float | None = None,
    fontsize: float = 7.5,
) -> Rank | None:
    """All regions as thin columns, best first; the focus region highlighted; the best and
    worst quarter shaded (green/red by polarity). Ranks come from the one ranking of every
    page (:mod:`signaal.signals.ranking`: on the values as shown, ties shared and written out
    in the label); returns the focus region's :class:`~signaal.signals.ranking.Rank`."""
    s = values.dropna()
    if s.empty:
        return None
    s = s[ranked_order(s, polarity, decimals, first=focus)]
    found = rank_of(s, focus, polarity, decimals)
    n = len(s)
    x = np.arange(n)
    best, worst = quartile_colours(polarity)
    q = n / 4
    if polarity != "neutral":
        ax.axvspan(-0.5, q - 0.5, color=best, zorder=0, linewidth=0)
        ax.axvspan(n - q - 0.5, n - 0.5, color=worst, zorder=0, linewidth=0)
    colours = [PALETTE["focus"] if c == focus else "#AEB6BD" for c in s.index]
    sizes = [34 if c == focus else 12 for c in s.index]
    ax.scatter(x, s.to_numpy(), c=colours, s=sizes, zorder=3, linewidths=0)
    rank = found.low if found is not None else None
    lo, hi = float(s.min()), float(s.max())
    if national is not None and not np.isnan(national):
        lo, hi = min(lo, national), max(hi, national)
    pad = (hi - lo) * 0.3 or abs(hi) * 0.1 or 1.0
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlim(-0.8, n - 0.2)
    floor_at_zero(ax, "y", float(s.min()))
    value_axis(ax, "y", unit, decimals, lang, max_ticks=5)
    ax.tick_params(axis="y", labelsize=fontsize)
    ax.grid(axis="x", visible=False)
    first, last = t("chart_best", lang), t("chart_worst", lang)
    if polarity == "neutral":
        first, last = t("chart_highest", lang), t("chart_lowest", lang)
    ax.set_xticks([0, n - 1])
    ticks = ax.set_xticklabels([f"1 ({first})", f"{n} ({last})"], fontsize=fontsize)
    ticks[0].set_horizontalalignment("left")  # inside the axes, clear of the value axis's labels
    ticks[-1].set_horizontalalignment("right")
    ax.tick_params(axis="x", length=0)
    avoid = []
    if national is not None and not np.isnan(national):
        ax.axhline(national, color=PALETTE["national"], linestyle="--", linewidth=1.0, zorder=2)
        # the reference line is named in the right margin, at its own height
        label = ax.annotate(
            names.get("_national", "NL") + " " + fmt.value(national, unit, decimals, lang),
            xy=(1.0, national),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=fontsize - 0.5,
            color=PALETTE["national"],
            annotation_clip=False,
        )
        renderer = renderer_of(ax)
        avoid.append(box(label, renderer))
        # the dashed line itself: the focus label must not be struck through by it
        yl = ax.transData.transform((0, national))[1]
        frame = ax.get_window_extent(renderer)
        avoid.append(Bbox.from_extents(frame.x0, yl - 1.5, frame.x1, yl + 1.5))
    if rank is not None:
        v = float(s[focus])
        assert found is not None  # the focus region has a figure here
        text = f"{names.get(focus, focus)} {fmt.value(v, unit, decimals, lang)}\n" + t(
            "chart_rank_of", lang, rank=found.place(lang), n=n
        )
        toward_middle = 1 if rank <= n / 2 else -1  # the emptier side of the strip
        offsets = [
            (toward_middle * dx, dy) for dx, dy in ((14, 12), (14, -12), (24, 4), (24, -4), (14, 24), (14, -24))
        ] + [(-toward_middle * 14, 12), (-toward_middle * 14, -12), (0, -16), (0, 16), (0, -30), (0, 30)]
        # (a long shared rank such as "gedeeld 21e–24e" may fit only centred below or above the point)
        others = [(float(xi), float(vi), "") for xi, vi in zip(x, s.to_numpy(), strict=True)]
        placed = place_point_labels(
            ax,
            [(float(rank - 1), v, text)],
            avoid=avoid + _marker_boxes(ax, others, 3.0),
            offsets=offsets,
            fontsize=fontsize,
            color=PALETTE["focus"],
            fontweight="bold",
            arrowprops=dict(arrowstyle="-", color=PALETTE["focus"], linewidth=0.8, shrinkA=0, shrinkB=3),
        )
        placed[0].set_zorder(5)
    return found


def _marker_boxes(ax, points, radius_px: float):
    """Small boxes round points (in pixels), for labels to keep clear of."""
    out = []
    for x, y, _ in points:
        cx, cy = ax.transData.transform((x, y))
        out.append(Bbox.from_extents(cx - radius_px, cy - radius_px, cx + radius_px, cy + radius_px))
    return out


@house_chart
def rank_strip(
    values: pd.Series,
    focus: str,
    names: dict[str, str],
    unit: str,
    decimals: int,
    polarity: str,
    lang: str = "nl",
    national: float | None = None,
    title: str = "",
) -> Chart:
    fig = figure(figsize=(7.0, 2.4))
    ax = fig.subplots()
    draw_rank_strip(ax, values, focus, names, unit, decimals, polarity, lang, national, fontsize=8.5)
    return to_svg(fig, title)


def draw_pairs(
    ax, table: pd.DataFrame, first: str, second: str, names: dict[str, str], unit: str, decimals: int, lang: str = "nl"
) -> None:
    """Rows of two bars: the focus region (blue) above the Netherlands (grey), e.g. the
    distances to facilities. ``table``: rows are the items, columns the two regions."""
    y = np.arange(len(table))[::-1]
    ax.barh(y + 0.18, table[first], height=0.34, color=PALETTE["focus"], label=names.get(first, first))
    ax.barh(y - 0.18, table[second], height=0.34, color="#9AA3AA", label=names.get(second, second))
    span = float(table.to_numpy().max()) or 1.0
    ax.set_xlim(0, span * 1.05)
    texts = []
    for yy, v1, v2 in zip(y, table[first], table[second], strict=True):
        for value, dy in ((v1, 0.18), (v2, -0.18)):
            texts.append(
                ax.annotate(
                    fmt.value(value, unit, decimals, lang),
                    xy=(value, yy + dy),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                )
            )
    ax.set_yticks(y)
    ax.set_yticklabels(list(table.index), fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    value_axis(ax, "x", unit, decimals, lang, max_ticks=6)
    widen_to_fit(ax, texts, "x")
    # the legend below the axes: inside it would cover the longest bars' labels
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7.5, frameon=False)
