"""Rule settings per indicator: the catalogue's ``signals:`` block over documented defaults.

Every default lives here, once, except the rules themselves and their weights, which each
rule declares where it is defined (:mod:`.rules`, via :mod:`.registry`); the README section
"Signals" lists them all. An indicator's ``signals:`` entry in ``catalogue/indicators.yaml``
overrides any of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..catalogue import Indicator
from .model import Kind
from .registry import rule_keys, rule_weights

NEUTRAL_FACTOR = 0.5  # a neutral finding counts half: verdicts come first

TREND_WINDOW = 8  # periods: 8 years for yearly series, 8 quarters for quarterly ones
TREND_ALPHA = 0.05  # two-sided significance level of the slope's t-test
TREND_MIN_SHARE = 0.75  # at least 75% of the window observed ...
TREND_MIN_POINTS = 5  # ... and never fewer than 5 points
GAP_WINDOW = {"Y": 5, "Q": 8}  # "closing or widening" compares with 5 years / 8 quarters back
GAP_THRESHOLD_SPREAD = 0.1  # no material gap below 0.1 x the spread between regions
RANGE_MIN_PERIODS = 6  # the range rule needs at least 6 earlier periods in the same method
MIN_REGIONS = {"corop": 20, "provincie": 8}  # the position rule's minimum comparison set
CHANGE_Z = 1.0  # without a threshold, a change counts when it exceeds 1 SD of past changes
TARGET_Z = 3.0  # a target off track, missed or newly met (last year) counts as at least 3 SD
NO_YARDSTICK_Z = 1.0  # without a comparison set (< 5 regions) a finding's size cannot be judged:
# a verdict counts as 1 SD, a finding without one (level, grey) as 0

# The minimum relevant size of a finding (README "What a board can act on"): below it a finding
# is never an urgency or an opportunity, however significant. Per unit, in the unit itself, for
# levels and for absolute changes (a gap, a distance from the median, a change in percentage
# points); the catalogue's ``signals.relevant`` overrides it per indicator.
RELEVANT = {
    "percent": 0.5,  # procentpunt
    "km": 0.5,
    "minutes": 5.0,
    "mark": 0.2,  # a mark out of 10
    "ratio": 0.1,
    "per_1000": 0.5,
    "index": 2.0,  # index points
}
RELEVANT_SHARE = 2.0  # money levels: 2% of the national level (€ 1.000 on a € 50.000 income)
# changes measured in % (counts, money, index numbers): the catalogue's ``signals.relevant_change``
RELEVANT_CHANGE = {"count": 1.0, "euro": 1.0, "index": 1.0}
RELEVANT_CHANGE_FLOW = 5.0  # flows (homes completed) on rolling four-quarter sums
RELATIVE_UNITS = ("euro", "index")  # besides counts, changes of these are judged in %


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one indicator (defaults filled in)."""

    rules: tuple[str, ...]
    trend_window: int
    trend_alpha: float
    change_threshold: float | None
    gap_threshold: float | None
    gap_window: int
    range_min_periods: int
    change_basis: str
    relevant: float | None  # the catalogue's, else None: the unit's default (see relevant_level)
    relevant_change: float | None
    bands: dict[str, float] | None
    weight: float
    headline: bool
    rule_weights: dict[str, float]

    @property
    def trend_min_points(self) -> int:
        return max(TREND_MIN_POINTS, math.ceil(TREND_MIN_SHARE * self.trend_window))


def settings_for(ind: Indicator) -> Settings:
    s = ind.signals
    freq = ind.display_freq
    return Settings(
        rules=tuple(s.rules) if s.rules else rule_keys(),
        trend_window=s.trend_window or TREND_WINDOW,
        trend_alpha=s.trend_alpha or TREND_ALPHA,
        change_threshold=s.change_threshold,
        gap_threshold=s.gap_threshold,
        gap_window=s.gap_window or GAP_WINDOW[freq],
        range_min_periods=s.range_min_periods or RANGE_MIN_PERIODS,
        change_basis=s.change_basis or ("relative" if ind.additive or ind.unit in RELATIVE_UNITS else "absolute"),
        relevant=s.relevant,
        relevant_change=s.relevant_change,
        bands=dict(s.bands) if s.bands else None,
        weight=s.weight,
        headline=s.headline,
        rule_weights={**rule_weights(), **{str(key): w for key, w in (s.rule_weights or {}).items()}},
    )


def relevant_level(cfg: Settings, ind: Indicator, national: float | None) -> float | None:
    """The minimum relevant size of a difference between levels, in the indicator's unit (money:
    a share of the national level); None where levels are not compared (counts)."""
    if cfg.relevant is not None:
        return cfg.relevant
    if ind.unit == "euro":
        return abs(national) * RELEVANT_SHARE / 100 if national is not None else None
    return RELEVANT.get(ind.unit)


def relevant_change(cfg: Settings, ind: Indicator, relative: bool, national: float | None) -> float | None:
    """The minimum relevant size of a change: in % for a relative change basis (counts, money,
    index numbers), else in the indicator's unit (the level's relevant size)."""
    if cfg.relevant_change is not None:
        return cfg.relevant_change
    if relative:
        if ind.flow:
            return RELEVANT_CHANGE_FLOW
        return RELEVANT_CHANGE.get(ind.unit, RELEVANT_CHANGE["count"])
    return relevant_level(cfg, ind, national)


def strength(
    rule: str, kind: Kind | str, z: float | None, weight: float = 1.0, weights: dict[str, float] | None = None
) -> float:
    """Strength on 0..1: indicator weight x rule weight x (1 - exp(-z/2)), neutral x 0.5.

    ``z`` is the finding's size in standard deviations of its reference spread (README);
    ``weights`` are the rule weights (default: each rule's registered weight).
    """
    if z is None or not math.isfinite(z):
        z = 0.0 if z is None or math.isnan(z) else 50.0
    s = weight * (weights or rule_weights())[rule] * (1.0 - math.exp(-abs(z) / 2.0))
    if kind == Kind.NEUTRAL:
        s *= NEUTRAL_FACTOR
    return round(min(1.0, max(0.0, s)), 3)
