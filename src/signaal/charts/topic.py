"""The figure of a topic page: the series over time on top, comparisons beneath.

One figure (one SVG) per page: the main panel shows the focus region against the Netherlands,
its province and peers over time; up to two panels below compare at the latest period — the
municipalities side by side (bars or a map) and the rank among the 40 COROP regions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.gridspec import GridSpec

from .base import Chart, figure, house_chart, to_svg
from .ticks import fit_ticks


@dataclass
class Panel:
    title: str
    draw: Callable  # draw(ax) -> None
    weight: float = 1.0  # relative width when two panels share the row
    rank: bool = False  # the rank among all regions of the level (the compact figure keeps it)


TITLE_PAD = 14.0  # points between a panel's title and its axes


def _title(ax, text: str) -> None:
    """The panel's title above the axes, and above anything the panel put in the margin over
    its axes (a legend naming the reference lines), so that the two never overlap."""
    pad = TITLE_PAD
    legend = ax.get_legend()
    if legend is not None:
        renderer = ax.figure.canvas.get_renderer()
        top = ax.get_window_extent(renderer).y1
        above = legend.get_window_extent(renderer).y1 - top
        if above > 0:
            pad = max(pad, above * 72.0 / ax.figure.dpi + 4.0)
    ax.set_title(text, loc="left", fontsize=9, fontweight="semibold", color="#333333", pad=pad)


@house_chart
def topic_chart(
    main: Panel, panels: list[Panel], alt: str, main_height: float = 2.9, panel_height: float = 2.7
) -> Chart:
    panels = panels[:2]
    if not panels:
        fig = figure(figsize=(7.0, main_height + 0.4))
        ax = fig.subplots()
        main.draw(ax)
        _title(ax, main.title)
        return to_svg(fig, alt)

    fig = figure(figsize=(7.0, main_height + panel_height + 0.9))
    widths = [p.weight for p in panels] if len(panels) == 2 else [1.0]
    gs = GridSpec(
        2,
        len(panels),
        figure=fig,
        height_ratios=[main_height, panel_height],
        width_ratios=widths,
        hspace=0.55,
        wspace=0.42,
    )
    ax = fig.add_subplot(gs[0, :])
    main.draw(ax)
    _title(ax, main.title)
    for i, panel in enumerate(panels):
        pax = fig.add_subplot(gs[1, i])
        panel.draw(pax)
        _title(pax, panel.title)
    return to_svg(fig, alt)


COMPACT_HEIGHT = 2.2  # inches: the figure of a topic in the board pack, two topics to a page


def side_panel(panels: list[Panel]) -> Panel | None:
    """The comparison a compact figure keeps: the rank among all regions where there is one
    (what the board weighs), else the first comparison."""
    ranked = [p for p in panels if p.rank]
    return ranked[0] if ranked else (panels[0] if panels else None)


@house_chart
def compact_chart(main: Panel, side: Panel | None, alt: str, height: float = COMPACT_HEIGHT) -> Chart:
    """The figure of a topic in the board pack, where related topics share a page: the series
    over time with one comparison beside it (:func:`side_panel`), at the same type size as the
    full figure, less than half a page high."""
    fig = figure(figsize=(7.0, height))
    if side is None:
        ax = fig.subplots()
        main.draw(ax)
        _title(ax, main.title)
        return to_svg(fig, alt)
    bottom, top = 0.16, 0.80
    ax = fig.add_axes((0.07, bottom, 0.54, top - bottom))
    main.draw(ax)
    _title(ax, main.title)
    sax = fig.add_axes((0.70, bottom, 0.25, top - bottom))
    side.draw(sax)
    _title(sax, side.title)
    _side_by_side(fig, ax, sax)
    for a in (ax, sax):
        fit_ticks(a)
    return to_svg(fig, alt)


def _side_by_side(fig, ax, sax, side_width: float = 0.3, gap: float = 0.03) -> None:
    """Lay the two panels out across the figure so that neither's labels run into the other's:
    the main panel's line-end names on its right, the side panel's value axis on its left and
    a reference line's name in its right margin. The side panel keeps ``side_width`` of the
    figure; the main panel takes what is left."""
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width
    for _ in range(3):  # the line ends' names stay put in points while the panel narrows: measure again
        m_box, m_tight = ax.get_position(), ax.get_tightbbox(renderer)
        s_box, s_tight = sax.get_position(), sax.get_tightbbox(renderer)
        m_left, m_right = m_box.x0 - m_tight.x0 / width, m_tight.x1 / width - m_box.x1
        s_left, s_right = s_box.x0 - s_tight.x0 / width, s_tight.x1 / width - s_box.x1
        x0 = max(m_left, 0.0) + 0.005
        main_width = 1.0 - x0 - m_right - gap - s_left - side_width - s_right
        if main_width < 0.3:  # very long labels: share the room instead
            main_width = side_width = (1.0 - x0 - m_right - gap - s_left - s_right) / 2
        ax.set_position((x0, m_box.y0, main_width, m_box.height))
        sax.set_position((x0 + main_width + m_right + gap + s_left, s_box.y0, side_width, s_box.height))
