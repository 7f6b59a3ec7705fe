"""The tidy observations table every stage shares: its columns, statuses and checks.

Sources produce it, the store keeps it in vintages, the indicators read it.
"""

from __future__ import annotations

import pandas as pd

from .errors import DataError
from .periods import Period

COLUMNS = ("indicator", "region", "period", "value", "status")
STATUSES = (
    "definitief",  # final
    "voorlopig",  # provisional
    "nader_voorlopig",  # revised provisional
    "ontbreekt",  # missing (CBS '.', empty cell)
    "geheim",  # secret (CBS 'x')
    "afgeschermd",  # censored count (DUO '<5')
)
MISSING_STATUSES = ("ontbreekt", "geheim", "afgeschermd")


def validate_observations(df: pd.DataFrame, where: str = "observations") -> pd.DataFrame:
    """Check the tidy table; return it with canonical dtypes. Raises DataError (one line)."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    out = df.loc[:, list(COLUMNS)].copy()
    for col in ("indicator", "region", "period", "status"):
        out[col] = out[col].astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    bad_status = sorted(set(out["status"].unique()) - set(STATUSES))  # unique(): not row by row
    if bad_status:
        raise DataError(f"{where}: unknown status {bad_status[0]!r}; valid: {', '.join(STATUSES)}")
    for period in out["period"].unique():
        try:
            Period.parse(period)
        except ValueError:
            raise DataError(f"{where}: unknown period {period!r}; expected 2025, 2026Q3 or 2026M09") from None
    dupes = out.duplicated(["indicator", "region", "period"], keep=False)
    if dupes.any():
        first = out[dupes].iloc[0]
        raise DataError(f"{where}: duplicate observation for {first.indicator} {first.region} {first.period}")
    present = out["value"].notna()
    wrong = out[present & out["status"].isin(MISSING_STATUSES)]
    if len(wrong):
        r = wrong.iloc[0]
        raise DataError(f"{where}: {r.indicator} {r.region} {r.period} has a value but status {r.status!r}")
    return out
