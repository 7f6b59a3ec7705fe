"""The broad-welfare compass: our own composite of CBS indicators (PRODUCT.md §6).

"Brede-welvaartskompas (eigen samenstelling Signaal)" follows the OECD/JRC Handbook on
Constructing Composite Indicators and says so openly; it is *not* the published Bruto
Twents Geluk (a RaboResearch survey), which :func:`btg_published` shows separately, as
published, and which never enters the composite.

Base variant: every indicator is oriented so that higher is better, normalised across the
40 COROP regions with min–max (0–100), weighted equally within its dimension (income, work,
personal development), the three dimensions weighted equally, and aggregated
arithmetically. The sub-indicators, their scores and the dimension scores are published.

Sensitivity analysis: normalisations (min–max, z-score, rank) x weightings (equal per
dimension, equal per indicator, leaving each indicator out in turn) x aggregations
(arithmetic, geometric) → the range of every region's rank, and of the focus region's.
Geometric aggregation needs positive scores: each normalised indicator is shifted so that
the lowest region scores 1 (min–max and rank scores are on 0–100, z-scores in SD units).

Usage (e.g. in the brede-welvaart notebook)::

    from signaal.signals.compass import compass
    c = compass(data, "CR12", "2026Q3")
    c.focus_rank, c.rank_range          # e.g. 24, (19, 29)

The page that shows it is :mod:`signaal.briefing.compass` (``compass_html``, ``btg_html``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..errors import DataError
from ..files import write_atomic
from ..indicators.data import Data
from ..periods import Period

DIMENSIONS: dict[str, list[str]] = {
    "inkomen": ["mediaan_inkomen", "laag_inkomen"],
    "werk": ["netto_arbeidsparticipatie", "werkloosheid"],
    "ontwikkeling": ["hoogopgeleiden"],
}
# Proxies for a dimension that are not measured per COROP region, and why they stay out.
EXCLUDED = {
    "spanning": "compass_excluded_spanning",
    "levenlang_leren": "compass_excluded_not_corop",
    "voortijdig_schoolverlaters": "compass_excluded_not_corop",
}
NORMALISATIONS = ("minmax", "zscore", "rank")
AGGREGATIONS = ("linear", "geometric")
BASE = ("minmax", "dimension", "linear")


# ---------------------------------------------------------------------------- building blocks
def orient(raw: pd.DataFrame, polarity: dict[str, str]) -> pd.DataFrame:
    """Turn every column so that higher is better (lower-is-better columns are negated)."""
    out = raw.copy()
    for col in out.columns:
        if polarity.get(col) == "lower_is_better":
            out[col] = -out[col]
    return out


def normalise(oriented: pd.DataFrame, method: str) -> pd.DataFrame:
    """Normalise each column across the regions: ``minmax`` (0–100), ``zscore`` or ``rank`` (0–100)."""
    if method == "minmax":
        span = oriented.max() - oriented.min()
        return (oriented - oriented.min()) / span.replace(0, np.nan) * 100
    if method == "zscore":
        return (oriented - oriented.mean()) / oriented.std(ddof=1).replace(0, np.nan)
    if method == "rank":
        n = len(oriented)
        return (oriented.rank(method="average") - 1) / max(n - 1, 1) * 100
    raise ValueError(f"unknown normalisation {method!r}; valid: {', '.join(NORMALISATIONS)}")


def weights(dimensions: dict[str, list[str]], scheme: str) -> dict[str, float]:
    """Indicator weights (summing to 1): ``dimension`` (equal per dimension, then equal within),
    ``indicator`` (equal per indicator) or ``without:<id>`` (dimension scheme without one)."""
    if scheme == "indicator":
        ids = [i for ids in dimensions.values() for i in ids]
        return {i: 1 / len(ids) for i in ids}
    dims = dimensions
    if scheme.startswith("without:"):
        drop = scheme.split(":", 1)[1]
        dims = {d: [i for i in ids if i != drop] for d, ids in dimensions.items()}
        dims = {d: ids for d, ids in dims.items() if ids}
    elif scheme != "dimension":
        raise ValueError(f"unknown weighting {scheme!r}")
    return {i: 1 / len(dims) / len(ids) for ids in dims.values() for i in ids}


def aggregate(scores: pd.DataFrame, w: dict[str, float], method: str) -> pd.Series:
    """Weighted arithmetic or geometric mean of the columns in ``w``."""
    cols = list(w)
    wt = np.array([w[c] for c in cols])
    x = scores[cols]
    if method == "linear":
        return (x * wt).sum(axis=1) / wt.sum()
    if method == "geometric":
        shifted = x - x.min() + 1.0  # the lowest region scores 1 on every indicator
        return np.exp((np.log(shifted) * wt).sum(axis=1) / wt.sum())
    raise ValueError(f"unknown aggregation {method!r}; valid: {', '.join(AGGREGATIONS)}")


def ranks(composite: pd.Series) -> pd.Series:
    """1 = highest composite."""
    return composite.rank(ascending=False, method="min").astype(int)


# ---------------------------------------------------------------------------- the compass
@dataclass
class Compass:
    focus: str
    quarter: Period
    dimensions: dict[str, list[str]]
    years: dict[str, str]  # indicator → the year used
    raw: pd.DataFrame  # COROP x indicator, as published
    national: pd.Series  # NL value per indicator (same years), for context
    scores: pd.DataFrame  # COROP x indicator, base normalisation (0–100, higher = better)
    dimension_scores: pd.DataFrame  # COROP x dimension (base)
    composite: pd.Series  # COROP, base composite (0–100)
    ranks: pd.Series  # COROP, base rank (1 = highest)
    sensitivity: pd.DataFrame  # one row per variant, with every region's rank
    excluded: list[str] = field(default_factory=list)
    polarity: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.composite)

    @property
    def focus_rank(self) -> int:
        return int(self.ranks[self.focus])

    @property
    def variant_ranks(self) -> pd.DataFrame:
        """Variant x region ranks."""
        return self.sensitivity[list(self.composite.index)]

    @property
    def rank_range(self) -> tuple[int, int]:
        r = self.sensitivity[self.focus]
        return int(r.min()), int(r.max())

    @property
    def rank_table(self) -> pd.DataFrame:
        """Per region: base rank, lowest and highest rank over the variants, median rank."""
        vr = self.variant_ranks
        return pd.DataFrame(
            {
                "base": self.ranks,
                "low": vr.min().astype(int),
                "high": vr.max().astype(int),
                "median": vr.median(),
            }
        )

    def indicator_ranks(self) -> pd.DataFrame:
        """COROP x indicator ranks on each sub-indicator (1 = most favourable)."""
        return orient(self.raw, self.polarity).rank(ascending=False, method="min").astype(int)

    def table(self) -> pd.DataFrame:
        """All regions: raw values, sub-scores, dimension scores, composite and ranks (for a CSV)."""
        out = pd.concat(
            [
                self.raw.add_prefix("waarde_"),
                self.scores.add_prefix("score_"),
                self.dimension_scores.add_prefix("dimensie_"),
                pd.DataFrame({"kompas": self.composite}),
                self.rank_table.add_prefix("plaats_"),
            ],
            axis=1,
        )
        return out.sort_values("plaats_base")


def _complete_year(table: pd.DataFrame, regions: list[str]) -> str | None:
    for period in reversed(list(table.index)):
        row = table.loc[period].reindex(regions)
        if row.notna().all():
            return period
    return None


@dataclass
class _AllRegions:
    """What the compass of every focus region shares: the figures of all 40 regions, their
    scores and every sensitivity variant's composite and ranks."""

    years: dict[str, str]
    raw: pd.DataFrame
    national: pd.Series
    polarity: dict[str, str]
    scores: pd.DataFrame
    dimension_scores: pd.DataFrame
    composite: pd.Series
    variants: list[tuple[str, str, str, pd.Series, pd.Series]]  # (norm, scheme, agg, composite, ranks)


