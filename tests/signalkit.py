"""Helpers for the signal tests: a real vintage in a temporary store from constructed series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from signaal.catalogue import load_catalogue
from signaal.indicators.data import Data
from signaal.periods import Period
from signaal.regions import registry
from signaal.store.vintage import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CATALOGUE = FIXTURES / "signals_catalogue.yaml"
COROP = registry().codes("corop")
PROVINCES = registry().codes("provincie")


def test_catalogue():
    return load_catalogue(CATALOGUE)


def years(first: int, values) -> dict[str, float]:
    return {str(first + i): float(v) for i, v in enumerate(values)}


def quarters(first: str, values) -> dict[str, float]:
    p = Period.parse(first)
    return {str(p.shift(i)): float(v) for i, v in enumerate(values)}


def make_data(tmp_path: Path, series: dict[tuple[str, str], dict[str, float]], cat=None, vintage: str = "t1") -> Data:
    """A Data over a real store vintage holding ``{(indicator, region): {period: value}}``."""
    rows = [
        {"indicator": ind, "region": region, "period": period, "value": value, "status": "definitief"}
        for (ind, region), values in series.items()
        for period, value in values.items()
    ]
    store = Store(tmp_path / "data")
    v = store.write_vintage(pd.DataFrame(rows), {"source": "test"}, vintage_id=vintage)
    return Data(v, cat=cat if cat is not None else test_catalogue())


def spread_regions(indicator: str, periods: list[str], base: float, step: float = 0.1, skip=()) -> dict:
    """All 40 COROP regions with distinct, constant values around ``base`` (a comparison set)."""
    out = {}
    for i, code in enumerate(c for c in COROP if c not in skip):
        out[(indicator, code)] = {p: base + (i - 20) * step for p in periods}
    return out
