"""Series over time: the focus region against the Netherlands, its province and peers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..periods import Period
from ..text import t
from .base import PALETTE, Chart, figure, house_chart, to_svg
from .labels import halo, renderer_of
from .ticks import floor_at_zero, value_axis


def x_positions(index) -> tuple[np.ndarray, list[Period]]:
    """Periods as fractional years (2024Q3 → 2024.5), so all frequencies share one axis."""
    periods = [Period.parse(p) for p in index]
    return np.array([p.year + (max(p.num, 1) - 1) / p.per_year for p in periods], dtype=float), periods


def year_ticks(ax, periods: list[Period], max_ticks: int = 8) -> None:
    years = sorted({p.year for p in periods})
    step = max(1, int(np.ceil(len(years) / max_ticks)))
    ticks = [y for y in years if (years[-1] - y) % step == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])


def label_ends(
    ax, items: list[tuple[float, float, str, str, bool]], unit: str, decimals: int, lang: str, fontsize: float = 8
) -> None:
    """Direct labels right of the line ends, nudged apart so that they never overlap (at least
    one line of text apart on the page, whatever the height of the axes), on a white halo.

    ``items``: (x_end, y, label, colour, bold).
    """
    if not items:
        return
    ymin, ymax = ax.get_ylim()
    height_px = max(ax.get_window_extent(renderer_of(ax)).height, 1.0)
    line_px = fontsize * 1.55 * ax.figure.dpi / 72.0
    gap = (ymax - ymin) * line_px / height_px
    items = sorted(items, key=lambda i: i[1])
    placed: list[float] = []
    for _, y, *_ in items:
        placed.append(y if not placed else max(y, placed[-1] + gap))
    overflow = placed[-1] - (ymax - gap * 0.5)
    if overflow > 0:
        placed = [p - overflow for p in placed]
    x_text = max(i[0] for i in items)
    span = ax.get_xlim()[1] - ax.get_xlim()[0]
    for (x_end, y, text, colour, bold), pos in zip(items, placed, strict=True):
        halo(
            ax.annotate(
                f"{text} {fmt.value(y, unit, decimals, lang)}",
                xy=(x_end, y),
                xytext=(x_text + span * 0.012, pos),
                textcoords="data",
                ha="left",
                va="center",
                fontsize=fontsize,
                color=colour,
                fontweight="bold" if bold else "normal",
                annotation_clip=False,
            )
        )


SCALE_GAP = 5.0  # counts whose lines lie this many times apart cannot share one axis as levels


def comparable(table: pd.DataFrame, codes: list[str | None], unit: str) -> pd.DataFrame | None:
    """The table as an index (its first period = 100) when its lines are counts of very
    different size — 18 million inhabitants of the Netherlands against 640 thousand of Twente
    on one axis leave the region a flat line at the bottom — else None (levels are fine)."""
    if unit != "count" or table.empty:
        return None
    ends = [abs(float(table[c].dropna().iloc[-1])) for c in codes if c and c in table and table[c].notna().any()]
    ends = [e for e in ends if e > 0]
    if len(ends) < 2 or max(ends) / min(ends) < SCALE_GAP:
        return None
    return table / table.iloc[0].replace(0, np.nan) * 100


def draw_line(
    ax,
    table: pd.DataFrame,
    focus: str,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    national: str | None = None,
    province: str | None = None,
    peers: list[str] | None = None,
    breaks: list[str] | None = None,
    target: float | None = None,
    label_room: float = 0.24,
    min_span: float | None = None,
    companion: str | None = None,
) -> None:
    """Lines over time. ``min_span`` keeps small moves from looking dramatic (a mark out of
    10 that moves 0,3 should not fill the whole height). Counts of regions of very different
    size are drawn as an index (:func:`comparable`), and the value axis says so. ``companion``:
    a column drawn as a thin dotted line in the focus colour and labelled at its end (the
    nominal amount beside a series in real terms)."""
    indexed = comparable(table, [focus, national, province, *(peers or [])], unit)
    if indexed is not None:
        table, unit, decimals, min_span = indexed, "index", 0, None
        first = Period.parse(table.index[0]).short_label()
        ax.set_ylabel(t("chart_index_axis", lang, first=first), fontsize=8, color="#555555")
    x, periods = x_positions(table.index)
    ends = []
    drew_peer = False
    for peer in peers or []:
        if peer in table and table[peer].notna().any():
            ax.plot(x, table[peer].to_numpy(), color=PALETTE["peer"], linewidth=0.8, zorder=1)
            drew_peer = True
    for code, colour, style, width in (
        (province, PALETTE["province"], "-", 1.3),
        (national, PALETTE["national"], "--", 1.4),
        (companion, PALETTE["focus"], ":", 1.3),
        (focus, PALETTE["focus"], "-", 2.4),
    ):
        if not code or code not in table or not table[code].notna().any():
            continue
        if code == focus and code in (province, national) and colour != PALETTE["focus"]:
            continue  # the focus itself (a national-only indicator): one line, one label
        s = table[code]
        ax.plot(x, s.to_numpy(), color=colour, linestyle=style, linewidth=width, zorder=3 if code == focus else 2)
        last = s.last_valid_index()
        xi = x[list(table.index).index(last)]
        if code == focus:
            ax.plot([xi], [s[last]], "o", color=colour, markersize=4, zorder=4)
        ends.append((xi, float(s[last]), names.get(code, code), colour, code == focus))
    if drew_peer:
        ax.plot([], [], color=PALETTE["peer"], linewidth=0.9, label=names.get("_peers", "peers"))
        # above the axes, in the margin under the panel's title: never on a line end's name
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), handlelength=1.6, fontsize=8, borderaxespad=0.1)
    for b in breaks or []:
        p = Period.parse(b)
        bx = p.year - (0.5 if periods and periods[0].freq == "Y" else 0.0)
        if x.min() < bx <= x.max():
            ax.axvline(bx, color=PALETTE["neutral"], linewidth=0.8, linestyle=":", zorder=0)
            label = ax.annotate(
                names.get("_break", "break"),
                xy=(bx, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                fontsize=7.5,
                color="#666666",
                va="top",
            )
            halo(label)
    if target is not None:
        ax.axhline(target, color=PALETTE["accent"], linewidth=1.0, linestyle="-.")
    value_axis(ax, "y", unit, decimals, lang)
    year_ticks(ax, periods)
    span = max(x.max() - x.min(), 1.0)
    # room left of the first year, so that its label does not run into the value axis's labels
    ax.set_xlim(x.min() - span * 0.035, x.max() + span * label_room)
    ax.margins(y=0.12)
    if min_span:
        lo, hi = ax.get_ylim()
        if hi - lo < min_span:
            mid = (hi + lo) / 2
            ax.set_ylim(mid - min_span / 2, mid + min_span / 2)
    floor_at_zero(ax, "y", float(np.nanmin(table.to_numpy(dtype=float))) if table.notna().any().any() else None)
    label_ends(ax, ends, unit, decimals, lang)


@house_chart
def line(
    table: pd.DataFrame,
    focus: str,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    title: str = "",
    **kw,
) -> Chart:
    """A single line chart (see :func:`draw_line`)."""
    fig = figure()
    ax = fig.subplots()
    draw_line(ax, table, focus, names, unit, decimals, lang, **kw)
    return to_svg(fig, title)


BAND_SHADES = ["#EEF2F6", "#DCE8F2", "#FFFFFF", "#FBEBDD", "#F5D6C0"]


def draw_band(
    ax,
    table: pd.DataFrame,
    focus: str,
    names: dict[str, str],
    bands: dict[str, float],
    band_labels: dict[str, str],
    decimals: int,
    lang: str = "nl",
    national: str | None = None,
) -> None:
    """A ratio over time on labelled background bands (e.g. the UWV tension classes)."""
    x, periods = x_positions(table.index)
    edges = sorted(bands.items(), key=lambda kv: kv[1])
    top = max(float(np.nanmax(table.to_numpy())) * 1.18, edges[-1][1] * 1.05 if edges else 1.0)
    lower = 0.0
    keys = [k for k, _ in edges] + [k for k in band_labels if k not in bands][:1]
    uppers = [v for _, v in edges] + [top]
    for i, (key, upper) in enumerate(zip(keys, uppers, strict=False)):
        hi = min(upper, top)
        if lower >= top:
            break
        ax.axhspan(lower, hi, color=BAND_SHADES[i % len(BAND_SHADES)], zorder=0, linewidth=0)
        if (hi - lower) > top * 0.07:  # label only bands tall enough to hold one
            band_label = ax.annotate(
                band_labels.get(key, key),
                xy=(0.008, (lower + hi) / 2),
                xycoords=("axes fraction", "data"),
                fontsize=7.5,
                color="#6b6b6b",
                va="center",
            )
            halo(band_label)
        lower = upper
    ends = []
    for code, colour, style, width in ((national, PALETTE["national"], "--", 1.4), (focus, PALETTE["focus"], "-", 2.4)):
        if code and code in table and table[code].notna().any():
            s = table[code]
            ax.plot(x, s.to_numpy(), color=colour, linestyle=style, linewidth=width, zorder=3)
            last = s.last_valid_index()
            ends.append(
                (x[list(table.index).index(last)], float(s[last]), names.get(code, code), colour, code == focus)
            )
    ax.set_ylim(0, top)
    value_axis(ax, "y", "ratio", max(decimals, 1), lang)
    year_ticks(ax, periods)
    span = max(x.max() - x.min(), 1.0)
    ax.set_xlim(x.min() - span * 0.035, x.max() + span * 0.24)
    ax.grid(False)
    label_ends(ax, ends, "ratio", decimals, lang)


@house_chart
def band(
    table: pd.DataFrame,
    focus: str,
    names: dict[str, str],
    bands: dict[str, float],
    band_labels: dict[str, str],
    decimals: int,
    lang: str = "nl",
    national: str | None = None,
    title: str = "",
) -> Chart:
    fig = figure()
    ax = fig.subplots()
    draw_band(ax, table, focus, names, bands, band_labels, decimals, lang, national)
    return to_svg(fig, title)


def draw_columns(ax, series: pd.Series, unit: str, decimals: int, lang: str = "nl", average_label: str = "") -> None:
    """A flow per period as columns (the focus region), with its moving yearly average."""
    s = series.dropna()
    x, periods = x_positions(s.index)
    per_year = periods[-1].per_year if periods else 1
    width = 0.8 / per_year
    ax.bar(x, s.to_numpy(), width=width, color=PALETTE["focus"], alpha=0.85, zorder=2)
    if len(s) >= per_year > 1:
        avg = s.rolling(per_year).mean()
        ax.plot(x, avg.to_numpy(), color=PALETTE["national"], linewidth=1.4, zorder=3, label=average_label)
        ax.legend(loc="upper left", fontsize=8)
    halo(
        ax.annotate(
            fmt.value(float(s.iloc[-1]), unit, decimals, lang),
            xy=(x[-1], s.iloc[-1]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color=PALETTE["focus"],
            fontweight="bold",
        )
    )
    value_axis(ax, "y", unit, decimals, lang)
    year_ticks(ax, periods)
    ax.set_xlim(x.min() - width, x.max() + width)
    ax.set_ylim(0, float(s.max()) * 1.18)