# (id of the data, quarter, dimensions) → (the data, its compass of all regions): a run of 40
# regions, whose board packs share a worker's data, scores the 40 regions once per worker.
_ALL_REGIONS: dict[tuple, tuple[Data, _AllRegions]] = {}


def compass(
    data: Data,
    region: str,
    quarter: str | Period | None = None,
    dimensions: dict[str, list[str]] | None = None,
) -> Compass:
    """The compass for a focus COROP region: composite, sub-scores, ranks and sensitivity.

    For each indicator the latest year (up to the quarter) in which all COROP regions have a
    figure is used; an indicator without such a year is an error naming it. The scores of
    all regions are computed once per data and quarter; each focus region gets its view.
    """
    dims = dimensions or DIMENSIONS
    focus = data.reg.focus(region).code
    q = data.vintage.resolve_quarter(quarter)
    key = (id(data), str(q), tuple((d, tuple(ids)) for d, ids in dims.items()))
    hit = _ALL_REGIONS.get(key)
    if hit is None or hit[0] is not data:
        if len(_ALL_REGIONS) >= 2:  # a run reads one vintage; a worker keeps no more alive
            _ALL_REGIONS.clear()
        hit = _ALL_REGIONS[key] = (data, _all_regions(data, q, dims))
    every = hit[1]
    rows = [
        {
            "normalisation": norm,
            "weighting": scheme,
            "aggregation": agg,
            "focus_score": float(comp[focus]),
            **r.to_dict(),
        }
        for norm, scheme, agg, comp, r in every.variants
    ]
    excluded = [i for i in EXCLUDED if i in data.cat and i not in every.raw.columns]
    return Compass(
        focus=focus,
        quarter=q,
        dimensions=dims,
        years=dict(every.years),
        raw=every.raw.copy(),
        national=every.national.copy(),
        scores=every.scores.copy(),
        dimension_scores=every.dimension_scores.copy(),
        composite=every.composite.copy(),
        ranks=ranks(every.composite),
        sensitivity=pd.DataFrame(rows),
        excluded=excluded,
        polarity=dict(every.polarity),
    )


