"""Checks on a new vintage before it is written.

Errors (the vintage is not written, one line says why): the tidy schema, duplicate
observations, a value with a missing status (all via :func:`signaal.observations.validate_observations`),
an indicator that is not in the catalogue, a region that is not in the registry, a period
of the wrong frequency.

Warnings (the vintage is written, the manifest and the command line list them):

- **sums**: for additive indicators, municipalities that do not add up to their COROP region,
  COROP regions to their province, provinces to the Netherlands (beyond ``sum_tolerance``,
  relative, or the members' rounding, whichever is larger), checked only where every member
  has a value;
- **jumps**: a change from one period to the next beyond the threshold (percentage points
  for percentages and marks, a relative change otherwise);
- **levels**: an indicator that lacks a level the catalogue promises.

Two more checks serve real extracts before they become a vintage (the bundled sample runs them
on its real CBS tables, see :mod:`signaal.store.sample`):

- :func:`part_sums`: in a table with a breakdown (industries), every total equals the sum of
  its parts within the rounding of the published figures;
- :func:`check_anchors`: figures known from the CBS table pages (Twente's employee jobs in 2019:
  299,7 thousand) are what the vintage holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import DataError
from ..formatting import number
from ..observations import validate_observations
from ..periods import Period
from ..regions import Registry

JUMP_POINTS = {"percent": 5.0, "mark": 1.0, "ratio": 0.5}
JUMP_RELATIVE = 0.5
SUM_TOLERANCE = 0.01


@dataclass
class Validation:
    warnings: list[str] = field(default_factory=list)
    checks: dict = field(default_factory=dict)


def validate_vintage(
    obs: pd.DataFrame,
    catalogue: Catalogue,
    registry: Registry,
    *,
    sum_tolerance: float = SUM_TOLERANCE,
    jump_relative: float = JUMP_RELATIVE,
    jump_points: dict[str, float] | None = None,
    rounding: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, Validation]:
    """Return the canonical table and the warnings; raise DataError on what must not be stored.

    ``rounding``: per indicator, the last digit the source publishes (1 000 for "1 000 banen"
    with no decimals); a sum may then differ by half of it per member without a warning.
    """
    obs = validate_observations(obs, where="new vintage")
    result = Validation()
    jump_points = {**JUMP_POINTS, **(jump_points or {})}

    unknown = sorted(set(obs["indicator"]) - set(catalogue.indicators))
    if unknown:
        raise DataError(f"new vintage: unknown indicator {unknown[0]!r}; it is not in the catalogue")
    bad_regions = sorted(set(obs["region"]) - set(registry.regions))
    if bad_regions:
        raise DataError(f"new vintage: unknown region {bad_regions[0]!r}; it is not in the region registry")
    freq = {p: Period.parse(p).freq for p in obs["period"].unique()}
    for ind_id, periods in obs.groupby("indicator")["period"]:
        expected = catalogue[str(ind_id)].frequency
        wrong = sorted({p for p in periods.unique() if freq[p] != expected})
        if wrong:
            raise DataError(f"new vintage: {ind_id} has period {wrong[0]!r}, but its frequency is {expected}")

    levels = obs["region"].map({c: r.level for c, r in registry.regions.items()})
    for ind_id, sub in obs.assign(level=levels).groupby("indicator"):
        lacking = [lvl for lvl in catalogue[str(ind_id)].levels if lvl not in set(sub["level"])]
        if lacking:
            result.warnings.append(f"{ind_id}: no observations at level {', '.join(lacking)}")

    result.warnings += _sums(obs, catalogue, registry, sum_tolerance, result.checks, rounding or {})
    result.warnings += _jumps(obs, catalogue, registry, jump_relative, jump_points, result.checks)
    return obs, result


def _sums(obs, catalogue, registry, tolerance, checks, rounding) -> list[str]:
    """Additive indicators: members must add up to their parent where all members are present."""
    parent = {c: r.parent for c, r in registry.regions.items()}
    level = {c: r.level for c, r in registry.regions.items()}
    # members per parent and level: NL01 holds the provinces and, beside them, the labour-market regions
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, p in parent.items():
        if p:
            members[(p, level[code])].append(code)
    out = []
    additive = [i for i in obs["indicator"].unique() if catalogue[i].additive]
    for ind_id in additive:
        sub = obs[(obs["indicator"] == ind_id) & obs["value"].notna()]
        table = sub.pivot(index="region", columns="period", values="value")
        compared, off = 0, []
        for (par, _kid_level), kids in members.items():
            if par not in table.index or not set(kids) <= set(table.index):
                continue
            kid_values = table.loc[kids]
            for period in table.columns:
                total, parts = table.at[par, period], kid_values[period]
                if np.isnan(total) or parts.isna().any():
                    continue
                compared += 1
                s = float(parts.sum())
                allowed = max(tolerance * max(abs(total), 1.0), len(kids) * rounding.get(ind_id, 0.0) / 2)
                if abs(s - total) > allowed:
                    off.append((abs(s - total) / max(abs(total), 1.0), par, period, s, total, level[kids[0]]))
        checks.setdefault("sums", {})[ind_id] = {"compared": compared, "off": len(off)}
        if off:
            off.sort(reverse=True)
            rel, par, period, s, total, kid_level = off[0]
            out.append(
                f"{ind_id}: in {len(off)} of {compared} cases the members do not add up to their region "
                f"(largest: {kid_level} of {par} in {period} sum to {number(s, lang='en')} against {number(total, lang='en')}, "
                f"{rel * 100:.1f}% apart)"
            )
    return out


def _jumps(obs, catalogue, registry, relative, points, checks) -> list[str]:
    out = []
    for ind_id, sub in obs[obs["value"].notna()].groupby("indicator"):
        ind = catalogue[ind_id]
        table = sub.pivot(index="period", columns="region", values="value")
        table = table.loc[sorted(table.index, key=Period.parse)]
        if len(table) < 2:
            continue
        prev, cur = table.shift(1).iloc[1:], table.iloc[1:]
        if ind.unit in points:
            size = (cur - prev).abs()
            limit = points[ind.unit]
            flagged = size > limit
            describe = lambda v: f"{v:.1f} points"  # noqa: E731
        else:
            size = ((cur - prev) / prev.abs().where(prev.abs() > 0)).abs()
            limit = relative
            flagged = size > limit
            describe = lambda v: f"{v * 100:.0f}%"  # noqa: E731
        n = int(flagged.sum().sum())
        checks.setdefault("jumps", {})[ind_id] = n
        if n:
            stacked = size.where(flagged).stack()
            (period, region), value = stacked.idxmax(), stacked.max()
            out.append(
                f"{ind_id}: {n} period-on-period change(s) beyond {describe(limit)} "
                f"(largest: {region} in {period}, {describe(value)})"
            )
    return out


@dataclass
class PartSums:
    """The outcome of :func:`part_sums`: how many totals were compared and which are off."""

    compared: int = 0
    off: list[tuple[str, str, str, float, float]] = field(default_factory=list)  # (total, region, period, total, sum)

    def warning(self, what: str) -> str | None:
        if not self.off:
            return None
        code, region, period, total, parts = max(self.off, key=lambda o: abs(o[4] - o[3]))
        return (
            f"{what}: in {len(self.off)} of {self.compared} cases a total is not the sum of its parts "
            f"(largest: {code} in {region} {period} is {total:,.10g}, its parts sum to {parts:,.10g})"
        )


def part_sums(frame: pd.DataFrame, dimension: str, parts: dict[str, list[str]], step: float) -> PartSums:
    """Totals against the sum of their parts in one ``dimension`` of a long frame (columns
    ``geo``, ``period``, ``dimension``, ``value``; codes may be padded), compared per region and
    period wherever the total and every part have a value. Published figures are rounded to
    ``step`` (0,1 for "x 1 000" with one decimal), so a sum may differ by half a step per figure."""
    table = frame.assign(_code=frame[dimension].astype(str).str.strip()).pivot_table(
        index=["geo", "period"], columns="_code", values="value", aggfunc="first"
    )
    out = PartSums()
    for total, members in parts.items():
        cols = [total, *members]
        lacking = [c for c in cols if c not in table.columns]
        if lacking:
            raise DataError(f"part sums: category {lacking[0]!r} is not in {dimension}")
        sub = table[cols].dropna()
        sums = sub[members].sum(axis=1)
        allowed = (len(members) + 1) * step / 2 + 1e-9
        out.compared += len(sub)
        for (region, period), s, t in zip(sub.index, sums, sub[total], strict=True):
            if abs(s - t) > allowed:
                out.off.append((total, str(region).strip(), str(period).strip(), float(t), float(s)))
    return out


def check_anchors(obs: pd.DataFrame, anchors: list[dict]) -> list[str]:
    """Figures that must hold (``{indicator, region, period, value}``, from a CBS table page):
    one line per anchor that the observations miss or hold otherwise."""
    keyed = obs.set_index(["indicator", "region", "period"])["value"]
    out = []
    for a in anchors:
        key = (a["indicator"], a["region"], str(a["period"]))
        got = keyed.get(key)
        if got is None or np.isnan(got) or not np.isclose(got, float(a["value"]), rtol=0, atol=1e-6):
            shown = "nothing" if got is None or np.isnan(got) else number(float(got), lang="en")
            out.append(
                f"{a['indicator']} {a['region']} {a['period']}: expected {number(float(a['value']), lang='en')}, found {shown}"
            )
    return out
