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

    from signaal.signals.compass import compass, compass_html, btg_html
    c = compass(data, "CR12", "2026Q3")
    c.focus_rank, c.rank_range          # e.g. 24, (19, 29)
    html = btg_html(data, "CR12", "2026Q3", "nl") + compass_html(c, "nl")
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..charts import Chart
from ..errors import DataError
from ..files import write_atomic
from ..indicators import Data
from ..periods import Period
from ..text import check_lang, t, upper_first
from .charts import sensitivity_chart

DIMENSIONS: dict[str, list[str]] = {
    "inkomen": ["mediaan_inkomen", "laag_inkomen"],
    "werk": ["netto_arbeidsparticipatie", "werkloosheid"],
    "ontwikkeling": ["hoogopgeleiden", "levenlang_leren", "voortijdig_schoolverlaters"],
}
# Proxies for a dimension that are not measured per COROP region, and why they stay out.
EXCLUDED = {"spanning": "compass_excluded_spanning"}
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
        shifted = x - x.min() + 1.0   # the lowest region scores 1 on every indicator
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
    years: dict[str, str]            # indicator → the year used
    raw: pd.DataFrame                # COROP x indicator, as published
    national: pd.Series              # NL value per indicator (same years), for context
    scores: pd.DataFrame             # COROP x indicator, base normalisation (0–100, higher = better)
    dimension_scores: pd.DataFrame   # COROP x dimension (base)
    composite: pd.Series             # COROP, base composite (0–100)
    ranks: pd.Series                 # COROP, base rank (1 = highest)
    sensitivity: pd.DataFrame        # one row per variant, with every region's rank
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
        return pd.DataFrame({
            "base": self.ranks, "low": vr.min().astype(int), "high": vr.max().astype(int), "median": vr.median(),
        })

    def indicator_ranks(self) -> pd.DataFrame:
        """COROP x indicator ranks on each sub-indicator (1 = most favourable)."""
        return orient(self.raw, self.polarity).rank(ascending=False, method="min").astype(int)

    def table(self) -> pd.DataFrame:
        """All regions: raw values, sub-scores, dimension scores, composite and ranks (for a CSV)."""
        out = pd.concat(
            [self.raw.add_prefix("waarde_"), self.scores.add_prefix("score_"),
             self.dimension_scores.add_prefix("dimensie_"),
             pd.DataFrame({"kompas": self.composite}), self.rank_table.add_prefix("plaats_")],
            axis=1,
        )
        return out.sort_values("plaats_base")


def _complete_year(table: pd.DataFrame, regions: list[str]) -> str | None:
    for period in reversed(list(table.index)):
        row = table.loc[period].reindex(regions)
        if row.notna().all():
            return period
    return None


def compass(
    data: Data,
    region: str,
    quarter: str | Period | None = None,
    dimensions: dict[str, list[str]] | None = None,
) -> Compass:
    """The compass for a focus COROP region: composite, sub-scores, ranks and sensitivity.

    For each indicator the latest year (up to the quarter) in which all COROP regions have a
    figure is used; an indicator without such a year is an error naming it.
    """
    from ..briefing import resolve_quarter

    dims = dimensions or DIMENSIONS
    reg, cat = data.reg, data.cat
    focus = reg.focus(region).code
    q = resolve_quarter(data, quarter)
    corop = reg.codes("corop")
    raw, years, national, polarity = {}, {}, {}, {}
    for ids in dims.values():
        for ind_id in ids:
            ind = cat[ind_id]
            if "corop" not in ind.levels:
                raise DataError(f"compass indicator {ind_id!r} is not published per COROP region; valid: indicators with level corop")
            table = data.table(ind_id, freq="Y" if ind.frequency != "Y" else None, up_to=q)
            year = _complete_year(table, corop) if not table.empty else None
            if year is None:
                raise DataError(f"compass indicator {ind_id!r} has no year up to {q} with figures for all {len(corop)} COROP regions")
            raw[ind_id] = table.loc[year, corop].astype(float)
            years[ind_id] = year
            national[ind_id] = float(table.loc[year, reg.national]) if reg.national in table.columns else np.nan
            polarity[ind_id] = ind.polarity
    raw_df = pd.DataFrame(raw)[[i for ids in dims.values() for i in ids]]
    oriented = orient(raw_df, polarity)
    base_norm, base_weights, base_agg = BASE
    scores = normalise(oriented, base_norm)
    dim_scores = pd.DataFrame({d: scores[ids].mean(axis=1) for d, ids in dims.items()})
    composite = aggregate(scores, weights(dims, base_weights), base_agg)

    schemes = ["dimension", "indicator"] + [f"without:{i}" for ids in dims.values() for i in ids if sum(map(len, dims.values())) > 1]
    rows = []
    normalised = {m: normalise(oriented, m) for m in NORMALISATIONS}
    for norm, scheme, agg in itertools.product(NORMALISATIONS, schemes, AGGREGATIONS):
        comp = aggregate(normalised[norm], weights(dims, scheme), agg)
        r = ranks(comp)
        rows.append({"normalisation": norm, "weighting": scheme, "aggregation": agg,
                     "focus_score": float(comp[focus]), **r.to_dict()})
    sensitivity = pd.DataFrame(rows)
    excluded = [i for i in EXCLUDED if i in cat and i not in raw_df.columns]
    c = Compass(
        focus=focus, quarter=q, dimensions=dims, years=years, raw=raw_df, national=pd.Series(national),
        scores=scores, dimension_scores=dim_scores, composite=composite, ranks=ranks(composite),
        sensitivity=sensitivity, excluded=excluded, polarity=polarity,
    )
    return c


