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


def _title(ax, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=9, fontweight="semibold", color="#333333", pad=14)


@house_chart
def topic_chart(
    main: Panel, panels: list[Panel], alt: str, main_height: float = 2.9, panel_height: float = 2.7
) -> Chart:
    panels = panels[:2]
    if not panels:
        fig = figure(figsize=(7.0, main_height + 0.4))
        ax = fig.subplots()
        _title(ax, main.title)
        main.draw(ax)
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
    _title(ax, main.title)
    main.draw(ax)
    for i, panel in enumerate(panels):
        pax = fig.add_subplot(gs[1, i])
        _title(pax, panel.title)
        panel.draw(pax)
    return to_svg(fig, alt)
