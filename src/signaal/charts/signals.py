"""Charts of the signals, in the house style (SVG with alt text).

- :func:`sparkline`: the small chart beside each signal on the signal board;
- :func:`klok_chart`: the regional clock (gap to NL x change of the gap, four quadrants);
- :func:`sensitivity_chart`: the broad-welfare compass's rank ranges over its variants.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .. import formatting as fmt
from ..periods import Period
from .base import PALETTE, Chart, figure, house_chart, to_svg
from .labels import box, cheapest, halo, overlaps, renderer_of
from .ticks import value_axis

KIND_COLOURS = {"urgentie": PALETTE["bad"], "kans": PALETTE["good"], "neutraal": PALETTE["neutral"]}


def _x(index) -> np.ndarray:
    return np.array([Period.parse(p).ordinal / Period.parse(p).per_year for p in index], dtype=float)


@house_chart
def sparkline(
    focus: pd.Series,
    alt: str,
    bench: pd.Series | None = None,
    kind: str = "neutraal",
    target_path: tuple[str, float, str, float] | None = None,
    lang: str = "nl",
) -> Chart:
    """A small line: the region (blue), the Netherlands (grey, dashed) and, for a
    cumulative target, the path the target needs (dotted, from start to deadline)."""
    fig = figure(figsize=(2.3, 0.8))
    ax = fig.subplots()
    x = _x(focus.index)
    if bench is not None and not bench.empty:
        ax.plot(_x(bench.index), bench.to_numpy(dtype=float), color=PALETTE["national"], linestyle="--", linewidth=0.9)
    if target_path is not None:
        p0, v0, p1, v1 = target_path
        ax.plot(_x([p0, p1]), [v0, v1], color=PALETTE["accent"], linestyle=":", linewidth=1.1)
    ax.plot(x, focus.to_numpy(dtype=float), color=PALETTE["focus"], linewidth=1.6)
    ax.plot(
        [x[-1]],
        [float(focus.iloc[-1])],
        "o",
        color=KIND_COLOURS.get(kind, PALETTE["neutral"]),
        markersize=4.5,
        zorder=5,
    )
    ax.set_axis_off()
    first, last = Period.parse(focus.index[0]), Period.parse(focus.index[-1])
    ax.annotate(
        first.short_label(),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -9),
        textcoords="offset points",
        fontsize=6.5,
        color="#666666",
        ha="left",
    )
    ax.annotate(
        last.short_label(),
        xy=(x[-1], 0),
        xycoords=("data", "axes fraction"),
        xytext=(0, -9),
        textcoords="offset points",
        fontsize=6.5,
        color="#666666",
        ha="right",
    )
    ax.margins(x=0.03, y=0.15)
    return to_svg(fig, alt)


def _name_dots(ax, dots: list[tuple[float, float]], names: list[str], avoid: list) -> None:
    """Name each dot (axes fractions) beside it: right of it in the left two thirds, left of it
    otherwise; a name that would overlap a name placed before or a box of ``avoid`` (measured
    as drawn) moves down or up a line at a time, alternately, then to the other side, and
    rather not over another dot. A name moved off its dot gets a thin grey line to it, drawn
    under the names (each on a white halo), so no line strikes a name through."""
    renderer = renderer_of(ax)
    frame = ax.get_window_extent(renderer)
    centres = [ax.transAxes.transform(d) for d in dots]
    markers = [Bbox.from_extents(cx - 4, cy - 4, cx + 4, cy + 4) for cx, cy in centres]
    placed = list(avoid)
    line = 0.055
    for i, ((fx, fy), name) in enumerate(zip(dots, names, strict=True)):
        dots_near = [m for j, m in enumerate(markers) if j != i]
        sides = [fx > 0.66, fx <= 0.66]

        def candidates(fx=fx, fy=fy, name=name, dots_near=dots_near, sides=sides) -> Iterator[tuple[Text, float]]:
            for left, step in [(left, (k + 1) // 2 * (1 if k % 2 else -1)) for left in sides for k in range(30)]:
                ly = min(max(fy + step * line, line / 2), 1 - line / 2)
                text = ax.text(
                    fx - 0.012 if left else fx + 0.012,
                    ly,
                    name,
                    transform=ax.transAxes,
                    fontsize=7,
                    color="#222222",
                    ha="right" if left else "left",
                    va="center",
                    zorder=6,
                )
                own = text.get_window_extent(renderer).padded(1.0)
                cost = (
                    1000 * sum(1 for o in placed if overlaps(own, o))  # never over another name
                    + 100 * sum(1 for m in dots_near if overlaps(own, m))  # rather not over a dot
                    + (10000 if own.x0 < frame.x0 or own.x1 > frame.x1 else 0)
                    + abs(step)  # the nearest free line
                )
                yield text, cost

        best = cheapest(candidates())
        halo(best)  # the centre lines and leader lines do not strike a name through
        tx, ty = best.get_position()
        if abs(ty - fy) > 0.01:
            ax.plot([fx, tx], [fy, ty], transform=ax.transAxes, color="#888888", linewidth=0.5, zorder=3)
        placed.append(best.get_window_extent(renderer).padded(1.0))


@house_chart
def klok_chart(
    points: list[dict],
    alt: str,
    x_label: str,
    y_label: str,
    quadrant_labels: dict[str, str],
    clip: float = 3.0,
    lang: str = "nl",
) -> Chart:
    """The regional clock: one dot per indicator at (gap, change of the gap), both in standard
    deviations between regions and oriented so that right/up is more favourable, each named
    by its short title (no numbered key). Points beyond ``clip`` SD sit on the edge as a
    triangle, so one outlier does not squeeze the rest.

    ``points``: dicts with ``x``, ``y``, ``label`` and ``kind``.
    """
    fig = figure(figsize=(7.0, 3.9))
    ax = fig.add_axes((0.09, 0.14, 0.88, 0.83))
    xs = [min(abs(p["x"]), clip) for p in points] or [0.0]
    ys = [min(abs(p["y"]), clip) for p in points] or [0.0]
    lim_x = max(0.5, max(xs) * 1.25)
    lim_y = max(0.25, max(ys) * 1.3)
    shades = {  # after the CBS Conjunctuurklok: green, orange, red, yellow
        (1, 1): "#E3F2EC",
        (1, -1): "#FCEBD9",
        (-1, -1): "#F9E0D6",
        (-1, 1): "#FBF7D9",
    }
    for (sx, sy), colour in shades.items():
        ax.add_patch(Rectangle((0, 0), sx * lim_x, sy * lim_y, color=colour, zorder=0, linewidth=0))
    corners = {
        "ahead_growing": (1, 1),
        "ahead_shrinking": (1, -1),
        "behind_widening": (-1, -1),
        "behind_closing": (-1, 1),
    }
    ax.set_xlim(-lim_x, lim_x)
    ax.set_ylim(-lim_y, lim_y)
    corner_texts = []
    for key, (sx, sy) in corners.items():
        corner_texts.append(
            ax.annotate(
                quadrant_labels.get(key, key),
                xy=(sx * lim_x * 0.97, sy * lim_y * 0.94),
                fontsize=7.5,
                fontweight="bold",
                color="#555555",
                ha="right" if sx > 0 else "left",
                va="top" if sy > 0 else "bottom",
            )
        )
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.axvline(0, color="#999999", linewidth=0.8)
    shown = []
    for p in points:
        x = max(-lim_x * 0.98, min(lim_x * 0.98, p["x"]))
        y = max(-lim_y * 0.96, min(lim_y * 0.96, p["y"]))
        shown.append((x, y, (x, y) != (p["x"], p["y"])))
    # names beside the dots (no numbered key); a name moved off its dot gets a thin line to it
    frac = [((x + lim_x) / (2 * lim_x), (y + lim_y) / (2 * lim_y)) for x, y, _ in shown]
    for p, (x, y, clipped) in zip(points, shown, strict=True):
        ax.plot(
            [x],
            [y],
            "^" if clipped else "o",
            color=KIND_COLOURS.get(p["kind"], PALETTE["neutral"]),
            markersize=6,
            markeredgecolor="white",
            markeredgewidth=0.6,
            zorder=4,
        )
    renderer = renderer_of(ax)
    _name_dots(ax, frac, [p["label"] for p in points], [box(c, renderer) for c in corner_texts])
    ax.set_xlim(-lim_x, lim_x)
    ax.set_ylim(-lim_y, lim_y)
    value_axis(ax, "x", "number", 2, lang, max_ticks=5)
    value_axis(ax, "y", "number", 2, lang, max_ticks=5)
    ax.set_xlabel(x_label, fontsize=7.5)
    ax.set_ylabel(y_label, fontsize=7.5)
    ax.grid(False)
    return to_svg(fig, alt)


@house_chart
def sensitivity_chart(
    table: pd.DataFrame,
    focus: str,
    names: dict[str, str],
    alt: str,
    x_label: str,
    base_label: str,
    range_label: str,
    lang: str = "nl",
) -> Chart:
    """Rank ranges of every region over the compass variants (JRC-style uncertainty chart).

    ``table``: one row per region with ``base``, ``low``, ``high`` (ranks), sorted by base.
    """
    t = table.sort_values("base")
    n = len(t)
    fig = figure(figsize=(7.0, max(3.0, 0.16 * n + 0.8)))
    ax = fig.subplots()
    y = np.arange(n)[::-1]
    for yi, (code, row) in zip(y, t.iterrows(), strict=True):
        is_focus = code == focus
        colour = PALETTE["focus"] if is_focus else PALETTE["peer"]
        ax.plot(
            [row["low"], row["high"]],
            [yi, yi],
            color=colour,
            linewidth=3.2 if is_focus else 2.2,
            solid_capstyle="round",
            zorder=2,
        )
        ax.plot(
            [row["base"]],
            [yi],
            "o",
            color=PALETTE["focus"] if is_focus else PALETTE["national"],
            markersize=5 if is_focus else 3.5,
            zorder=3,
        )
    ax.set_yticks(y)
    ax.set_yticklabels([names.get(c, c) for c in t.index], fontsize=6.8)
    for label, code in zip(ax.get_yticklabels(), t.index, strict=True):
        if code == focus:
            label.set_fontweight("bold")
            label.set_color(PALETTE["focus"])
    ax.set_xlim(0.5, n + 0.5)
    ticks = [1] + list(range(5, n + 1, 5))
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt.number(v, 0, lang) for v in ticks])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(x_label)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.plot([], [], "o", color=PALETTE["national"], markersize=3.5, label=base_label)
    ax.plot([], [], color=PALETTE["peer"], linewidth=2.2, label=range_label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=7.5)
    ax.set_ylim(-0.8, n - 0.2)
    return to_svg(fig, alt)
