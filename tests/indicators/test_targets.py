"""Board targets: loading (a row that cannot be evaluated is refused), and progress toward a dated
cumulative target (the Woondeal)."""

import math

import pandas as pd
import pytest

from signaal.errors import DataError
from signaal.indicators.targets import Target, load_targets, progress, targets_for
from signaal.periods import Period

WOONDEAL = Target(
    id="woondeal",
    region="CR12",
    indicator="woningvoorraad",
    kind="cumulative",
    value=14100,
    start="2022Q4",
    by="2030Q4",
    label_nl="x",
    label_en="x",
    source_url="https://example.org/",
)


def stock(until: str, per_quarter: float = 100.0) -> pd.Series:
    """A housing stock of 1.000 at the end of 2022 that grows by ``per_quarter`` a quarter."""
    periods, p = [], Period.parse("2022Q2")
    while p <= Period.parse(until):
        periods.append(p)
        p = p.shift(1)
    start = Period.parse("2022Q4")
    return pd.Series(
        [1000 + per_quarter * (q.ordinal - start.ordinal) for q in periods], index=[str(q) for q in periods]
    )


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


# ---- loading doelen.csv ---------------------------------------------------------------------
HEAD = "id,region,indicator,kind,benchmark,value,start,by,label_nl,label_en,source_url\n"
URL = "https://example.org/doel"


def write(tmp_path, *rows):
    path = tmp_path / "doelen.csv"
    path.write_text(HEAD + "".join(f"{r},Doel,Target,{URL}\n" for r in rows), "utf-8")
    return path


def test_the_shipped_targets_load(root):
    targets = load_targets(root / "data" / "manual" / "doelen.csv")
    assert {t.kind for t in targets} == {"benchmark", "cumulative"}


def test_a_mistyped_benchmark_region_names_file_line_and_value(tmp_path):
    path = write(tmp_path, "a,CR12,werkloosheid,benchmark,NL01,,,", "b,CR12,hoogopgeleiden,benchmark,NL1,,,")
    with pytest.raises(DataError) as err:
        load_targets(path)
    msg = str(err.value)
    assert msg.startswith("doelen.csv line 3: benchmark: unknown region 'NL1'") and "did you mean 'NL01'" in msg


def test_a_cumulative_target_needs_an_additive_indicator(tmp_path):
    ok = "w,CR12,woningvoorraad,cumulative,,14100,2022Q4,2030Q4"
    assert [t.id for t in load_targets(write(tmp_path, ok))] == ["w"]
    path = write(tmp_path, ok, "u,CR12,werkloosheid,cumulative,,2,2022Q4,2030Q4")
    with pytest.raises(DataError) as err:
        load_targets(path)
    msg = str(err.value)
    assert msg.startswith("doelen.csv line 3:") and "'werkloosheid' is not additive" in msg
    assert "woningvoorraad" in msg  # an indicator that would do


def test_unknown_region_and_indicator_say_what_is_valid(tmp_path):
    with pytest.raises(DataError, match=r"doelen.csv line 2: region: unknown region 'CR121'; did you mean .*'CR12'"):
        load_targets(write(tmp_path, "a,CR121,werkloosheid,benchmark,NL01,,,"))
    with pytest.raises(DataError, match=r"line 2: unknown indicator 'werkloosheidd'; did you mean 'werkloosheid'"):
        load_targets(write(tmp_path, "a,CR12,werkloosheidd,benchmark,NL01,,,"))
