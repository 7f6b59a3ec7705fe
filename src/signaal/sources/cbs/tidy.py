"""CBS: a table's long frame → tidy observations of one indicator.

Padded codes stripped, ``NL00`` → ``NL01``, regions outside the registry or the indicator's
levels dropped (and counted), periods to store notation with their status (a school year
``2022SJ00``, "2022/'23", is stored as the year it starts in), units such as "1 000 banen"
applied as a scale, symbols → missing with a status. Measures or categories that the catalogue
adds up are added per region and period (missing when any part is), and a share is its
numerator over its denominator × 100.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ...errors import SourceError
from ...periods import Period
from ...regions import Registry, normalise_code
from .model import period_status, scaled
from .resolve import Resolved


def store_period(code: str) -> str | None:
    """A CBS period code in store notation; a school year (``2022SJ00``) as its first year."""
    code = code.strip()
    try:
        if code[4:6] == "SJ" and code[:4].isdigit():
            return str(Period.parse(code[:4]))
        return str(Period.from_cbs(code))
    except ValueError:
        return None


def _cells(r: Resolved, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of this indicator (its measures, pinned categories, period type), scaled."""
    meta = r.meta
    keys = {m.key: m for m in r.measures}
    sub = frame[frame["measure"].isin(set(keys))]
    for dim_key, pins in r.cats.items():
        sub = sub[sub[dim_key].astype(str).str.strip().isin({c.code for c, _ in pins})]
    if r.share:
        sub = sub[sub[r.share[0]].astype(str).str.strip().isin({r.share[1].code, r.share[2].code})]
    sub = sub[sub["period"].astype(str).str.strip().str[4:6] == r.kind]
    values = []
    for v, m, key in zip(sub["value"].tolist(), sub["missing"].tolist(), sub["measure"].tolist(), strict=True):
        bad = (isinstance(m, str) and m) or v is None or (isinstance(v, float) and np.isnan(v))
        values.append(np.nan if bad else scaled(float(v), r.scale, keys[key].decimals))
    out = pd.DataFrame(
        {
            "geo": sub["geo"].astype(str).map(normalise_code).values if meta.geo is not None else None,
            "period": sub["period"].astype(str).str.strip().values,
            "role": sub[r.share[0]].astype(str).str.strip().values if r.share else "value",
            "value": values,
            "missing": [m if isinstance(m, str) and m else None for m in sub["missing"].tolist()],
            "reason": [x if isinstance(x, str) and x else None for x in sub["reason"].tolist()],
        }
    )
    return out


def _parts(r: Resolved) -> int:
    """How many cells make one value: the measures times the categories added up."""
    n = len(r.measures)
    for pins in r.cats.values():
        n *= len(pins)
    return n


def _combine(r: Resolved, cells: pd.DataFrame, national: str) -> pd.DataFrame:
    """One value per region and period: cells added up (missing when one is), then the share."""
    if cells.empty:
        return cells.assign(region=pd.Series(dtype=object))[["region", "period", "value", "missing", "reason"]]
    cells = cells.assign(region=cells["geo"] if r.meta.geo is not None else national)
    parts = _parts(r)
    if parts > 1 or r.share:
        grouped = cells.groupby(["region", "period", "role"], sort=False)
        cells = grouped.agg(
            value=("value", lambda s: s.sum() if len(s) == parts and s.notna().all() else np.nan),
            missing=("missing", lambda s: next((x for x in s if x), None)),
            reason=("reason", lambda s: next((x for x in s if x), None)),
            n=("value", "size"),
        ).reset_index()
        incomplete = (cells["n"] < parts) & cells["missing"].isna()
        cells.loc[incomplete, "missing"] = "ontbreekt"
        cells.loc[incomplete, "reason"] = "incomplete sum"
    if r.share:
        num_code, den_code = r.share[1].code, r.share[2].code
        num = cells[cells["role"] == num_code].set_index(["region", "period"])
        den = cells[cells["role"] == den_code].set_index(["region", "period"])
        both = num.merge(den, how="outer", left_index=True, right_index=True, suffixes=("_n", "_d"))
        ratio = both["value_n"] / both["value_d"].where(both["value_d"] != 0) * 100
        missing = both["missing_n"].where(both["missing_n"].notna(), both["missing_d"])
        reason = both["reason_n"].where(both["reason_n"].notna(), both["reason_d"])
        lacking = ratio.isna() & missing.isna()
        missing = missing.where(~lacking, "ontbreekt")
        reason = reason.where(~lacking, "share without both categories")
        cells = pd.DataFrame(
            {"value": ratio.round(10), "missing": missing, "reason": reason}, index=both.index
        ).reset_index()
    return cells[["region", "period", "value", "missing", "reason"]]


