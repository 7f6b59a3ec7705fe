"""Indicators: the catalogue's series read from a vintage, derived ones computed.

This is what notebooks, charts and signals ask for data::

    data = Data.open()                          # newest vintage, else the bundled sample
    data.table("werkloosheid", ["CR12", "NL01"])  # periods × regions
    data.series("spanning", "PV23")             # a derived indicator (vacancies / short WW)
    data.series("ww_uitkeringen", "CR12", freq="Q")   # monthly stock → quarterly mean
    data.table("mediaan_inkomen_reeel")         # nominal euros deflated with the CPI

Tables are indexed by the store's period labels (``2025``, ``2026Q3``), in time order, and
hold floats (NaN where a value is missing). ``up_to`` cuts a series at the end of a quarter,
which is what a briefing "for 2026Q3" may show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..catalogue import Catalogue, Indicator, catalogue
from ..errors import DataError
from ..periods import Period
from ..regions import Registry, registry
from ..store.provenance import DERIVED, REAL, SYNTHETIC, Provenance
from ..store.vintage import Store, Vintage

_FREQ_RANK = {"M": 0, "Q": 1, "Y": 2}


def _sort_index(df: pd.DataFrame) -> pd.DataFrame:
    return df.loc[sorted(df.index, key=Period.parse)]


def resample(table: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Average a monthly or quarterly table to a coarser frequency; only complete periods."""
    if table.empty:
        return table
    src = Period.parse(table.index[0]).freq
    if src == freq:
        return table
    if _FREQ_RANK[freq] < _FREQ_RANK[src]:
        raise DataError(f"cannot turn {src} data into finer {freq} data")
    target = [str(Period.parse(p).quarter() if freq == "Q" else Period.parse(p).year) for p in table.index]
    need = {("M", "Q"): 3, ("M", "Y"): 12, ("Q", "Y"): 4}[(src, freq)]
    grouped = table.groupby(target, sort=False)
    means = grouped.mean()
    counts = grouped.count()
    means = means.where(counts >= need)
    return _sort_index(means)


