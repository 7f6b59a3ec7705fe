"""Progress toward the board's targets (the targets themselves: :mod:`signaal.catalogue.targets`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalogue.targets import FILE, Target, load_targets, targets_for
from ..periods import Period

if TYPE_CHECKING:  # pandas only for the annotations
    import pandas as pd

__all__ = ["FILE", "Progress", "Target", "load_targets", "progress", "targets_for"]


@dataclass(frozen=True)
class Progress:
    """Where a cumulative target stands at a period: computed once, for the target page, its
    chart and the target signal alike.

    ``pace_per_year`` is the growth of the last year when a year has passed since ``start``,
    else the average since ``start`` (``basis`` says which); ``projection`` is what the
    indicator reaches by ``by`` at that pace; ``needed_per_year`` what it takes from now on.
    """

    target: Target
    cumulative: pd.Series  # growth since start, per period after start
    done: float
    pace_per_year: float
    basis: str  # "last_year" | "so_far"
    needed_per_year: float
    years_left: float
    projection: float
    last: Period

    @property
    def on_track(self) -> bool:
        return self.projection >= (self.target.value or 0.0)

    @property
    def share(self) -> float:
        return self.done / self.target.value * 100 if self.target.value else float("nan")


def progress(series: pd.Series, target: Target, up_to: Period | None = None) -> Progress | None:
    """Progress toward a cumulative target from a stock series (period label → value).

    None when the series does not reach past the target's start (nothing to say yet)."""
    assert target.start and target.by and target.value is not None  # a cumulative target (Target's schema)
    start, by = Period.parse(target.start), Period.parse(target.by)
    s = series.dropna()
    if up_to is not None:
        s = s[[Period.parse(p).within(up_to) for p in s.index]]
    if target.start not in s.index:
        return None
    after = s[[Period.parse(p) > start for p in s.index]]
    if after.empty:
        return None
    cumulative = after - s[target.start]
    last = Period.parse(cumulative.index[-1])
    per_year = last.per_year
    elapsed = last.ordinal - start.ordinal
    done = float(cumulative.iloc[-1])
    if elapsed >= per_year:
        year_before = str(last.shift(-per_year))
        if year_before in cumulative.index:
            base: float | None = float(cumulative[year_before])
        else:
            base = 0.0 if year_before == target.start else None
        if base is None:
            pace, basis = done / elapsed * per_year, "so_far"
        else:
            pace, basis = done - base, "last_year"
    else:
        pace, basis = done / elapsed * per_year, "so_far"
    years_left = max((by.ordinal - last.ordinal) / per_year, 0.0)
    needed = (target.value - done) / years_left if years_left > 0 else float("nan")
    return Progress(
        target=target,
        cumulative=cumulative,
        done=done,
        pace_per_year=pace,
        basis=basis,
        needed_per_year=needed,
        years_left=years_left,
        projection=done + pace * years_left,
        last=last,
    )
