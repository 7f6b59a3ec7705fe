"""``indicators.csv``: the figures behind a quarter's briefings, as one tidy table.

One row per indicator, region and period (up to the quarter) for the indicators the
briefings and factsheets show, for the focus region, its municipalities and its benchmarks
(province, the Netherlands, peer regions), and all 40 COROP regions and 12 provinces behind
every rank, with unit, status and source, so that anyone can check or reuse a number
without opening a notebook. ``rank`` is the place of a COROP region among the 40 (a province
among the 12) by the one ranking of every page (:mod:`signaal.signals.ranking`: on the values
as shown, a shared place written ``21-23``), where the briefings rank the level itself; ``rank_of``
how many regions had a figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..periods import Period
from ..signals.ranking import places, short_places

COLUMNS = (
    "indicator",
    "title",
    "theme",
    "region",
    "region_name",
    "level",
    "role",
    "period",
    "value",
    "unit",
    "status",
    "source",
    "table",
    "rank",
    "rank_of",
)


def regions_with_roles(focus: str) -> dict[str, str]:
    """Region code → its role in the briefing: focus, gemeente, provincie, land, peer."""
    from ..regions import registry

    reg = registry()
    roles = {focus: "focus"}
    for code in reg.children(focus, "gemeente"):
        roles[code] = "gemeente"
    province = reg.province_of(focus)
    if province:
        roles[province] = "provincie"
    roles[reg.national] = "land"
    for code in reg.peers(focus):
        roles.setdefault(code, "peer")
    for level in ("corop", "provincie"):  # every region behind a rank
        for code in reg.codes(level):
            roles.setdefault(code, level)
    return roles


def _long(table: pd.DataFrame) -> pd.DataFrame:
    """A wide table (periods × regions) as rows of period, region and value, the missing values
    left out: what ``melt`` makes, region by region, built from the array at once (``melt``
    takes a few hundredths of a second a table, most of the indicators file's time)."""
    periods, regions = table.index.to_numpy(dtype=object), table.columns.to_numpy(dtype=object)
    long = pd.DataFrame(
        {
            "period": np.tile(periods, len(regions)),
            "region": np.repeat(regions, len(periods)),
            "value": table.to_numpy(dtype=float).ravel(order="F"),
        }
    )
    return long[long["value"].notna()].reset_index(drop=True)


def _ranks(long: pd.DataFrame, ind) -> pd.DataFrame:
    """``rank`` and ``rank_of`` for the COROP and province rows of an indicator whose level the
    briefings rank (not counts, not index numbers): by period, within the level, with the
    ranking of every page and chart (:func:`~signaal.signals.ranking.places`), for all
    periods at once."""
    if ind.additive or ind.unit == "index":
        return long.assign(rank="", rank_of="")
    rows = long[long["level"].isin(("corop", "provincie"))]
    found = places(rows["value"], ind.polarity, ind.decimals, by=[rows["period"], rows["level"]])
    return long.assign(
        rank=short_places(found).reindex(long.index, fill_value=""),
        rank_of=found["n"].astype(str).reindex(long.index, fill_value=""),
    )


def _status(data, indicator: str) -> pd.DataFrame:
    """Status per (region, period): a stored indicator's own, a derived one 'voorlopig' when
    any input is."""
    obs = data.observations
    deps = data.cat.dependencies(indicator)
    rows = obs[obs["indicator"].isin(deps)]
    if rows.empty:
        return pd.DataFrame(columns=["region", "period", "status"])
    if len(deps) == 1 and deps[0] == indicator:
        return rows[["region", "period", "status"]]
    prov = rows.assign(prov=rows["status"] != "definitief").groupby(["region", "period"], as_index=False)["prov"].any()
    prov["status"] = prov["prov"].map({True: "voorlopig", False: "definitief"})
    return prov[["region", "period", "status"]]


def indicator_table(data, focus: str, quarter: Period, indicators: list[str], lang: str = "nl") -> pd.DataFrame:
    """The tidy table of ``indicators`` for the focus region and its benchmarks, each row
    citing the table its numbers were read from in this vintage (as the briefings do)."""
    from ..store.diff import table_id

    roles = regions_with_roles(focus)
    reg, cat = data.reg, data.cat
    manifest = data.vintage.manifest
    frames = []
    for ind_id in indicators:
        if ind_id not in cat:
            continue
        ind = cat[ind_id]
        table = data.table(ind_id, [c for c in roles], up_to=quarter)
        if table.empty:
            continue
        long = _long(table)
        if long.empty:
            continue
        long = long.merge(_status(data, ind_id), on=["region", "period"], how="left")
        src = ind.source
        codes = long["region"].unique()  # per region and per period once, not per row
        long = long.assign(
            indicator=ind.id,
            title=ind.title.get(lang),
            theme=ind.theme,
            unit=ind.unit,
            region_name=long["region"].map({c: reg.display_name(c, lang) for c in codes}),
            level=long["region"].map({c: reg[c].level for c in codes}),
            role=long["region"].map({c: roles[c] for c in codes}),
            source=src.publisher + (f" — {src.family}" if src.family else ""),
            table=table_id(manifest, ind) or ("derived" if src.kind == "derived" else ""),
        )
        long = _ranks(long, ind)
        long["_order"] = long["period"].map({p: Period.parse(p).end() for p in long["period"].unique()})
        frames.append(long.sort_values(["_order", "region"]).drop(columns="_order"))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out["status"] = out["status"].fillna("")
    return out.loc[:, list(COLUMNS)]


def plain_number(value) -> str:
    """A number as the shortest decimal that reads back as the same float, never in scientific
    notation (8059571.25 stays 8059571.25, not 8.05957e+06; 0.00001 is 0.00001); '' for missing."""
    if value is None or pd.isna(value):
        return ""
    return np.format_float_positional(float(value), trim="-")


def write_indicators_csv(table: pd.DataFrame, path: Path) -> None:
    """``indicators.csv`` with every value at full precision, written atomically."""
    from ..files import write_atomic

    out = table.copy()
    out["value"] = out["value"].map(plain_number)
    write_atomic(Path(path), out.to_csv(index=False).encode("utf-8"))
