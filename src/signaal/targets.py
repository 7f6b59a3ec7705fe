"""Board targets: data, per focus region, from ``data/manual/doelen.csv``.

Targets belong to a region's board (Twente Board's "participation at least the Dutch level",
the Woondeal Twente's 14,100 homes), so they are data with a source URL per row, not part of
the generic indicator catalogue. Kinds:

- ``benchmark``: the region's value at least (or, for lower-is-better indicators, at most) the
  benchmark region's value;
- ``level``: at least ``value``;
- ``cumulative``: the indicator (a stock) grows by at least ``value`` between ``start`` and ``by``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import config
from .catalogue import catalogue
from .errors import DataError
from .periods import Period
from .regions import registry

if TYPE_CHECKING:  # pandas only for the annotations
    import pandas as pd

FILE = "doelen.csv"


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    region: str
    indicator: str
    kind: Literal["benchmark", "level", "cumulative"]
    benchmark: str | None = None
    value: float | None = None
    start: str | None = None
    by: str | None = None
    label_nl: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    source_url: str = Field(pattern=r"^https?://")
    note_nl: str | None = None  # a remark shown with the target (e.g. "two thirds affordable")
    note_en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data):
        return {k: (None if v == "" else v) for k, v in data.items()} if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _complete(self) -> "Target":
        if self.kind == "benchmark" and not self.benchmark:
            raise ValueError("a benchmark target names its benchmark region (e.g. NL01)")
        if self.kind in ("level", "cumulative") and self.value is None:
            raise ValueError(f"a {self.kind} target needs a value")
        if self.kind == "cumulative" and not (self.start and self.by):
            raise ValueError("a cumulative target needs start and by")
        for p in (self.start, self.by):
            if p is not None:
                Period.parse(p)
        return self

    def label(self, lang: str) -> str:
        return self.label_nl if lang == "nl" else self.label_en

    def note(self, lang: str) -> str | None:
        return self.note_nl if lang == "nl" else (self.note_en or None)


def load_targets(path: Path | None = None) -> list[Target]:
    """All targets, validated (unknown region or indicator → DataError naming the row)."""
    path = Path(path) if path else config.data_dir() / "manual" / FILE
    if not path.exists():
        return []
    reg, cat = registry(), catalogue()
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                target = Target.model_validate(row)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"]) or "row"
                raise DataError(f"{path.name} line {n}: {field}: {first['msg']}") from None
            if target.region not in reg:
                raise DataError(f"{path.name} line {n}: unknown region {target.region!r}")
            if target.indicator not in cat:
                raise DataError(f"{path.name} line {n}: unknown indicator {target.indicator!r}")
            out.append(target)
    ids = [t.id for t in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise DataError(f"{path.name}: target id {sorted(dupes)[0]!r} appears twice")
    return out


def targets_for(region: str, indicator: str | None = None, path: Path | None = None) -> list[Target]:
    return [t for t in load_targets(path) if t.region == region and (indicator is None or t.indicator == indicator)]


@dataclass(frozen=True)
class Progress:
    """Where a cumulative target stands at a period: computed once, for the target page, its
    chart and the target signal alike.

    ``pace_per_year`` is the growth of the last year when a year has passed since ``start``,
    else the average since ``start`` (``basis`` says which); ``projection`` is what the
    indicator reaches by ``by`` at that pace; ``needed_per_year`` what it takes from now on.
    """

    target: Target
    cumulative: "pd.Series"  # growth since start, per period after start
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


def progress(series: "pd.Series", target: Target, up_to: Period | None = None) -> Progress | None:
    """Progress toward a cumulative target from a stock series (period label → value).

    None when the series does not reach past the target's start (nothing to say yet)."""
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
        base = float(cumulative[year_before]) if year_before in cumulative.index else (0.0 if year_before == target.start else None)
        if base is None:
            pace, basis = done / elapsed * per_year, "so_far"
        else:
            pace, basis = done - base, "last_year"
    else:
        pace, basis = done / elapsed * per_year, "so_far"
    years_left = max((by.ordinal - last.ordinal) / per_year, 0.0)
    needed = (target.value - done) / years_left if years_left > 0 else float("nan")
    return Progress(target=target, cumulative=cumulative, done=done, pace_per_year=pace, basis=basis,
                    needed_per_year=needed, years_left=years_left, projection=done + pace * years_left, last=last)
