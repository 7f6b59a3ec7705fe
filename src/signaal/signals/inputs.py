"""What a rule reads and what it returns.

A rule reads :class:`Inputs`: one indicator's numbers for one focus region and quarter (its
series, the national series, the table of all regions, its settings and targets), with the
helpers every rule shares (method breaks, the comparison set, spreads). It returns a
:class:`Finding` (a signal before it has words and a strength), a :class:`Skip` (too few
data, skipped with a reason, or not applicable) or ``None`` (nothing to report). The engine
stamps each with the key of the rule that returned it (:mod:`.registry`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

import numpy as np
import pandas as pd

from ..catalogue import Indicator
from ..indicators.targets import Target
from ..periods import Period
from ..regions import Registry
from .model import Kind, Status
from .settings import MIN_REGIONS, Settings, relevant_change, relevant_level
from .stats import spread

T = TypeVar("T")
NO_YARDSTICK = "geen vergelijking"  # scale_basis of a finding without a comparison set


@dataclass
class Finding:
    """A rule's finding before it has words and a strength.

    ``kind`` is the rule's own verdict (the colour of the finding); whether the board can act
    on it is decided after the rule (:mod:`.judge`): ``size`` is the finding's size in the unit
    its ``relevant`` size is in, ``vs_national`` (where the rule compares with the national
    movement) how much better (+) or worse (−) than the Netherlands the region did, in the same
    unit. ``direction`` overrides the direction read from ``kind`` (gunstig / ongunstig / '').
    """

    kind: Kind
    case: str  # which sentence: e.g. "behind_widening"
    z: float  # size in standard deviations of the reference spread
    numbers: dict
    rule: str = ""  # the rule's key, stamped by the engine
    size: float | None = None
    relevant: float | None = None
    vs_national: float | None = None
    direction: str | None = None


@dataclass
class Skip:
    status: Status
    reason: str  # label key (text/labels.yaml)
    values: dict = field(default_factory=dict)  # Period values are phrased per language
    rule: str = ""  # the rule's key, stamped by the engine ("alle": the whole indicator)

    @classmethod
    def too_few(cls, reason: str, **values) -> Skip:
        return cls(Status.TOO_FEW_DATA, reason, values)

    @classmethod
    def skipped(cls, reason: str, **values) -> Skip:
        return cls(Status.SKIPPED, reason, values)

    @classmethod
    def not_applicable(cls, reason: str, **values) -> Skip:
        return cls(Status.NOT_APPLICABLE, reason, values)


@dataclass
class Inputs:
    """Everything the rules need about one indicator for one focus region and quarter."""

    ind: Indicator
    cfg: Settings
    focus: str
    region: str  # where the numbers come from (focus, or its province as a proxy)
    national: str
    table: pd.DataFrame  # periods x all regions, signal frequency, up to the quarter
    reg: Registry
    peers: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    rolling: bool = False  # a quarterly flow judged on rolling four-quarter sums
    nominal: pd.DataFrame | None = None  # money in real terms: the nominal table beside it
    # what the focus regions of one pass share about this indicator (see :meth:`once`)
    shared: dict = field(default_factory=dict, repr=False, compare=False)

    def once(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, computed once for every focus region of a pass over the regions
        (:func:`~signaal.signals.engine.compute_all_signals` hands them one ``shared``) and
        reused by the others: for what depends only on the table of all regions, never on the
        focus region (``key`` names everything else it depends on)."""
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    # ---- series ---------------------------------------------------------------------
    @cached_property
    def series(self) -> pd.Series:
        return self.column(self.region)

    @cached_property
    def bench(self) -> pd.Series:
        return self.column(self.national)

    def column(self, code: str) -> pd.Series:
        if code not in self.table.columns:
            return pd.Series(dtype=float)
        return self.table[code].dropna()

    @cached_property
    def last(self) -> Period:
        return Period.parse(self.series.index[-1])

    @property
    def freq(self) -> str:
        return self.last.freq

    @property
    def per_year(self) -> int:
        return self.last.per_year

    def at(self, series: pd.Series, p: Period) -> float | None:
        key = str(p)
        if key in series.index and np.isfinite(series[key]):
            return float(series[key])
        return None

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neutral."""
        return {"higher_is_better": 1, "lower_is_better": -1}.get(self.ind.polarity, 0)

    @property
    def additive(self) -> bool:
        return self.ind.additive

    @property
    def relative(self) -> bool:
        return self.cfg.change_basis == "relative"

    def half_unit(self, relative: bool = False) -> float:
        """Half a shown unit: 0,05 for one decimal (0,05% for a % change). Differences below
        it are rounding, and no yardstick is finer than it: figures are published rounded."""
        return 0.5 * 10 ** (-(1 if relative else self.ind.decimals))

    def yardstick(self, values: list[float], relative: bool = False) -> float:
        """The spread of ``values`` (at least 3), never below half a shown unit: changes of
        rounded figures that look all alike differ by rounding, not by nothing (or 1e-15)."""
        return max(spread(values) or 0.0, self.half_unit(relative))

    @property
    def has_national(self) -> bool:
        """Whether the region can be compared with the Netherlands (a figure for both)."""
        return self.region != self.national and not self.bench.empty

    def national_at(self, p: Period) -> float | None:
        return self.at(self.bench, p) if self.region != self.national else None

    @cached_property
    def relevant_level(self) -> float | None:
        """The minimum relevant size of a difference between levels (README "Signals")."""
        return relevant_level(self.cfg, self.ind, self.national_at(self.last))

    @cached_property
    def relevant_change(self) -> float | None:
        """The minimum relevant size of a change (in % for a relative change basis)."""
        return relevant_change(self.cfg, self.ind, self.relative, self.national_at(self.last))

    def change(self, new: float, old: float) -> float | None:
        """A change in the indicator's change basis: a difference, or a % change."""
        if self.relative:
            return (new / old - 1.0) * 100.0 if old else None
        return new - old

    # ---- method breaks -----------------------------------------------------------
    @cached_property
    def breaks(self) -> list[Period]:
        """Method breaks as periods of the series' frequency (a yearly break → its first quarter)."""
        out = []
        for b in self.ind.breaks:
            p = Period.parse(b.period)
            if p.freq != self.freq:
                if p.freq == "Y":
                    p = Period(self.freq, p.year, 0 if self.freq == "Y" else 1)
                else:
                    p = Period.from_date(p.start(), self.freq)
            out.append(p)
        return sorted(out)

    def break_between(self, old: Period, new: Period) -> Period | None:
        """The last method break b with old < b <= new (so old and new differ in method)."""
        found = [b for b in self.breaks if old.ordinal < b.ordinal <= new.ordinal]
        return found[-1] if found else None

    def segment_start(self, p: Period) -> Period | None:
        """The start of the method segment that ``p`` belongs to (None: since the start)."""
        found = [b for b in self.breaks if b.ordinal <= p.ordinal]
        return found[-1] if found else None

    # ---- comparison set and spreads ----------------------------------------------
    @cached_property
    def level(self) -> str:
        return self.reg[self.region].level

    @cached_property
    def comparison(self) -> list[str]:
        """Regions of the data region's level in the table (the 40 COROP regions, or provinces)."""
        level = self.level
        return self.once(
            ("comparison", level),
            lambda: [c for c in self.table.columns if c in self.reg and self.reg[c].level == level],
        )

    def row(self, p: Period) -> pd.Series:
        key = str(p)
        if key not in self.table.index:
            return pd.Series(dtype=float)
        # one index label and a list of columns: a row Series (the stubs allow a DataFrame)
        return self.once(
            ("row", self.level, key),
            lambda: cast(pd.Series, self.table.loc[key, self.comparison]).dropna().astype(float),
        )

    def yoy_history(self) -> list[float]:
        """The series' year-on-year changes before the last period, within methods."""
        out = []
        for key, v in self.series.items():
            p = Period.parse(str(key))
            if p == self.last:
                continue
            old = p.year_earlier()
            ov = self.at(self.series, old)
            if ov is None or self.break_between(old, p):
                continue
            c = self.change(v, ov)
            if c is not None:
                out.append(c)
        return out

    def level_spread(self) -> tuple[float | None, str]:
        """Spread of the levels between regions in the latest period, and its basis; without a
        comparison set (fewer than 5 regions with a figure) ``(None, NO_YARDSTICK)``: the
        series' own spread over time is no yardstick for a difference between regions."""
        if self.level in MIN_REGIONS:
            row = self.row(self.last)
            if len(row) >= 5:
                return self.yardstick(row.to_list()), self.level
        return None, NO_YARDSTICK