@dataclass
class Data:
    """Access to the indicators of one vintage."""

    vintage: Vintage
    cat: Catalogue = field(default_factory=catalogue)
    reg: Registry = field(default_factory=registry)
    # each stored indicator's table, made once from the observations it was made of (a
    # briefing asks for some tables many times): the observations are read, not changed in
    # place (a change made in place after a table was made is not in that table)
    _stored_tables: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    _stored_from: object = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, vintage: str | None = None, data_dir: Path | str | None = None) -> Data:
        store = Store(Path(data_dir) if data_dir else config.data_dir())
        return cls(store.resolve(vintage or None))

    @property
    def observations(self) -> pd.DataFrame:
        return self.vintage.observations

    @property
    def provenance(self) -> Provenance:
        """Which figures of the vintage are real, derived or synthetic (see :mod:`signaal.store.provenance`)."""
        return Provenance.of(self.vintage.manifest)

    # ---- real, derived or synthetic ------------------------------------------------
    def levels(self, indicator: str) -> list[str]:
        """The levels an indicator has: the catalogue's, and for a stored indicator also the
        levels the vintage derived (a COROP total summed from its municipalities)."""
        ind = self.cat[indicator]
        out: list[str] = list(ind.levels)
        if ind.transform is None:
            out += [lvl for lvl in self.provenance.levels(indicator) if lvl not in out]
        return out

    def figure_kinds(self, indicator: str) -> dict[str, str]:
        """Per level the indicator has figures at: ``real``, ``derived`` or ``synthetic``. A
        vintage that records it says so per level (the sample); otherwise every catalogue level
        is real (a live vintage) or synthetic (a sample without the record). A computed indicator
        has the levels all its inputs have (a national-only input, the CPI, counts at every
        level) and is synthetic where any input is, derived where any is, else real."""
        ind = self.cat[indicator]
        prov = self.provenance
        if ind.transform is None:
            recorded = prov.levels(indicator)
            return recorded or {lvl: prov.kind(indicator, lvl) for lvl in ind.levels}
        t = ind.transform
        inputs = [self.figure_kinds(op) for op in (t.numerator, t.denominator, t.of, t.deflator) if op]
        out: dict[str, str] = {}
        for lvl in ind.levels:
            kinds = [dep.get(lvl) or (dep.get("land") if set(dep) == {"land"} else None) for dep in inputs]
            if all(kinds):
                out[lvl] = SYNTHETIC if SYNTHETIC in kinds else DERIVED if DERIVED in kinds else REAL
        return out

    def is_synthetic(self, indicator: str, region: str | None = None) -> bool:
        """Whether the indicator's figures (for ``region``'s level, else any level) are synthetic."""
        kinds = self.figure_kinds(indicator)
        if region is not None:
            return kinds.get(self.reg[region].level, SYNTHETIC if self.vintage.is_sample else REAL) == SYNTHETIC
        return SYNTHETIC in kinds.values()

    def real_table(self, indicator: str) -> str | None:
        """The real table behind an indicator (a computed one: its first input with one)."""
        found = self.provenance.table(indicator)
        if found or self.cat[indicator].transform is None:
            return found
        return next(
            (self.provenance.table(d) for d in self.cat.dependencies(indicator) if self.provenance.table(d)), None
        )

    # ---- stored and derived tables -----------------------------------------------
    def _stored(self, ind: Indicator) -> pd.DataFrame:
        obs = self.observations
        if obs is not self._stored_from:  # another vintage (or table) since
            self._stored_tables, self._stored_from = {}, obs
        made = self._stored_tables.get(ind.id)
        if made is None:
            sub = obs[obs["indicator"] == ind.id]
            if sub.empty:
                made = pd.DataFrame(dtype=float)
            else:
                made = _sort_index(sub.pivot(index="period", columns="region", values="value").astype(np.float64))
            self._stored_tables[ind.id] = made
        return made.copy()  # the caller's own

    def _derived(self, ind: Indicator) -> pd.DataFrame:
        transform = ind.transform
        assert transform is not None
        if transform.kind == "ratio":
            assert transform.numerator and transform.denominator  # the catalogue's schema requires them
            num = self.table(transform.numerator, freq=ind.frequency)
            den = self.table(transform.denominator, freq=ind.frequency)
            return (num / den.replace(0, np.nan)).dropna(how="all", axis=1).dropna(how="all")
        assert transform.of  # every other transform names what it is computed from (schema)
        base = self.table(transform.of, freq=ind.frequency)
        if transform.kind == "growth":
            prev = base.shift(1)
            # only consecutive periods count as growth
            idx = [Period.parse(p) for p in base.index]
            consecutive = [i > 0 and idx[i - 1].shift(1) == idx[i] for i in range(len(idx))]
            growth = (base / prev - 1) * 100
            growth[~np.array(consecutive)] = np.nan
            return growth.iloc[1:]
        if transform.kind == "per_1000":
            pop = self.table("bevolking")
            years = [str(Period.parse(p).year) for p in base.index]
            pop_aligned = pop.reindex(years)
            pop_aligned.index = base.index
            return base / pop_aligned * 1000
        if transform.kind == "real_terms":
            return self._real_terms(base, transform.deflator or "cpi", transform.prices_of)
        if transform.kind == "cumulative_change":
            since = str(transform.since)
            if since not in base.index:
                return pd.DataFrame(dtype=float)
            after = base.loc[[p for p in base.index if Period.parse(p) >= Period.parse(since)]]
            return after - base.loc[since]
        raise DataError(f"indicator {ind.id!r}: unknown transform {transform.kind!r}")

    def _real_terms(self, nominal: pd.DataFrame, deflator: str, prices_of: str | None) -> pd.DataFrame:
        """Nominal money in the prices of one year: value × CPI(prices_of) / CPI(its year).

        The CPI is national (it has no regions), so every region is deflated alike; a period
        is computed only where the CPI of its year exists (a yearly CPI; quarters use their
        year's). ``prices_of`` defaults to the latest year of the CPI."""
        cpi_table = self.table(deflator, freq="Y")
        if nominal.empty or cpi_table.empty or self.reg.national not in cpi_table:
            return pd.DataFrame(dtype=float)
        cpi = cpi_table[self.reg.national].dropna()
        ref_year = str(prices_of) if prices_of else str(cpi.index[-1])
        if ref_year not in cpi.index:
            raise DataError(f"no {deflator} figure for {ref_year}, the year whose prices the real-terms series uses")
        years = [str(Period.parse(p).year) for p in nominal.index]
        factor = (cpi[ref_year] / cpi.reindex(years)).to_numpy()
        out = nominal.mul(factor, axis=0)
        return out.dropna(how="all")

    def table(
        self,
        indicator: str,
        regions: list[str] | None = None,
        freq: str | None = None,
        up_to: Period | str | None = None,
    ) -> pd.DataFrame:
        """Periods × regions for one indicator (derived ones computed)."""
        ind = self.cat[indicator]
        table = self._stored(ind) if ind.transform is None else self._derived(ind)
        if freq and not table.empty:
            table = resample(table, freq)
        if up_to is not None and not table.empty:
            q = Period.parse(str(up_to)) if not isinstance(up_to, Period) else up_to
            table = table.loc[[p for p in table.index if Period.parse(p).within(q)]]
        if regions is not None:
            table = table.reindex(columns=[r for r in regions])
        return table

    def series(self, indicator: str, region: str, **kw) -> pd.Series:
        table = self.table(indicator, [region], **kw)
        if table.empty:
            return pd.Series(dtype=float, name=region)
        return table[region].dropna()

    def flow_per_1000(self, indicator: str, up_to: Period | str | None = None) -> tuple[pd.Series, str, str] | None:
        """For a flow (homes completed per quarter): the sum over the last year of periods per
        1,000 inhabitants, per region — the way flows of regions of different size compare.
        Returns (values by region, first period, last period) or None."""
        table = self.table(indicator, up_to=up_to)
        if table.empty:
            return None
        per_year = Period.parse(table.index[-1]).per_year
        last_rows = table.iloc[-per_year:]
        if len(last_rows) < per_year:
            return None
        sums = last_rows.sum(min_count=per_year)
        year = str(Period.parse(table.index[-1]).year)
        pop = self.table("bevolking")
        years = [p for p in pop.index if p <= year]
        if not years:
            return None
        per_1000 = sums / pop.loc[years[-1]].reindex(sums.index) * 1000
        return per_1000.dropna(), str(last_rows.index[0]), str(last_rows.index[-1])

    def not_published(self, indicator: str, focus: str) -> bool:
        """True when CBS publishes the indicator for the focus region's municipalities but not for
        the region itself (average sale prices: no COROP figure, and none can be derived without
        the number of sales): a page then shows the municipalities and says so, and the signals
        that need the region's figure are skipped. A province proxy (``proxy_note``) and a
        labour-market region that covers the same area are not this case."""
        ind = self.cat[indicator]
        levels = self.levels(indicator)
        level = self.reg[focus].level
        if level in levels or ind.proxy_note is not None:
            return False
        if "arbeidsmarktregio" in levels and self._labour_market_region(focus):
            return False
        return "gemeente" in levels and level != "gemeente"

    def _labour_market_region(self, focus: str) -> str | None:
        return self.reg.labour_market_region(focus) if self.reg[focus].level == "corop" else None

    def display_region(self, indicator: str, focus: str) -> str:
        """The region a page shows for a focus region: itself; the labour-market region that
        covers the same municipalities (WW benefits per ``AM`` region); else its province (a
        proxy, or the context of a page whose region figure is not published, see
        :meth:`not_published`); else the Netherlands."""
        levels = self.levels(indicator)
        level = self.reg[focus].level
        if level in levels:
            return focus
        am = self._labour_market_region(focus) if "arbeidsmarktregio" in levels else None
        if am:
            return am
        for anc in self.reg.ancestors(focus):
            if self.reg[anc].level in levels:
                return anc
        return self.reg.national
