"""Charts in one house style: one function per chart, SVG out, alt text included.

The style file ``signaal.mplstyle`` sets fonts, grid and sizes; :data:`PALETTE` is the
Okabe–Ito colour-blind-safe palette. The focus region is always the strong blue line or bar,
the Netherlands dark grey and dashed, the province orange, peers light grey. Every chart
function returns a :class:`Chart` (SVG text plus alt text), which a topic page embeds.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .. import formatting as fmt  # noqa: E402
from ..periods import Period  # noqa: E402

PALETTE = {
    "focus": "#0072B2",      # blue
    "national": "#333333",   # near black
    "province": "#E69F00",   # orange
    "peer": "#B8B8B8",       # light grey
    "accent": "#D55E00",     # vermillion: highlights, targets
    "good": "#009E73",       # bluish green
    "bad": "#D55E00",
    "neutral": "#999999",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
}
FONT_FILES = sorted((Path(str(resources.files("signaal"))) / "publish" / "fonts").glob("*.ttf"))
STYLE = str(resources.files("signaal") / "charts" / "signaal.mplstyle")
_registered = False


def use_house_style() -> None:
    """Register the bundled fonts and apply the style file (idempotent)."""
    global _registered
    if not _registered:
        for f in FONT_FILES:
            font_manager.fontManager.addfont(str(f))
        _registered = True
    plt.style.use(STYLE)


@dataclass
class Chart:
    svg: str
    alt: str

    def _repr_svg_(self) -> str:  # shows in JupyterLab too
        return self.svg


def to_svg(fig, alt: str) -> Chart:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    # unique ids per chart, so that several inline SVGs in one page do not clash
    token = f"c{zlib.crc32(svg.encode()):08x}"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{token}{m.group(1)}"', svg)
    svg = re.sub(r'#([A-Za-z_][\w.-]*)\)', lambda m: f"#{token}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{token}{m.group(1)}"', svg)
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return Chart(svg=svg, alt=alt)


def _x_positions(index) -> tuple[np.ndarray, list[Period]]:
    periods = [Period.parse(p) for p in index]
    return np.array([p.ordinal / p.per_year for p in periods]), periods


def _label_ends(ax, items: list[tuple[float, str, str, bool]], unit: str, decimals: int, lang: str, x_end: float) -> None:
    """Direct labels at the right end of lines, nudged apart so they do not overlap."""
    if not items:
        return
    ymin, ymax = ax.get_ylim()
    min_gap = (ymax - ymin) * 0.075
    items = sorted(items, key=lambda i: i[0])
    placed: list[float] = []
    for y, _, _, _ in items:
        pos = y if not placed else max(y, placed[-1] + min_gap)
        placed.append(pos)
    # shift down if the top label left the axes
    overflow = placed[-1] - (ymax - min_gap * 0.2)
    if overflow > 0:
        placed = [p - overflow for p in placed]
    for (y, text, colour, bold), pos in zip(items, placed):
        ax.annotate(
            f"{text} {fmt.value(y, unit, decimals, lang)}",
            xy=(x_end, y), xytext=(x_end, pos), textcoords="data",
            xycoords="data", ha="left", va="center", fontsize=8.5, color=colour,
            fontweight="bold" if bold else "normal",
            annotation_clip=False,
        )


def line(
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
    title: str = "",
    target: float | None = None,
) -> Chart:
    """Focus region against the Netherlands, its province and peers over time."""
    use_house_style()
    fig, ax = plt.subplots()
    x, periods = _x_positions(table.index)
    labels_at_end = []
    for code in peers or []:
        if code in table and table[code].notna().any():
            ax.plot(x, table[code].to_numpy(), color=PALETTE["peer"], linewidth=0.9, zorder=1)
    for code, colour, style, width, bold in (
        (province, PALETTE["province"], "-", 1.3, False),
        (national, PALETTE["national"], "--", 1.4, False),
        (focus, PALETTE["focus"], "-", 2.4, True),
    ):
        if code and code in table and table[code].notna().any():
            s = table[code]
            ax.plot(x, s.to_numpy(), color=colour, linestyle=style, linewidth=width, zorder=3 if code == focus else 2)
            last = s.last_valid_index()
            if code == focus:
                ax.plot([x[list(table.index).index(last)]], [s[last]], "o", color=colour, markersize=4, zorder=4)
            labels_at_end.append((float(s[last]), names.get(code, code), colour, bold))
    if peers:
        ax.plot([], [], color=PALETTE["peer"], linewidth=0.9, label=names.get("_peers", "peers"))
        ax.legend(loc="upper left", bbox_to_anchor=(0, 1.02), handlelength=1.6)
    for b in breaks or []:
        p = Period.parse(b)
        bx = (p.ordinal / p.per_year) - 0.5 / p.per_year if periods and periods[0].freq == "Y" else p.start().year
        if x.min() < bx < x.max() + 1:
            ax.axvline(bx, color=PALETTE["neutral"], linewidth=0.8, linestyle=":", zorder=0)
            ax.annotate(names.get("_break", "break"), xy=(bx, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, -2), textcoords="offset points", fontsize=7.5, color="#666666", va="top")
    if target is not None:
        ax.axhline(target, color=PALETTE["accent"], linewidth=1.0, linestyle="-.")
    ax.yaxis.set_major_formatter(fmt.axis_formatter(unit, decimals, lang))
    # x ticks: years
    years = sorted({p.year for p in periods})
    step = 1 if len(years) <= 8 else 2
    ticks = [y for y in years if (y - years[0]) % step == 0]
    freq = periods[0].freq if periods else "Y"
    if freq == "Y":
        ax.set_xticks(ticks)
    else:
        ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])
    x_end = x.max() + (0.25 if freq == "Y" else 0.15)
    ax.set_xlim(x.min() - 0.2, x.max() + 0.2)
    ax.margins(y=0.12)
    _label_ends(ax, labels_at_end, unit, decimals, lang, x_end)
    fig.subplots_adjust(right=0.78)
    alt = title
    return to_svg(fig, alt)


def bars(
    values: pd.Series,
    names: dict[str, str],
    unit: str,
    decimals: int,
    lang: str = "nl",
    reference: dict[str, float] | None = None,
    highlight: str | None = None,
    title: str = "",
    higher_is_better: bool | None = None,
) -> Chart:
    """Horizontal bars (e.g. the municipalities of the focus region), sorted, with reference lines."""
    use_house_style()
    s = values.dropna().sort_values()
    height = max(2.2, 0.22 * len(s) + 0.7)
    fig, ax = plt.subplots(figsize=(7.0, height))
    colours = [PALETTE["focus"] if code != highlight else PALETTE["accent"] for code in s.index]
    y = np.arange(len(s))
    ax.barh(y, s.to_numpy(), color=colours, height=0.68, zorder=2)
    ax.set_yticks(y)
    ax.set_yticklabels([names.get(c, c) for c in s.index])
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_formatter(fmt.axis_formatter(unit, decimals, lang))
    span = float(s.max() - min(0, s.min())) or 1.0
    for yi, v in zip(y, s.to_numpy()):
        ax.text(v + span * 0.01, yi, fmt.value(v, unit, decimals, lang), va="center", fontsize=8, color="#333333")
    styles = [("--", PALETTE["national"]), (":", PALETTE["province"]), ("-.", PALETTE["accent"])]
    for (label, ref), (ls, colour) in zip((reference or {}).items(), styles):
        if ref is None or np.isnan(ref):
            continue
        ax.axvline(ref, color=colour, linestyle=ls, linewidth=1.2, zorder=3, label=f"{label} {fmt.value(ref, unit, decimals, lang)}")
    if reference:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=8)
    ax.set_xlim(min(0, s.min() * 1.05), s.max() + span * 0.14)
    ax.tick_params(axis="y", length=0)
    return to_svg(fig, title)


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
    """A ratio over time on coloured bands (e.g. the UWV labour-market tension classes)."""
    use_house_style()
    fig, ax = plt.subplots()
    x, periods = _x_positions(table.index)
    edges = sorted(bands.items(), key=lambda kv: kv[1])
    top = max(float(np.nanmax(table.to_numpy())) * 1.15, edges[-1][1] * 1.05 if edges else 1)
    shades = ["#F2F2F2", "#E6EEF5", "#FFFFFF", "#FBEFE0", "#F6DCC8"]
    lower = 0.0
    names_order = [k for k, _ in edges] + ["zeer_krap"]
    bounds = [v for _, v in edges] + [top]
    for i, (key, upper) in enumerate(zip(names_order, bounds)):
        ax.axhspan(lower, min(upper, top), color=shades[i % len(shades)], zorder=0, linewidth=0)
        mid = (lower + min(upper, top)) / 2
        if lower < top:
            ax.annotate(band_labels.get(key, key), xy=(0.005, mid), xycoords=("axes fraction", "data"),
                        fontsize=7.5, color="#777777", va="center")
        lower = upper
    items = []
    for code, colour, style, width in ((national, PALETTE["national"], "--", 1.4), (focus, PALETTE["focus"], "-", 2.4)):
        if code and code in table and table[code].notna().any():
            s = table[code]
            ax.plot(x, s.to_numpy(), color=colour, linestyle=style, linewidth=width, zorder=3)
            last = s.last_valid_index()
            items.append((float(s[last]), names.get(code, code), colour, code == focus))
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(fmt.axis_formatter("ratio", 1, lang))
    years = sorted({p.year for p in periods})
    ticks = [y for y in years if (y - years[0]) % 2 == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])
    ax.set_xlim(x.min() - 0.2, x.max() + 0.2)
    ax.grid(False)
    _label_ends(ax, items, "ratio", decimals, lang, x.max() + 0.15)
    fig.subplots_adjust(right=0.78)
    return to_svg(fig, title)
