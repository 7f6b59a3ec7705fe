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


@dataclass
class Panel:
    title: str
    draw: Callable  # draw(ax) -> None
    weight: float = 1.0  # relative width when two panels share the row


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
