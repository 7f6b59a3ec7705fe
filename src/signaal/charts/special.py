"""Charts for particular pages: progress toward a dated target, rail travel times, students per institution."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..periods import Period
from .base import PALETTE, Chart, figure, house_chart, to_svg
from .labels import halo, widen_to_fit
from .ticks import value_axis
from .time import label_ends, x_positions, year_ticks


def draw_target_progress(
    ax,
    cumulative: pd.Series,
    target: float,
    start: str,
    by: str,
    labels: dict[str, str],
    unit: str = "count",
    decimals: int = 0,
    lang: str = "nl",
    projection: float | None = None,
) -> None:
    """Cumulative progress since ``start`` against the straight path to ``target`` at ``by``,
    and the ``projection`` at the current pace (computed by :func:`signaal.targets.progress`,
    so that the chart says what the page says)."""
    s = cumulative.dropna()
    x, periods = x_positions(s.index)
    xs = x_positions([start])[0][0]
    xb = x_positions([by])[0][0]
    ax.plot(
        [xs, xb],
        [0, target],
        color=PALETTE["national"],
        linestyle="--",
        linewidth=1.2,
        label=labels.get("path", "required path"),
    )
    ax.plot(
        np.r_[xs, x],
        np.r_[0.0, s.to_numpy()],
        color=PALETTE["focus"],
        linewidth=2.4,
        label=labels.get("actual", "actual"),
    )
    if projection is not None and not np.isnan(projection):
        ax.plot(
            [x[-1], xb],
            [s.iloc[-1], projection],
            color=PALETTE["focus"],
            linestyle=":",
            linewidth=1.6,
            label=labels.get("projection", "at the current pace"),
        )
        ax.annotate(
            fmt.value(projection, unit, decimals, lang),
            xy=(xb, projection),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
            color=PALETTE["focus"],
            va="center",
        )
    ax.plot([xb], [target], marker="D", color=PALETTE["accent"], markersize=6, zorder=5)
    ax.annotate(
        f"{labels.get('target', 'target')} {fmt.value(target, unit, decimals, lang)}",
        xy=(xb, target),
        xytext=(-6, 8),
        textcoords="offset points",
        ha="right",
        fontsize=8.5,
        color=PALETTE["accent"],
        fontweight="bold",
    )
    ax.plot([x[-1]], [s.iloc[-1]], "o", color=PALETTE["focus"], markersize=4)
    ax.annotate(
        fmt.value(float(s.iloc[-1]), unit, decimals, lang),
        xy=(x[-1], s.iloc[-1]),
        xytext=(-6, 6),
        textcoords="offset points",
        ha="right",
        fontsize=8.5,
        color=PALETTE["focus"],
        fontweight="bold",
    )
    for text in ax.texts:
        halo(text)
    value_axis(ax, "y", unit, decimals, lang)
    all_periods = periods + [Period.parse(by)]
    year_ticks(ax, all_periods, max_ticks=10)
    ax.set_xlim(xs - 0.1, xb + 0.9)
    ax.set_ylim(0, max(target, float(s.max())) * 1.15)
    ax.legend(loc="upper left", fontsize=8)


@house_chart
def target_progress(
    cumulative: pd.Series,
    target: float,
    start: str,
    by: str,
    labels: dict[str, str],
    unit: str = "count",
    decimals: int = 0,
    lang: str = "nl",
    title: str = "",
    projection: float | None = None,
) -> Chart:
    fig = figure(figsize=(7.0, 3.4))
    ax = fig.subplots()
    draw_target_progress(ax, cumulative, target, start, by, labels, unit, decimals, lang, projection)
    return to_svg(fig, title)


MARKERS = ("o", "s", "^", "D", "v")
COLOURS = ("focus", "province", "good", "purple", "sky")


def draw_travel_times(
    ax,
    latest: pd.DataFrame,
    earliest: pd.DataFrame | None,
    names: dict[str, str],
    lang: str = "nl",
    earliest_label: str = "",
    latest_label: str = "",
) -> None:
    """A dot plot: destinations down, minutes across, one marker per origin station; the
    earliest timetable as hollow markers, so that shorter journeys show as a move left."""
    dests = list(latest.index)
    origins = list(latest.columns)
    y = np.arange(len(dests))[::-1]
    offsets = np.linspace(0.27, -0.27, len(origins)) if len(origins) > 1 else [0.0]
    for j, origin in enumerate(origins):
        colour = PALETTE[COLOURS[j % len(COLOURS)]]
        marker = MARKERS[j % len(MARKERS)]
        yy = y + offsets[j]
        now = latest[origin].to_numpy(dtype=float)
        if earliest is not None and origin in earliest:
            then = earliest[origin].reindex(dests).to_numpy(dtype=float)
            for a, b, yv in zip(then, now, yy, strict=True):
                if not np.isnan(a) and not np.isnan(b):
                    ax.plot([a, b], [yv, yv], color=colour, linewidth=0.8, alpha=0.6)
            ax.scatter(then, yy, s=22, facecolors="white", edgecolors=colour, marker=marker, linewidths=1.0, zorder=3)
        ax.scatter(now, yy, s=30, color=colour, marker=marker, zorder=4, label=names.get(origin, origin))
        then_all = (
            earliest[origin].reindex(dests).to_numpy(dtype=float)
            if earliest is not None and origin in earliest
            else np.full(len(now), np.nan)
        )
        for v, a, yv in zip(now, then_all, yy, strict=True):
            if np.isnan(v):
                continue
            left = not np.isnan(a) and a > v  # the old (hollow) marker is to the right: label on the left
            ax.annotate(
                fmt.number(v, 0, lang),
                xy=(v, yv),
                xytext=(-4 if left else 4, 0),
                textcoords="offset points",
                va="center",
                ha="right" if left else "left",
                fontsize=6.5,
                color=colour,
            )
    ax.set_yticks(y)
    ax.set_yticklabels([names.get(d, d) for d in dests], fontsize=8.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    handles, labs = ax.get_legend_handles_labels()
    if earliest is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#666666"))
        labs.append(earliest_label)
    ax.legend(
        handles,
        labs,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        fontsize=8,
        ncol=len(labs),
        frameon=False,
        borderaxespad=0.2,
    )
    lo = np.nanmin(latest.to_numpy(dtype=float))
    hi = np.nanmax(latest.to_numpy(dtype=float))
    if earliest is not None:
        hi = max(hi, np.nanmax(earliest.to_numpy(dtype=float)))
        lo = min(lo, np.nanmin(earliest.to_numpy(dtype=float)))
    ax.set_xlim(max(0, lo - 15), hi + 15)
    ax.set_ylim(-0.6, len(dests) - 0.4)
    value_axis(ax, "x", "minutes", 0, lang, max_ticks=7)
    widen_to_fit(ax, ax.texts, "x")


@house_chart
def travel_times(
    latest: pd.DataFrame,
    earliest: pd.DataFrame | None,
    names: dict[str, str],
    lang: str = "nl",
    earliest_label: str = "",
    title: str = "",
) -> Chart:
    fig = figure(figsize=(7.0, 0.75 * len(latest) + 1.0))
    ax = fig.subplots()
    draw_travel_times(ax, latest, earliest, names, lang, earliest_label)
    return to_svg(fig, title)


INSTITUTION_COLOURS = ("focus", "province", "good", "purple")


def draw_institutions(ax, table: pd.DataFrame, names: dict[str, str], lang: str = "nl") -> None:
    """Students per institution over time: one line per column of ``table`` (periods down),
    each labelled at its end with its name and latest count."""
    colours = [PALETTE[c] for c in INSTITUTION_COLOURS]
    x, periods = x_positions(table.index)
    ends = []
    for k, column in enumerate(table):
        ax.plot(x, table[column].to_numpy(), color=colours[k % len(colours)], linewidth=2.0)
        last_v = table[column].dropna()
        ends.append((x[-1], float(last_v.iloc[-1]), names[str(column)], colours[k % len(colours)], False))
    year_ticks(ax, periods)
    ax.set_xlim(x.min() - 0.2, x.max() + (x.max() - x.min()) * 0.3)
    ax.set_ylim(0, float(np.nanmax(table.to_numpy())) * 1.15)
    value_axis(ax, "y", "count", 0, lang)
    label_ends(ax, ends, "count", 0, lang)


@house_chart
def institutions(table: pd.DataFrame, names: dict[str, str], lang: str = "nl", title: str = "") -> Chart:
    fig = figure(figsize=(7.0, 3.2))
    ax = fig.subplots()
    draw_institutions(ax, table, names, lang)
    return to_svg(fig, title)