def write_compass(c: Compass, folder: Path | str) -> Path:
    """``kompas.csv``: every COROP region's values, sub-scores, dimension scores and ranks."""
    path = Path(folder) / "kompas.csv"
    write_atomic(path, c.table().round(4).to_csv(index_label="regio"))
    return path


# ---------------------------------------------------------------------------- HTML
def _name(data: Data | None, code: str, lang: str) -> str:
    if data is None:
        return code
    if code == data.reg.national:
        return upper_first(t("netherlands", lang))
    return data.reg[code].name(lang)


def compass_chart(c: Compass, lang: str, data: Data | None = None) -> Chart:
    k = len(c.sensitivity)
    low, high = c.rank_range
    names = {code: _name(data, code, lang) for code in c.composite.index}
    alt = t("compass_chart_alt", lang, n=c.n, k=k, region=names[c.focus], rank=c.focus_rank, low=low, high=high)
    return sensitivity_chart(
        c.rank_table, c.focus, names, alt, t("compass_chart_x", lang),
        t("compass_chart_base", lang), t("compass_chart_range", lang),
    )


def compass_html(c: Compass, lang: str = "nl", data: Data | None = None) -> str:
    """The compass block: what it is (ours), the focus region's rank and its range over the
    variants, the table of sub-indicators and dimensions, and the sensitivity chart."""
    lang = check_lang(lang)
    if data is None:
        data = Data.open()
    region = _name(data, c.focus, lang)
    low, high = c.rank_range
    median = float(c.sensitivity[c.focus].median())
    k_ind = sum(len(ids) for ids in c.dimensions.values())
    ind_ranks = c.indicator_ranks()
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in (
        t("compass_col_dimension", lang), t("compass_col_indicator", lang), t("compass_col_year", lang),
        t("compass_col_value", lang, region=region), upper_first(t("netherlands", lang)),
        t("compass_col_score", lang, region=region), t("compass_col_rank", lang, n=c.n),
    ))
    body = []
    dim_ranks = c.dimension_scores.rank(ascending=False, method="min").astype(int)
    for dim, ids in c.dimensions.items():
        for i, ind_id in enumerate(ids):
            ind = data.cat[ind_id]
            dim_cell = f'<th scope="rowgroup" rowspan="{len(ids) + 1}">{escape(t(f"compass_dimension_{dim}", lang))}</th>' if i == 0 else ""
            body.append(
                f"<tr>{dim_cell}<td>{escape(ind.title.get(lang))}</td><td>{escape(c.years[ind_id])}</td>"
                f"<td class=\"num\">{escape(fmt.value(c.raw.loc[c.focus, ind_id], ind.unit, ind.decimals, lang))}</td>"
                f"<td class=\"num\">{escape(fmt.value(c.national[ind_id], ind.unit, ind.decimals, lang))}</td>"
                f"<td class=\"num\">{escape(fmt.number(c.scores.loc[c.focus, ind_id], 0, lang))}</td>"
                f"<td class=\"num\">{int(ind_ranks.loc[c.focus, ind_id])}</td></tr>"
            )
        body.append(
            f'<tr class="compass-dimension"><td>{escape(t("compass_dimension_score", lang))}</td><td></td><td></td><td></td>'
            f'<td class="num">{escape(fmt.number(c.dimension_scores.loc[c.focus, dim], 0, lang))}</td>'
            f'<td class="num">{int(dim_ranks.loc[c.focus, dim])}</td></tr>'
        )
    body.append(
        f'<tr class="compass-total"><th scope="row" colspan="5">{escape(t("compass_total", lang))}</th>'
        f'<td class="num">{escape(fmt.number(c.composite[c.focus], 0, lang))}</td><td class="num">{c.focus_rank}</td></tr>'
    )
    chart = compass_chart(c, lang, data)
    tables = sorted({data.cat[i].source.table for ids in c.dimensions.values() for i in ids if data.cat[i].source.table})
    excluded = ""
    if c.excluded:
        why = " ".join(t(EXCLUDED[i], lang) for i in c.excluded)
        excluded = f'<p class="compass-note">{escape(t("compass_excluded", lang, names=", ".join(data.cat[i].title.get(lang) for i in c.excluded), why=why))}</p>'
    return (
        '<section class="compass">'
        f'<h2 class="compass-title">{escape(t("compass_title", lang))}</h2>'
        f'<p class="compass-intro">{escape(t("compass_intro", lang, k=k_ind, n=c.n, normalisation=t("compass_norm_minmax", lang)))}</p>'
        f'<p class="compass-rank">{escape(t("compass_rank_line", lang, region=region, rank=c.focus_rank, n=c.n))} '
        f'{escape(t("compass_sensitivity_line", lang, k=len(c.sensitivity), low=low, high=high, median=fmt.number(median, 0 if median.is_integer() else 1, lang)))}</p>'
        f'<table class="compass-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<figure class="compass-chart"><figcaption class="compass-chart-title">{escape(t("compass_chart_title", lang, k=len(c.sensitivity)))}</figcaption>'
        f'{chart.svg}<p class="sr-only">{escape(chart.alt)}</p></figure>'
        f"{excluded}"
        f'<p class="source">{escape(t("compass_source", lang, tables=", ".join(tables)))}</p>'
        "</section>"
    )


