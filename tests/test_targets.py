"""Board targets: loading, and progress toward a dated cumulative target (the Woondeal)."""

import math

import pandas as pd
import pytest

from signaal.periods import Period
from signaal.targets import Target, progress, targets_for

WOONDEAL = Target(
    id="woondeal", region="CR12", indicator="woningvoorraad", kind="cumulative", value=14100,
    start="2022Q4", by="2030Q4", label_nl="x", label_en="x", source_url="https://example.org/",
)


def stock(until: str, per_quarter: float = 100.0) -> pd.Series:
    """A housing stock of 1.000 at the end of 2022 that grows by ``per_quarter`` a quarter."""
    periods, p = [], Period.parse("2022Q2")
    while p <= Period.parse(until):
        periods.append(p)
        p = p.shift(1)
    start = Period.parse("2022Q4")
    return pd.Series([1000 + per_quarter * (q.ordinal - start.ordinal) for q in periods], index=[str(q) for q in periods])


def test_progress_after_a_year_uses_the_last_years_pace():
    prog = progress(stock("2023Q4"), WOONDEAL)
    assert prog.done == 400 and prog.basis == "last_year" and prog.pace_per_year == 400
    assert prog.years_left == 7
    assert prog.needed_per_year == pytest.approx((14100 - 400) / 7)
    assert prog.projection == 400 + 400 * 7 and not prog.on_track
    assert prog.share == pytest.approx(400 / 14100 * 100)


def test_progress_in_the_first_year_uses_the_pace_so_far():
    prog = progress(stock("2023Q2", per_quarter=500), WOONDEAL)
    assert prog.done == 1000 and prog.basis == "so_far" and prog.pace_per_year == 2000
    assert prog.projection == pytest.approx(1000 + 2000 * 7.5) and prog.on_track


def test_nothing_to_say_before_or_at_the_start():
    assert progress(stock("2022Q3"), WOONDEAL) is None
    assert progress(stock("2022Q4"), WOONDEAL) is None
    assert progress(stock("2024Q4"), WOONDEAL, up_to=Period.parse("2022Q4")) is None


def test_up_to_cuts_the_series_at_the_briefing_quarter():
    prog = progress(stock("2026Q3"), WOONDEAL, up_to=Period.parse("2023Q4"))
    assert prog.last == Period.parse("2023Q4") and prog.done == 400
    assert not math.isnan(prog.needed_per_year)


def test_the_shipped_targets_load_and_name_their_sources():
    found = targets_for("CR12")
    assert {t.indicator for t in found} >= {"netto_arbeidsparticipatie", "woningvoorraad"}
    assert all(t.source_url.startswith("https://") for t in found)
    assert targets_for("CR10") == []