def _all_regions(data: Data, q: Period, dims: dict[str, list[str]]) -> _AllRegions:
    reg, cat = data.reg, data.cat
    corop = reg.codes("corop")
    raw: dict[str, pd.Series] = {}
    years: dict[str, str] = {}
    national: dict[str, float] = {}
    polarity: dict[str, str] = {}
    for ids in dims.values():
        for ind_id in ids:
            ind = cat[ind_id]
            if "corop" not in ind.levels:
                raise DataError(
                    f"compass indicator {ind_id!r} is not published per COROP region; "
                    "valid: indicators with level corop"
                )
            table = data.table(ind_id, freq="Y" if ind.frequency != "Y" else None, up_to=q)
            year = _complete_year(table, corop) if not table.empty else None
            if year is None:
                raise DataError(
                    f"compass indicator {ind_id!r} has no year up to {q} "
                    f"with figures for all {len(corop)} COROP regions"
                )
            # one row label: the stubs allow a DataFrame and any scalar where pandas gives a row and a number
            raw[ind_id] = cast(pd.Series, table.loc[year, corop]).astype(float)
            years[ind_id] = year
            national[ind_id] = (
                float(cast(float, table.loc[year, reg.national])) if reg.national in table.columns else np.nan
            )
            polarity[ind_id] = ind.polarity
    raw_df = pd.DataFrame(raw)[[i for ids in dims.values() for i in ids]]
    oriented = orient(raw_df, polarity)
    base_norm, base_weights, base_agg = BASE
    scores = normalise(oriented, base_norm)
    several = sum(map(len, dims.values())) > 1
    schemes = ["dimension", "indicator"] + [f"without:{i}" for ids in dims.values() for i in ids if several]
    normalised = {m: normalise(oriented, m) for m in NORMALISATIONS}
    variants = []
    for norm, scheme, agg in itertools.product(NORMALISATIONS, schemes, AGGREGATIONS):
        comp = aggregate(normalised[norm], weights(dims, scheme), agg)
        variants.append((norm, scheme, agg, comp, ranks(comp)))
    return _AllRegions(
        years=years,
        raw=raw_df,
        national=pd.Series(national),
        polarity=polarity,
        scores=scores,
        dimension_scores=pd.DataFrame({d: scores[ids].mean(axis=1) for d, ids in dims.items()}),
        composite=aggregate(scores, weights(dims, base_weights), base_agg),
        variants=variants,
    )


def write_compass(c: Compass, folder: Path | str) -> Path:
    """``kompas.csv``: every COROP region's values, sub-scores, dimension scores and ranks."""
    path = Path(folder) / "kompas.csv"
    write_atomic(path, c.table().round(4).to_csv(index_label="regio"))
    return path


# ---------------------------------------------------------------------------- published BTG
BTG_INDICATOR = "btg_rapportcijfer"


def btg_published(data: Data, region: str, quarter: str | Period | None = None) -> pd.DataFrame:
    """The published Bruto Twents Geluk marks (years x [region, NL]), exactly as stored."""
    focus = data.reg.focus(region).code
    q = data.vintage.resolve_quarter(quarter)
    if BTG_INDICATOR not in data.cat:
        return pd.DataFrame()
    table = data.table(BTG_INDICATOR, [focus, data.reg.national], up_to=q)
    return table.dropna(how="all")
