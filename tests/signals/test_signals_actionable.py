"""What a board can act on, on constructed series with a known answer: a relevant size, the
national movement, rolling four-quarter sums, records against the Netherlands, money in real
terms, a direction beside the kind, and one ranking with shared places."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from signaal.signals import compute_signals
from signaal.signals.judge import LIKE_NATIONAL, SMALL
from signaal.signals.output import signals_csv
from signaal.signals.ranking import rank_regions

from signalkit import COROP, make_data, quarters, spread_regions, years

NL = "NL01"


def only(found, rule, indicator=None):
    hits = [s for s in found if s.rule == rule and (indicator is None or s.indicator == indicator)]
    assert len(hits) == 1, f"expected one {rule} signal, got {[(s.rule, s.kind) for s in found]}"
    return hits[0]


def signals(data, indicator, quarter="2025Q4"):
    return compute_signals(data, "CR12", quarter, indicators=[indicator], targets=[])


def flat_then(last_change: float, start: float = 70.0, first: int = 2016, n: int = 9) -> dict[str, float]:
    """A series that wobbles by a hundredth a year, then moves ``last_change`` in its last year."""
    values = [start + (0.01 if i % 2 else 0.0) for i in range(n)]
    return years(first, [*values, values[-1] + last_change])


# ---------------------------------------------------------------------------- the relevant size
def test_a_change_smaller_than_the_relevant_size_is_not_an_urgency(tmp_path):
    # a fall of 0,3 procentpunt where the series never moved: 6 SD of its own changes, very
    # "significant", but below the relevant size of a percentage (0,5 procentpunt)
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): flat_then(-0.3)})
    change = only(signals(data, "aandeel_vrij"), "verandering")
    assert change.numbers["notable"] is True and change.numbers["z"] > 5
    assert (change.kind, change.direction) == ("neutraal", "ongunstig")
    assert change.numbers["judgement"] == {
        "relevant": 0.5,
        "size": pytest.approx(0.3),
        "vs_national": None,
        "actionable": False,
        "why_not": SMALL,
    }
    # the same fall by 0,8 is relevant: an urgency
    bigger = make_data(tmp_path / "b", {("aandeel_vrij", "CR12"): flat_then(-0.8)})
    assert only(signals(bigger, "aandeel_vrij"), "verandering").kind == "urgentie"


def test_the_catalogue_sets_an_indicators_relevant_size(tmp_path):
    from dataclasses import replace

    from signalkit import test_catalogue

    cat = test_catalogue()
    ind = cat["aandeel_vrij"]
    cat.indicators["aandeel_vrij"] = ind.model_copy(
        update={"signals": ind.signals.model_copy(update={"relevant": 0.2, "relevant_change": 0.2})}
    )
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): flat_then(-0.3)}, cat=replace(cat))
    assert only(signals(data, "aandeel_vrij"), "verandering").kind == "urgentie"


def test_a_trend_smaller_than_the_relevant_size_is_not_an_urgency(tmp_path):
    # a steady fall of 0,2 procentpunt in eight years: significant, and small
    series = {("aandeel", "CR12"): years(2014, [50 - 0.03 * i for i in range(12)])}
    data = make_data(tmp_path / "t", series)
    trend = only(signals(data, "aandeel"), "trend")
    assert trend.numbers["significant"] is True and trend.numbers["colour"] == "rood"
    assert (trend.kind, trend.direction) == ("neutraal", "ongunstig")


# ---------------------------------------------------------------------------- against the Netherlands
@pytest.mark.parametrize(
    "indicator, twente, nl, kind, direction, verdict",
    [
        # unemployment +0,1 while the Netherlands rose +0,2: Twente did better, no urgency
        ("werkloos", 0.1, 0.2, "neutraal", "ongunstig", "gunstiger dan in Nederland"),
        # participation +0,1 while the Netherlands rose +0,2: a lag of 0,1 is not relevant
        ("aandeel_vrij", 0.1, 0.2, "neutraal", "gunstig", "ongunstiger dan in Nederland"),
        # unemployment +1,0 while the Netherlands rose +0,2: worse by 0,8, an urgency
        ("werkloos", 1.0, 0.2, "urgentie", "ongunstig", "ongunstiger dan in Nederland"),
        # participation −0,2 while the Netherlands rose +0,6: worse by 0,8, an urgency
        ("aandeel_vrij", -0.2, 0.6, "urgentie", "ongunstig", "ongunstiger dan in Nederland"),
        # participation +0,3 while the Netherlands fell −0,4: better by 0,7, an opportunity
        ("aandeel_vrij", 0.3, -0.4, "kans", "gunstig", "gunstiger dan in Nederland"),
    ],
)
def test_a_change_is_judged_against_the_national_change(tmp_path, indicator, twente, nl, kind, direction, verdict):
    data = make_data(
        tmp_path,
        {
            (indicator, "CR12"): years(2022, [4.0, 4.0, 4.0, 4.0 + twente]),
            (indicator, NL): years(2022, [4.5, 4.5, 4.5, 4.5 + nl]),
        },
    )
    change = only(signals(data, indicator), "verandering")
    assert change.numbers["national_change"] == pytest.approx(nl)
    assert (change.kind, change.direction) == (kind, direction)
    assert change.sentence_nl.endswith(f"; {verdict}.")
    assert "(in Nederland " in change.sentence_nl
    if kind == "neutraal":
        assert change.numbers["judgement"]["actionable"] is False


def test_twente_rising_less_than_the_netherlands_is_no_urgency(tmp_path):
    # the case: Twente +0,1 while the Netherlands +0,2 (unemployment, lower is better)
    data = make_data(
        tmp_path,
        {("werkloos", "CR12"): years(2023, [3.5, 3.5, 3.6]), ("werkloos", NL): years(2023, [3.7, 3.7, 3.9])},
    )
    found = signals(data, "werkloos")
    assert not [s for s in found if s.kind == "urgentie"]
    assert only(found, "verandering").sentence_nl == (
        "Werkloosheid in Twente: 3,6% in 2025, +0,1 procentpunt ten opzichte van 2024 "
        "(in Nederland +0,2 procentpunt); gunstiger dan in Nederland."
    )


def test_a_trend_the_netherlands_shares_is_no_opportunity(tmp_path):
    rise = [60 + 0.5 * i for i in range(12)]
    shared = make_data(
        tmp_path, {("aandeel", "CR12"): years(2014, rise), ("aandeel", NL): years(2014, [r + 2 for r in rise])}
    )
    trend = only(signals(shared, "aandeel"), "trend")
    assert trend.numbers["colour"] == "groen" and trend.numbers["national_change_over_window"] == pytest.approx(3.5)
    assert (trend.kind, trend.direction) == ("neutraal", "gunstig")
    assert trend.numbers["judgement"]["why_not"] == LIKE_NATIONAL
    assert "; in Nederland +3,5 procentpunt" in trend.sentence_nl
    faster = make_data(
        tmp_path / "f",
        {("aandeel", "CR12"): years(2014, rise), ("aandeel", NL): years(2014, [62 + 0.3 * i for i in range(12)])},
    )
    assert only(signals(faster, "aandeel"), "trend").kind == "kans"  # 3,5 against 2,1: ahead by 1,4


# ---------------------------------------------------------------------------- flows and records
def test_one_weak_quarter_of_a_flow_is_judged_on_rolling_four_quarter_sums(tmp_path):
    # the last quarter is a quarter below the same quarter a year earlier (−25%), but the four
    # quarters to it are 2,4% below the four before: no news
    values = [100, 100, 100, 120] * 3 + [100, 100, 120, 90]
    data = make_data(tmp_path, {("opgeleverd", "CR12"): quarters("2022Q4", values)})
    change = only(compute_signals(data, "CR12", "2026Q3", indicators=["opgeleverd"], targets=[]), "verandering")
    assert change.numbers["rolling"] is True
    assert change.numbers["value"] == 410 and change.numbers["year_ago"] == 420
    assert change.numbers["change_year"] == pytest.approx((410 / 420 - 1) * 100, rel=1e-5)
    assert change.kind == "neutraal" and "previous_period" not in change.numbers
    assert "in de vier kwartalen tot en met het 3e kwartaal 2026" in change.sentence_nl


def test_a_record_the_netherlands_shares_is_no_record(tmp_path):
    rise = [60 + 0.5 * i for i in range(12)]
    shared = make_data(
        tmp_path, {("aandeel", "CR12"): years(2014, rise), ("aandeel", NL): years(2014, [r + 1 for r in rise])}
    )
    assert not [s for s in signals(shared, "aandeel") if s.rule == "breuk"]
    alone = make_data(
        tmp_path / "a",
        {("aandeel", "CR12"): years(2014, rise), ("aandeel", NL): years(2014, [61.0] * 12)},
    )
    record = only(signals(alone, "aandeel"), "breuk")
    assert record.numbers["case"] == "gap_high" and record.numbers["against_national"] is True
    assert "het verschil met Nederland (+4,5 procentpunt) is hoger dan in elk jaar sinds 2014" in record.sentence_nl


# ---------------------------------------------------------------------------- money in real terms
def test_money_is_judged_in_real_terms_with_the_nominal_change_beside_it(tmp_path):
    # nominal income +5% a year while prices rise 4% a year: about +1% in real terms
    nominal = {str(2016 + i): 40_000 * 1.05**i for i in range(10)}
    prices = {str(2016 + i): 100 * 1.04**i for i in range(10)}
    data = make_data(tmp_path, {("inkomen", "CR12"): nominal, ("prijzen", NL): prices})
    found = compute_signals(data, "CR12", "2025Q4", indicators=["inkomen", "inkomen_reeel"], targets=[])
    assert {s.indicator for s in found} == {"inkomen_reeel"}  # the nominal series is judged through it
    skipped = {s.rule: s.reason_nl for s in found.skipped if s.indicator == "inkomen"}
    assert skipped["trend"].startswith("een nominaal bedrag") and "Inkomen na inflatie" in skipped["trend"]
    change = only(found, "verandering")
    assert change.numbers["change_year"] == pytest.approx((1.05 / 1.04 - 1) * 100)
    assert change.numbers["nominal_change_year"] == pytest.approx(5.0)
    assert "+1,0% (nominaal +5,0%) ten opzichte van 2024" in change.sentence_nl


# ---------------------------------------------------------------------------- direction and ranks
def test_signals_csv_has_a_direction_beside_the_kind(tmp_path):
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): flat_then(-0.3)})
    rows = list(csv.DictReader(io.StringIO(signals_csv(signals(data, "aandeel_vrij")))))
    assert list(rows[0])[:4] == ["rank", "kind", "direction", "strength"]
    change = next(r for r in rows if r["rule"] == "verandering")
    assert (change["kind"], change["direction"]) == ("neutraal", "ongunstig")
    assert {r["kind"] for r in rows} <= {"urgentie", "kans", "neutraal"}
    assert {r["direction"] for r in rows} <= {"gunstig", "ongunstig", ""}


def test_a_tie_as_published_is_a_shared_place(tmp_path):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    twin = next(c for c in COROP if c != "CR12" and series[("aandeel", c)]["2025"] == pytest.approx(71.5))
    series[("aandeel", "CR12")] = {p: 71.54 for p in periods}  # published as 71,5, as is its twin
    pos = only(signals(make_data(tmp_path, series), "aandeel"), "positie")
    n = pos.numbers
    # three regions above (71,8, 71,7 and 71,6): Twente and its twin share the 4th and 5th place
    assert (n["rank"], n["rank_high"], n["n"], n["rank_shared"]) == (4, 5, 40, True)
    assert "gedeeld 4e–5e van de 40 COROP-gebieden" in pos.sentence_nl
    assert json.loads(json.dumps(n))["rank_high"] == 5
    ranks = rank_regions(pd.Series({c: v["2025"] for (_, c), v in series.items()}), "higher_is_better", 1)
    assert ranks[twin] == ranks["CR12"]
