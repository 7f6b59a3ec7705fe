"""CBS: a table's long frame → tidy observations of one indicator.

Padded codes stripped, ``NL00`` → ``NL01``, regions outside the registry or the indicator's
levels dropped (and counted), periods to store notation with their status, units such as
"1 000 banen" applied as a scale, symbols → missing with a status.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ...errors import SourceError
from ...periods import Period
from ...regions import Registry, normalise_code
from .model import TableMeta, period_status, scaled, unit_scale
from .resolve import Resolved


def tidy(meta: TableMeta, r: Resolved, frame: pd.DataFrame, registry: Registry) -> tuple[pd.DataFrame, dict]:
    """One indicator's rows of a table's long frame → tidy observations and its resolution record."""
    ind, measure = r.indicator, r.measure
    level_of = {code: region.level for code, region in registry.regions.items()}
    sub = frame[frame["measure"] == measure.key]
    for dim_key, (code, _how) in r.cats.items():
        sub = sub[sub[dim_key].astype(str).str.strip() == code.code]
    sub = sub[sub["period"].astype(str).str.strip().str[4:6] == r.kind]

    if meta.geo is not None:
        regions = sub["geo"].astype(str).map(normalise_code)
    else:
        regions = pd.Series(registry.national, index=sub.index)
    levels = regions.map(level_of)
    keep = levels.isin(ind.levels)
    dropped = Counter(regions[~keep].tolist())
    sub, regions = sub[keep], regions[keep]

    status_of = {c.code: period_status(c.status, c.title) for c in meta.time.codes} if meta.time else {}
    periods: list[str | None] = []
    statuses: list[str] = []
    skipped_periods = 0
    for raw in sub["period"].astype(str).str.strip().tolist():
        try:
            periods.append(str(Period.from_cbs(raw)))
        except ValueError:
            periods.append(None)
            skipped_periods += 1
        statuses.append(status_of.get(raw, "definitief"))

    values = np.array([np.nan if v is None else float(v) for v in sub["value"].tolist()], dtype="float64")
    missing = [m if isinstance(m, str) and m else None for m in sub["missing"].tolist()]
    final_status = [m if m else s for m, s in zip(missing, statuses, strict=True)]
    values = np.array(
        [
            np.nan if (m or np.isnan(v)) else scaled(v, r.scale, measure.decimals)
            for v, m in zip(values, missing, strict=True)
        ],
        dtype="float64",
    )
    obs = pd.DataFrame(
        {
            "indicator": ind.id,
            "region": regions.values,
            "period": periods,
            "value": values,
            "status": final_status,
        }
    )
    obs = obs[obs["period"].notna()].reset_index(drop=True)
    dupes = obs.duplicated(["region", "period"], keep=False)
    if dupes.any():
        first = obs[dupes].iloc[0]
        raise SourceError(
            f"CBS table {meta.table_id}: more than one value for {ind.id} {first.region} {first.period}; "
            f"a dimension is not pinned to one category"
        )
    reasons = Counter(x for x in sub["reason"].tolist() if isinstance(x, str) and x)
    scale, _ = unit_scale(measure.unit)
    record = {
        "source": meta.table_id,
        "api": meta.api,
        "measure": {
            "key": measure.key,
            "title": measure.title,
            "group": measure.group,
            "matched_by": r.matched,
            "unit": measure.unit,
            "scale": scale,
            "decimals": measure.decimals,
        },
        "categories": {k: {"code": c.code, "title": c.title, "how": how} for k, (c, how) in r.cats.items()},
        "period_type": r.kind,
        "rows": int(len(obs)),
        "levels": dict(Counter(level_of[c] for c in obs["region"]).most_common()),
        "missing": dict(reasons.most_common()),
        "dropped_regions": sorted(dropped)[:40],
        "dropped_rows": int(sum(dropped.values())),
        "skipped_periods": skipped_periods,
        "catalogue_unit": ind.unit,
    }
    return obs, record