def tidy(r: Resolved, frame: pd.DataFrame, registry: Registry) -> tuple[pd.DataFrame, dict]:
    """One indicator's rows of a table's long frame → tidy observations and its resolution record."""
    ind, meta = r.indicator, r.meta
    level_of = {code: region.level for code, region in registry.regions.items()}
    cells = _combine(r, _cells(r, frame), registry.national)
    levels = cells["region"].map(level_of)
    keep = levels.isin(r.wanted.levels)
    dropped = Counter(cells.loc[~keep, "region"].tolist())
    cells = cells[keep]

    status_of = {c.code: period_status(c.status, c.title) for c in meta.time.codes} if meta.time else {}
    raw_periods = cells["period"].astype(str).tolist()
    periods = [store_period(p) for p in raw_periods]
    statuses = [
        m if isinstance(m, str) and m else status_of.get(p, "definitief")
        for m, p in zip(cells["missing"], raw_periods, strict=True)
    ]
    obs = pd.DataFrame(
        {
            "indicator": ind.id,
            "region": cells["region"].values,
            "period": periods,
            "value": cells["value"].astype("float64").values,
            "status": statuses,
        }
    )
    skipped_periods = int(obs["period"].isna().sum())
    obs = obs[obs["period"].notna()].reset_index(drop=True)
    dupes = obs.duplicated(["region", "period"], keep=False)
    if dupes.any():
        first = obs[dupes].iloc[0]
        raise SourceError(
            f"CBS table {meta.table_id}: more than one value for {ind.id} {first.region} {first.period}; "
            f"a dimension is not pinned to one category"
        )
    reasons = Counter(x for x in cells["reason"].tolist() if isinstance(x, str) and x)
    return obs, record(r) | {
        "rows": int(len(obs)),
        "levels": dict(Counter(level_of[c] for c in obs["region"]).most_common()),
        "missing": dict(reasons.most_common()),
        "dropped_regions": sorted(dropped)[:40],
        "dropped_rows": int(sum(dropped.values())),
        "skipped_periods": skipped_periods,
    }


def record(r: Resolved) -> dict:
    """The resolution as the manifest and ``signaal data check`` describe it."""
    m = r.measure
    out = {
        "source": r.meta.table_id,
        "api": r.meta.api,
        "measure": {
            "key": m.key,
            "title": m.title,
            "group": m.group,
            "matched_by": r.matched,
            "unit": m.unit,
            "scale": r.scale,
            "decimals": m.decimals,
        },
        "categories": {
            k: {
                "code": "+".join(c.code for c, _ in pins),
                "title": " + ".join(c.title for c, _ in pins),
                "how": pins[0][1],
            }
            for k, pins in r.cats.items()
        },
        "region_dimension": r.meta.geo.key if r.meta.geo else None,
        "period_type": r.kind,
        "catalogue_unit": r.indicator.unit,
    }
    if len(r.measures) > 1:
        out["measures_added"] = [{"key": x.key, "title": x.title} for x in r.measures]
    if r.share:
        dim, num, den = r.share
        out["share"] = {
            "dimension": dim,
            "numerator": {"code": num.code, "title": num.title},
            "denominator": {"code": den.code, "title": den.title},
        }
    if r.kind == "SJ":
        out["period_note"] = "school years (2022SJ00, 2022/'23) stored as the year they start in"
    return out
