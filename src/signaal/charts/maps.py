"""Maps of the focus region's municipalities.

With real boundaries (the PDOK cache, see ``signaal data boundaries``, else the boundaries
bundled with Signaal, see :mod:`signaal.store.geo`) a choropleth is drawn with geopandas;
classes are quantiles (see :func:`classify`), the legend shows the class bounds in Dutch number
style and the boundary source is named. Without boundaries (a package without its bundled
files) a tile map is drawn instead: one square per municipality placed by its location,
clearly labelled as schematic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.patches import Patch, Rectangle

from .. import formatting as fmt
from ..text import t
from .base import Chart, figure, house_chart, to_svg
from .labels import place_point_labels

CMAP = "Blues"
# a municipality's name: on its area, else nudged up, down or sideways (points)
MAP_OFFSETS = ((0, 0), (0, 5), (0, -5), (7, 0), (-7, 0), (0, 9), (0, -9), (8, 6), (-8, 6), (8, -6), (-8, -6))


def classify(values: pd.Series, k: int = 5) -> tuple[np.ndarray, list[float]]:
    """Class index per value and the upper bounds of the classes: quantile classes (about as
    many municipalities in each class), the usual choice for a handful of areas.

    numpy does this directly; mapclassify would add more than a second of imports to every
    notebook for the same classes.
    """
    v = values.to_numpy(dtype=float)
    distinct = np.unique(v)
    k = max(1, min(k, len(distinct)))
    bins = np.unique(np.quantile(v, np.linspace(0, 1, k + 1)[1:], method="inverted_cdf"))
    bins[-1] = v.max()
    classes = np.searchsorted(bins, v, side="left")
    return classes, [float(b) for b in bins]


def legend_labels(bins: list[float], low: float, unit: str, decimals: int, lang: str) -> list[str]:
    out, prev = [], low
    for b in bins:
        out.append(f"{fmt.value(prev, unit, decimals, lang)} – {fmt.value(b, unit, decimals, lang)}")
        prev = b
    return out


def _colours(n: int) -> list[str]:
    import matplotlib

    cmap = matplotlib.colormaps[CMAP]
    return [to_hex(cmap(0.25 + 0.7 * i / max(n - 1, 1))) for i in range(n)]


def _legend_below(ax, handles, fontsize: float, title: str | None = None) -> None:
    leg = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.04),
        fontsize=fontsize - 0.5,
        frameon=False,
        handlelength=1.0,
        handleheight=1.0,
        ncol=min(3, len(handles)),
        columnspacing=0.8,
        title=title,
        title_fontsize=fontsize - 1.5,
    )
    if title:
        leg.get_title().set_color("#777777")


def draw_choropleth(
    ax,
    gdf,
    values: pd.Series,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    fontsize: float = 7.0,
    source: str | None = None,
) -> None:
    """Municipalities (or any regions of ``gdf``) coloured by ``values``; ``source`` names the
    boundaries in the corner (default: the PDOK cache's wording)."""
    shapes = gdf[gdf["code"].isin(values.index)].copy()
    if shapes.crs is not None and shapes.crs.to_epsg() != 28992:
        shapes = shapes.to_crs(28992)
    shapes["value"] = shapes["code"].map(values)
    known = shapes["value"].notna()
    classes, bins = classify(shapes.loc[known, "value"]) if known.any() else (np.array([]), [])
    colours = _colours(len(bins))
    shapes["colour"] = "#E6E6E6"
    shapes.loc[known, "colour"] = [colours[i] for i in classes]
    shapes.plot(ax=ax, color=shapes["colour"], edgecolor="white", linewidth=0.6)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.apply_aspect()  # the final limits, so that the names are placed where they will be drawn
    anchors = []
    for _, row in shapes.iterrows():
        p = row.geometry.representative_point()
        anchors.append((p.x, p.y, names.get(row["code"], row["code"])))
    # each name on its area where it fits, else just beside it; dark on a white halo reads on every class
    place_point_labels(
        ax, anchors, offsets=MAP_OFFSETS, marker_px=0.0, inside=False, fontsize=fontsize - 1, color="#222222"
    )
    if bins:
        labels = legend_labels(bins, float(shapes.loc[known, "value"].min()), unit, decimals, lang)
        handles = [Patch(facecolor=c, edgecolor="none", label=lab) for c, lab in zip(colours, labels, strict=True)]
        if not known.all():
            handles.append(Patch(facecolor="#E6E6E6", label=t("chart_no_data", lang)))
        _legend_below(ax, handles, fontsize)
    ax.annotate(
        source or t("chart_boundary_source", lang),
        xy=(1, 0),
        xycoords="axes fraction",
        fontsize=fontsize - 1,
        color="#777777",
        xytext=(0, 2),
        textcoords="offset points",
        va="bottom",
        ha="right",
    )


def tile_positions(points: dict[str, tuple[float, float]]) -> dict[str, tuple[int, int]]:
    """Place each region on a grid cell near its location (greedy, nearest free cell)."""
    if not points:
        return {}
    codes = list(points)
    xy = np.array([points[c] for c in codes], dtype=float)
    n = len(codes)
    span_x = np.ptp(xy[:, 0]) or 1.0
    span_y = np.ptp(xy[:, 1]) or 1.0
    cols = max(1, round(math.sqrt(n * span_x / span_y) + 0.5))
    rows = max(1, math.ceil(n / cols) + 1)
    gx = (xy[:, 0] - xy[:, 0].min()) / span_x * (cols - 1)
    gy = (xy[:, 1] - xy[:, 1].min()) / span_y * (rows - 1)
    centre = np.array([gx.mean(), gy.mean()])
    order = np.argsort(np.hypot(gx - centre[0], gy - centre[1]))
    taken: set[tuple[int, int]] = set()
    out: dict[str, tuple[int, int]] = {}
    for i in order:
        best, best_d = None, None
        for cx in range(-1, cols + 1):
            for cy in range(-1, rows + 1):
                if (cx, cy) in taken:
                    continue
                d = (cx - gx[i]) ** 2 + (cy - gy[i]) ** 2
                if best_d is None or d < best_d:
                    best, best_d = (cx, cy), d
        assert best is not None  # the grid has more cells than regions, so one is always free
        taken.add(best)
        out[codes[i]] = best
    return out


def draw_tiles(
    ax,
    values: pd.Series,
    points: dict[str, tuple[float, float]],
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    fontsize: float = 7.0,
) -> None:
    cells = tile_positions(points)
    known = values.dropna()
    classes, bins = classify(known) if len(known) else (np.array([]), [])
    colours = _colours(len(bins))
    colour_of = {c: colours[k] for c, k in zip(known.index, classes, strict=True)}
    for code, (cx, cy) in cells.items():
        colour = colour_of.get(code, "#E6E6E6")
        ax.add_patch(Rectangle((cx - 0.46, cy - 0.46), 0.92, 0.92, facecolor=colour, edgecolor="white", linewidth=1))
        dark = colour in colours[-2:]
        name = names.get(code, code).replace(" (O.)", "")
        short = (
            name.replace("-", "-\n", 1)
            if len(name) > 10 and "-" in name
            else (name if len(name) <= 11 else name[:10] + ".")
        )
        value = values.get(code)
        label = (
            f"{short}\n{fmt.value(value, unit, decimals, lang)}" if value is not None and not pd.isna(value) else short
        )
        ax.text(
            cx,
            cy,
            label,
            ha="center",
            va="center",
            fontsize=fontsize - 1.8,
            color="white" if dark else "#222222",
            linespacing=1.05,
        )
    xs = [c[0] for c in cells.values()]
    ys = [c[1] for c in cells.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if bins:
        labels = legend_labels(bins, float(known.min()), unit, decimals, lang)
        handles = [Patch(facecolor=c, edgecolor="none", label=lab) for c, lab in zip(colours, labels, strict=True)]
        _legend_below(ax, handles, fontsize, title=t("chart_tile_note", lang))


@house_chart
def choropleth(
    gdf,
    values: pd.Series,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    title: str = "",
    source: str | None = None,
) -> Chart:
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.subplots()
    draw_choropleth(ax, gdf, values, names, unit, decimals, lang, fontsize=8, source=source)
    return to_svg(fig, title)


@house_chart
def tiles(
    values: pd.Series,
    points: dict[str, tuple[float, float]],
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    title: str = "",
) -> Chart:
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.subplots()
    draw_tiles(ax, values, points, names, unit, decimals, lang, fontsize=8)
    return to_svg(fig, title)