# ---------------------------------------------------------------------------- published BTG
BTG_INDICATOR = "btg_rapportcijfer"


def btg_published(data: Data, region: str, quarter: str | Period | None = None) -> pd.DataFrame:
    """The published Bruto Twents Geluk marks (years x [region, NL]), exactly as stored."""
    from ..briefing import resolve_quarter

    focus = data.reg.focus(region).code
    q = resolve_quarter(data, quarter)
    if BTG_INDICATOR not in data.cat:
        return pd.DataFrame()
    table = data.table(BTG_INDICATOR, [focus, data.reg.national], up_to=q)
    return table.dropna(how="all")


def btg_html(data: Data, region: str, quarter: str | Period | None = None, lang: str = "nl") -> str:
    """The published marks as a small table with their source, apart from our compass."""
    lang = check_lang(lang)
    focus = data.reg.focus(region).code
    table = btg_published(data, focus, quarter)
    name = _name(data, focus, lang)
    ind = data.cat[BTG_INDICATOR]
    parts = ['<section class="btg">', f'<h2 class="btg-title">{escape(t("btg_title", lang))}</h2>',
             f'<p class="btg-intro">{escape(t("btg_intro", lang))}</p>']
    if table.empty or focus not in table or table[focus].dropna().empty:
        parts.append(f'<p class="btg-none">{escape(t("btg_none", lang, region=name))}</p>')
    else:
        cols = [c for c in table.columns if table[c].notna().any()]
        head = f'<th scope="col">{escape(t("btg_col_year", lang))}</th>' + "".join(
            f'<th scope="col">{escape(_name(data, c, lang))}</th>' for c in cols)
        rows = "".join(
            f'<tr><th scope="row">{escape(p)}</th>'
            + "".join(f'<td class="num">{escape(fmt.value(table.loc[p, c], ind.unit, ind.decimals, lang))}</td>' for c in cols)
            + "</tr>"
            for p in table.index
        )
        parts.append(f'<table class="btg-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    parts.append(f'<p class="source">{escape(t("source_line_manual", lang, publisher=ind.source.publisher))}</p>')
    parts.append("</section>")
    return "".join(parts)
