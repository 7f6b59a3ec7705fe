"""What a careful reader checks on a chart, as code: every tick label is the exact value of its
tick in Dutch (or English) number style, one number of decimals per axis, and no label box
overlaps another.

:func:`problems` reads a drawn figure (tick positions and labels, the boxes the renderer gives
every text); :func:`inspecting` runs a check on every chart a block of code draws (the chart
functions call :func:`signaal.charts.base.to_svg`, which hands each figure to the inspectors).
The tests render every chart of the sample with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.text import Text

from . import base

_LETTERS = re.compile(r"[^\W\d_]")
_NUMBER = {
    "nl": re.compile(r"^−?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"),
    "en": re.compile(r"^−?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"),
}
_OVERLAP_PX = 0.75  # boxes that touch by less than this (rounding of the renderer) do not overlap


@dataclass
class Label:
    text: str
    where: str  # which axes or figure part it belongs to, for the message
    box: object  # matplotlib Bbox in display pixels


def parse_number(label: str, lang: str = "nl") -> float | None:
    """The value a tick label shows (``"€ 40.000"`` → 40000, ``"−0,5"`` → -0.5, ``"72,5%"``
    → 72.5), or None when the label is not a number in the language's style."""
    core = label.replace("€", "").replace("%", "").replace("\u00a0", " ").strip()
    if not _NUMBER[lang if lang in _NUMBER else "nl"].match(core):
        return None
    thousands, point = (".", ",") if lang != "en" else (",", ".")
    core = core.replace(thousands, "").replace(point, ".").replace("−", "-")
    return float(core)


def _decimals(label: str, lang: str) -> int:
    point = "," if lang != "en" else "."
    core = label.replace("€", "").replace("%", "").strip()
    return len(core.split(point, 1)[1]) if point in core else 0


def _drawn_ticks(axis) -> list:
    """The ticks the axis draws (none on an axes drawn without axes, e.g. a map or a sparkline)."""
    if not axis.get_visible() or not axis.axes.axison:
        return []
    return [t for t in axis._update_ticks() if t.label1.get_visible() and t.label1.get_text()]


def tick_problems(fig: Figure, lang: str = "nl", name: str = "") -> list[str]:
    """Numeric tick labels that are not the exact value of their tick, not in the language's
    number style, or with another number of decimals than the other ticks of their axis.
    Labels with letters (names, "1 (gunstigst)") are categories and are left alone."""
    found = []
    for i, ax in enumerate(fig.axes):
        for which, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            numeric = [(t.get_loc(), t.label1.get_text()) for t in _drawn_ticks(axis)]
            numeric = [(loc, text) for loc, text in numeric if not _LETTERS.search(text.replace("€", ""))]
            where = f"{name} axes {i} {which}-axis"
            for loc, text in numeric:
                value = parse_number(text, lang)
                if value is None:
                    found.append(f"{where}: tick label {text!r} is not a number in {lang} style")
                elif abs(value - loc) > 1e-9 * max(1.0, abs(loc)):
                    found.append(f"{where}: tick at {loc:g} is labelled {text!r}")
            if len({_decimals(text, lang) for _, text in numeric}) > 1:
                found.append(f"{where}: tick labels with different decimals {[t for _, t in numeric]}")
    return found


def labels(fig: Figure) -> list[Label]:
    """Every text the figure shows, with its box on the canvas (the figure must be drawn)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    out: list[Label] = []

    def add(text: Text, where: str) -> None:
        if text.get_visible() and text.get_text().strip():
            out.append(Label(text.get_text(), where, text.get_window_extent(renderer)))

    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        where = f"axes {i}"
        for axis in (ax.xaxis, ax.yaxis):
            for tick in _drawn_ticks(axis):
                add(tick.label1, where + " tick")
            if ax.axison:
                add(axis.label, where + " axis label")
        for title in (getattr(ax, attr, None) for attr in ("title", "_left_title", "_right_title")):
            if isinstance(title, Text):
                add(title, where + " title")
        for text in ax.texts:
            add(text, where)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                add(text, where + " legend")
            add(legend.get_title(), where + " legend")
    for text in fig.texts:
        add(text, "figure")
    for legend in fig.legends:
        for text in legend.get_texts():
            add(text, "figure legend")
    return out


def overlap_problems(fig: Figure, name: str = "") -> list[str]:
    """Pairs of label boxes that overlap (each box as the renderer measures its text)."""
    found = []
    items = labels(fig)
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            w = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)  # type: ignore[attr-defined]
            h = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)  # type: ignore[attr-defined]
            if w > _OVERLAP_PX and h > _OVERLAP_PX:
                found.append(f"{name}: {a.where} {a.text!r} overlaps {b.where} {b.text!r}")
    return found


def problems(fig: Figure, lang: str = "nl", name: str = "") -> list[str]:
    """Everything wrong with a drawn figure's labels (:func:`tick_problems`, :func:`overlap_problems`)."""
    fig.canvas.draw()
    return tick_problems(fig, lang, name) + overlap_problems(fig, name)


@contextmanager
def inspecting(check: Callable[[Figure, str], None]) -> Iterator[None]:
    """Call ``check(figure, alt_text)`` for every chart drawn inside the block."""
    base.INSPECTORS.append(check)
    try:
        yield
    finally:
        base.INSPECTORS.remove(check)
