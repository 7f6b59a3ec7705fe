"""Value axes as the board reads them: ticks at steps the shown decimals print exactly, Dutch
numbers (Babel, through :mod:`signaal.formatting`) with the same decimals on every tick of an
axis, and quantities that cannot be negative floored at zero.

A step is a round number (1, 2, 2,5 or 5 times a power of ten) that is a multiple of the
smallest shown unit: with one decimal 0,25 is never a step (it would print as "0,2"), with no
decimals 2,5 is not either. So a tick label is always the exact value of its tick: 7,25 never
prints as "7,2", and Twente's 1,7% never sits on a line labelled "1,8%".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from matplotlib.ticker import Formatter, Locator

from .. import formatting as fmt

STEPS = (1.0, 2.0, 2.5, 5.0)
MIN_TICKS = 3
_TOLERANCE = 1e-6


def _is_multiple(value: float, quantum: float) -> bool:
    ratio = value / quantum
    return abs(ratio - round(ratio)) < _TOLERANCE * max(1.0, abs(ratio))


def nice_ticks(lo: float, hi: float, decimals: int, max_ticks: int = 6) -> list[float]:
    """The ticks in ``[lo, hi]``: the smallest round step that prints exactly with
    ``decimals`` decimals and gives at most ``max_ticks`` ticks."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    lo, hi = min(lo, hi), max(lo, hi)
    decimals = max(0, int(decimals))
    quantum = 10.0**-decimals
    span = hi - lo
    if span <= 0:
        return [round(lo, decimals)] if _is_multiple(lo, quantum) else []
    exponent = math.floor(math.log10(span / max(1, max_ticks))) - 1
    candidates = []  # (step, ticks) for every printable step, finest first
    for e in range(exponent, exponent + 6):
        for m in STEPS:
            step = m * 10.0**e
            if step < quantum * (1 - _TOLERANCE) or not _is_multiple(step, quantum):
                continue
            first = math.ceil(lo / step - _TOLERANCE) * step
            count = math.floor((hi - first) / step + _TOLERANCE) + 1
            candidates.append([round(first + i * step, decimals) + 0.0 for i in range(max(count, 0))])
    fitting = [c for c in candidates if len(c) <= max_ticks]
    if not fitting:
        return candidates[-1] if candidates else []
    chosen = fitting[0]
    if len(chosen) < MIN_TICKS:  # a step too coarse: one or two more ticks read better than two alone
        roomier = [c for c in candidates if MIN_TICKS <= len(c) <= max_ticks + 2]
        chosen = roomier[-1] if roomier else chosen
    return chosen


def shown_decimals(values: Iterable[float], decimals: int) -> int:
    """The fewest decimals (at most ``decimals``) that print every value exactly: one
    number of decimals for a whole axis, so that "7" never stands beside "7,5"."""
    vals = [v for v in values if math.isfinite(v)]
    for d in range(0, max(0, decimals) + 1):
        if all(_is_multiple(v, 10.0**-d) or abs(v) < _TOLERANCE for v in vals):
            return d
    return max(0, decimals)


def tick_label(x: float, unit: str, decimals: int, lang: str = "nl") -> str:
    """A tick's label: the number in the language's style, with the unit signs an axis shows
    (``72,5%``, ``€ 40.000``); other units are named in the chart's subtitle."""
    if unit == "percent":
        return fmt.percent(x, decimals, lang)
    if unit == "euro":
        return "€ " + fmt.number(x, decimals, lang)
    return fmt.number(x, decimals, lang)


class DecimalLocator(Locator):
    """Ticks from :func:`nice_ticks` for the axis's view."""

    def __init__(self, decimals: int, max_ticks: int = 6):
        self.decimals = decimals
        self.max_ticks = max_ticks

    def __call__(self):
        assert self.axis is not None
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        return nice_ticks(float(vmin), float(vmax), self.decimals, self.max_ticks)


class DecimalFormatter(Formatter):
    """Tick labels with one number of decimals per axis (:func:`shown_decimals` of the ticks
    on view, at most ``decimals``), in the language's number style."""

    def __init__(self, unit: str, decimals: int, lang: str = "nl"):
        self.unit = unit
        self.decimals = max(0, int(decimals))
        self.lang = lang
        self.shown = self.decimals

    def set_locs(self, locs):
        super().set_locs(locs)
        self.shown = shown_decimals([float(v) for v in locs], self.decimals)

    def __call__(self, x, pos=None):
        return tick_label(float(x), self.unit, self.shown, self.lang)


def value_axis(ax, which: str, unit: str, decimals: int, lang: str = "nl", max_ticks: int = 6) -> None:
    """Ticks and labels of a value axis (``which``: ``"x"`` or ``"y"``)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(DecimalLocator(decimals, max_ticks))
    axis.set_major_formatter(DecimalFormatter(unit, decimals, lang))


def fit_ticks(ax, gap_px: float = 4.0) -> None:
    """Fewer ticks on a value axis whose labels would touch (a narrow panel with amounts in
    euros): the step grows until every label has room."""
    renderer = ax.figure.canvas.get_renderer()
    for axis, horizontal in ((ax.xaxis, True), (ax.yaxis, False)):
        locator = axis.get_major_locator()
        if not isinstance(locator, DecimalLocator):
            continue
        while locator.max_ticks > 2:
            boxes = [t.label1.get_window_extent(renderer) for t in axis._update_ticks() if t.label1.get_text()]
            crowded = any(
                (b.x0 - a.x1 < gap_px) if horizontal else (b.y0 - a.y1 < gap_px / 2)
                for a, b in zip(
                    sorted(boxes, key=lambda b: b.x0 if horizontal else b.y0),
                    sorted(boxes, key=lambda b: b.x0 if horizontal else b.y0)[1:],
                    strict=False,
                )
            )
            if not crowded:
                break
            locator.max_ticks -= 1


def floor_at_zero(ax, which: str, data_min: float | None) -> None:
    """A quantity that cannot be negative (a distance, a count, a share) never gets an axis
    below zero: when every value is zero or more, the axis starts at zero at the lowest."""
    if data_min is None or not math.isfinite(data_min) or data_min < 0:
        return
    lo, hi = ax.get_ylim() if which == "y" else ax.get_xlim()
    if lo < 0 <= hi:
        if which == "y":
            ax.set_ylim(0, hi)
        else:
            ax.set_xlim(0, hi)
