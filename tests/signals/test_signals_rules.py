"""The seven signal rules on constructed series where the right answer is known."""

from __future__ import annotations

import math
import re
import statistics
import typing
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from signaal.briefing.board import klok_figure
from signaal.catalogue.schema import SignalSettings
from signaal.indicators.targets import Target
from signaal.periods import Period
from signaal.signals import RULES, compute_signals
from signaal.signals.registry import registered, rule, rule_weights
from signaal.signals.sentences import phrased_rules
from signaal.signals.settings import NO_YARDSTICK_Z, strength
from signaal.signals.stats import slope_test

from signalkit import COROP, make_data, quarters, spread_regions, years

NL = "NL01"


def only(found, rule, indicator=None):
    hits = [s for s in found if s.rule == rule and (indicator is None or s.indicator == indicator)]
    assert len(hits) == 1, f"expected one {rule} signal, got {[(s.rule, s.kind) for s in found]}"
    return hits[0]


def skipped(found, rule, indicator=None):
    hits = [s for s in found.skipped if s.rule == rule and (indicator is None or s.indicator == indicator)]
    assert len(hits) == 1, f"expected one skipped {rule}, got {[(s.rule, s.status) for s in found.skipped]}"
    return hits[0]


def target(indicator, kind="benchmark", **kw):
    return Target(
        id="test_doel",
        region="CR12",
        indicator=indicator,
        kind=kind,
        label_nl="Doel van de test",
        label_en="Test target",
        source_url="https://example.org/doel",
        **kw,
    )


# ---------------------------------------------------------------------------- trend
def test_a_steady_rise_in_a_higher_is_better_indicator_is_a_green_trend(tmp_path):
    wobble = [0.05, -0.05] * 6
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2014, [60 + 0.5 * i + wobble[i] for i in range(12)]),
            ("aandeel", NL): years(2014, [70] * 12),
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    trend = only(found, "trend")
    assert trend.kind == "kans"
    assert trend.numbers["colour"] == "groen" and trend.numbers["significant"] is True
    assert trend.numbers["p_value"] < 0.001
    assert (trend.numbers["first"], trend.numbers["last"]) == ("2018", "2025")  # the fixed 8-year window
    assert trend.numbers["change_over_window"] == pytest.approx(0.5 * 7, abs=0.05)


def test_a_rise_in_a_lower_is_better_indicator_is_a_red_trend(tmp_path):
    data = make_data(
        tmp_path,
        {("werkloos", "CR12"): years(2022, [3.0, 3.3, 3.7, 4.0]) | years(2013, [2.0 + 0.1 * i for i in range(8)])},
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["werkloos"], targets=[])
    trend = only(found, "trend")
    assert trend.kind == "urgentie" and trend.numbers["colour"] == "rood"


def test_a_flat_noisy_series_is_grey(tmp_path):
    noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, -0.1, 0.3, -0.3, 0.1, -0.2, 0.2]
    data = make_data(tmp_path, {("aandeel", "CR12"): years(2014, [65 + e for e in noise])})
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    trend = only(found, "trend")
    assert trend.kind == "neutraal"
    assert trend.numbers["colour"] == "grijs" and trend.numbers["significant"] is False
    assert trend.numbers["p_value"] > 0.05


def test_a_method_break_is_a_step_not_a_trend(tmp_path):
    # flat before and after the 2021 break, one level lower after it: a naive fit would call it a fall
    noise = [0.02, -0.02, 0.01, -0.01, 0.02, -0.02, 0.01, -0.01, 0.0, 0.01]
    values = [5.0 + noise[i] if 2016 + i < 2021 else 4.0 + noise[i] for i in range(10)]
    data = make_data(tmp_path, {("werkloos", "CR12"): years(2016, values)})
    found = compute_signals(data, "CR12", "2025Q4", indicators=["werkloos"], targets=[])
    trend = only(found, "trend")
    assert trend.numbers["breaks_as_steps"] == ["2021"]
    assert trend.kind == "neutraal" and trend.numbers["colour"] == "grijs"
    assert trend.numbers["steps"][0] == pytest.approx(-1.0, abs=0.05)
    assert "methodebreuk van 2021" in trend.sentence_nl
    assert "counts as a step in the level, not as a trend." in trend.sentence_en


def test_the_latest_change_is_not_compared_across_a_method_break(tmp_path):
    data = make_data(tmp_path, {("werkloos", "CR12"): years(2016, [5.0, 5.1, 5.0, 4.9, 5.0, 4.0])})
    found = compute_signals(data, "CR12", "2021Q4", indicators=["werkloos"], targets=[])
    assert not [s for s in found if s.rule == "verandering"]
    sk = skipped(found, "verandering")
    assert sk.status == "overgeslagen"
    assert sk.reason_nl == "methodebreuk van 2021: 2020 en 2021 zijn niet één reeks"


# ---------------------------------------------------------------------------- too few data / missing benchmark
def test_too_few_periods_give_te_weinig_gegevens_not_a_verdict(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2023, [60.0, 61.0, 62.5]),
            ("aandeel", NL): years(2023, [65.0, 65.0, 65.0]),
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    assert not [s for s in found if s.rule in ("trend", "breuk")]
    trend = skipped(found, "trend")
    assert trend.status == "te weinig gegevens"
    assert trend.reason_nl == "3 jaar met een cijfer, de regel vraagt er minstens 6"
    assert skipped(found, "breuk").status == "te weinig gegevens"
    # the rules that need only two periods still speak
    assert only(found, "verandering").numbers["change_year"] == pytest.approx(1.5)


def test_one_quarter_of_data_says_so_in_the_singular(tmp_path):
    data = make_data(tmp_path, {("aandeel_kwartaal", "CR12"): {"2025Q4": 61.0}})
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel_kwartaal"], targets=[])
    assert list(found) == []
    assert skipped(found, "trend").reason_nl == "1 kwartaal met een cijfer, de regel vraagt er minstens 6"
    assert skipped(found, "verandering").reason_nl == "geen cijfer voor het 4e kwartaal 2024"


def test_a_missing_benchmark_value_skips_the_gap_rule_with_a_reason(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, [60 + 0.1 * i for i in range(10)]),
            ("aandeel", NL): years(2016, [65.0] * 9),  # no 2025 for the Netherlands
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    assert not [s for s in found if s.rule in ("kloof", "klok")]
    gap = skipped(found, "kloof")
    assert gap.status == "overgeslagen"
    assert gap.reason_nl == "geen cijfer voor Nederland in 2025, dus geen verschil te berekenen"
    assert gap.reason_en == "no figure for the Netherlands in 2025, so no difference can be computed"
    assert skipped(found, "klok").status == "overgeslagen"


def test_an_indicator_without_figures_for_the_region_is_skipped_whole(tmp_path):
    data = make_data(tmp_path, {("aandeel", "CR10"): years(2016, [60.0] * 10)})
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    assert list(found) == []
    sk = skipped(found, "alle")
    assert sk.status == "te weinig gegevens" and "Twente" in sk.reason_nl


# ---------------------------------------------------------------------------- gap
def gap_data(tmp_path, region_values):
    return make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, region_values),
            ("aandeel", NL): years(2016, [70.0] * len(region_values)),
        },
    )


def test_a_widening_gap_is_an_urgency(tmp_path):
    data = gap_data(tmp_path, [70.0 - (1.0 + 0.2 * i) for i in range(10)])  # 2020: -1,8; 2025: -2,8
    gap = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "kloof")
    assert gap.kind == "urgentie"
    assert gap.numbers["direction"] == "behind_widening"
    assert gap.numbers["gap"] == pytest.approx(-2.8) and gap.numbers["gap_old"] == pytest.approx(-1.8)
    assert gap.numbers["old_period"] == "2020"


def test_a_closing_gap_is_no_urgency(tmp_path):
    data = gap_data(tmp_path, [70.0 - (3.0 - 0.2 * i) for i in range(10)])
    gap = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "kloof")
    assert gap.numbers["direction"] == "behind_closing" and gap.kind == "neutraal"


def test_a_growing_lead_is_an_opportunity(tmp_path):
    data = gap_data(tmp_path, [70.0 + 0.5 + 0.2 * i for i in range(10)])
    gap = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "kloof")
    assert gap.numbers["direction"] == "ahead_growing" and gap.kind == "kans"


def test_a_gap_below_the_threshold_is_level(tmp_path):
    data = gap_data(tmp_path, [69.9] * 10)  # 0,1 below; the test catalogue's gap_threshold is 0,2
    gap = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "kloof")
    assert gap.kind == "neutraal" and gap.numbers["case"] == "level"


# ---------------------------------------------------------------------------- position
def position_data(tmp_path, indicator, cr12_value):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions(indicator, periods, base=70.0, step=0.1, skip=("CR12",))  # 68,0 ... 71,8
    series[(indicator, "CR12")] = {p: cr12_value for p in periods}
    series[(indicator, NL)] = {p: 70.0 for p in periods}
    return make_data(tmp_path, series)


def test_a_region_in_the_top_quartile_is_an_opportunity(tmp_path):
    data = position_data(tmp_path, "aandeel", 71.65)  # only 71,7 and 71,8 are higher
    pos = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "positie")
    assert (pos.numbers["rank"], pos.numbers["n"], pos.numbers["quartile"]) == (3, 40, 1)
    assert pos.kind == "kans"


def test_a_region_in_the_bottom_quartile_is_an_urgency(tmp_path):
    data = position_data(tmp_path, "aandeel", 67.0)
    pos = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "positie")
    assert (pos.numbers["rank"], pos.numbers["quartile"], pos.kind) == (40, 4, "urgentie")


def test_for_lower_is_better_the_lowest_value_ranks_first(tmp_path):
    data = position_data(tmp_path, "werkloos", 67.0)
    pos = only(compute_signals(data, "CR12", "2025Q4", indicators=["werkloos"], targets=[]), "positie")
    assert (pos.numbers["rank"], pos.kind) == (1, "kans")


def test_a_middle_position_is_neutral_and_too_few_regions_say_so(tmp_path):
    data = position_data(tmp_path, "aandeel", 70.05)
    pos = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "positie")
    assert pos.numbers["quartile"] in (2, 3) and pos.kind == "neutraal"
    few = make_data(
        tmp_path / "few",
        {("aandeel", c): years(2020, [70.0 + i] * 6) for i, c in enumerate(COROP[:5])}
        | {("aandeel", "CR12"): years(2020, [71.0] * 6)},
    )
    sk = skipped(compute_signals(few, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "positie")
    assert sk.status == "te weinig gegevens" and sk.reason_nl.startswith("maar 6 COROP-gebieden met een cijfer")


# ---------------------------------------------------------------------------- targets
def test_crossing_the_national_level_meets_the_target_in_the_quarter_it_happened(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel_kwartaal", "CR12"): quarters("2020Q1", [60.0 + 0.25 * k for k in range(12)]),  # 61,0 in 2021Q1
            ("aandeel_kwartaal", NL): quarters("2020Q1", [60.9] * 12),
        },
    )
    found = compute_signals(
        data, "CR12", "2022Q4", indicators=["aandeel_kwartaal"], targets=[target("aandeel_kwartaal", benchmark=NL)]
    )
    doel = only(found, "doel")
    assert doel.kind == "kans" and doel.numbers["status"] == "gehaald"
    assert doel.numbers["met_since"] == "2021Q1" and doel.numbers["crossed"] is True
    assert doel.sentence_nl == (
        "Doel van de test: gehaald sinds het 1e kwartaal 2021 (62,8% in Twente tegen 60,9% in Nederland)."
    )


def test_a_yearly_crossing_is_dated_to_its_quarter_and_counts_as_news(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, [68.0, 68.5, 69.0, 69.2, 69.5, 69.7, 69.8, 69.9, 69.9, 70.3]),
            ("aandeel", NL): years(2016, [70.0] * 10),
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[target("aandeel", benchmark=NL)])
    doel = only(found, "doel")
    assert (doel.numbers["met_since"], doel.numbers["met_since_quarter"]) == ("2025", "2025Q4")
    assert doel.strength == max(s.strength for s in found)  # newly met: the strongest news


def test_a_target_gap_that_does_not_close_is_off_track(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, [68.0] * 10),
            ("aandeel", NL): years(2016, [70.0 + 0.1 * i for i in range(10)]),
        },
    )
    doel = only(
        compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[target("aandeel", benchmark=NL)]),
        "doel",
    )
    assert doel.kind == "urgentie" and doel.numbers["status"] == "niet op koers"


def test_a_target_gap_closing_fast_enough_is_on_track(tmp_path):
    # gap 3,0 in 2020, 1,0 in 2025: closing 0,4 a year, closed in 2028 (within 5 years)
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, [66.0 + 0.4 * i for i in range(10)]),
            ("aandeel", NL): years(2016, [70.6] * 10),
        },
    )
    doel = only(
        compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[target("aandeel", benchmark=NL)]),
        "doel",
    )
    assert doel.numbers["status"] == "op koers" and doel.kind == "neutraal"
    assert doel.numbers["expected"] == "2028"


def woondeal_data(tmp_path, per_quarter):
    values = [299_000.0, 299_500.0, 300_000.0]  # 2022Q2..2022Q4
    values += [300_000.0 + per_quarter * k for k in range(1, 16)]  # 2023Q1..2026Q3
    return make_data(tmp_path, {("voorraad", "CR12"): quarters("2022Q2", values)})


WOONDEAL = dict(kind="cumulative", value=14100, start="2022Q4", by="2030Q4")


def test_the_woondeal_pace_computed_by_hand(tmp_path):
    data = woondeal_data(tmp_path, 400)
    doel = only(
        compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[target("voorraad", **WOONDEAL)]),
        "doel",
    )
    n = doel.numbers
    # by hand: 15 quarters x 400 = 6.000 added; 8.100 to go in the 17 quarters from 2026Q3 to 2030Q4
    assert n["progress"] == 6000 and n["periods_elapsed"] == 15 and n["periods_left"] == 17
    assert n["pace_per_year"] == pytest.approx(1600)
    assert n["needed_per_period"] == pytest.approx(8100 / 17, rel=1e-5)  # numbers keep 6 digits
    assert n["needed_per_year"] == pytest.approx(8100 / 17 * 4, rel=1e-5)  # 1.905,9 a year
    assert n["projected_total"] == pytest.approx(6000 + 400 * 17)  # 12.800 < 14.100
    assert doel.kind == "urgentie" and n["status"] == "niet op koers"


def test_the_woondeal_at_a_sufficient_pace_is_on_track(tmp_path):
    data = woondeal_data(tmp_path, 500)  # 7.500 + 17 x 500 = 16.000 >= 14.100
    doel = only(
        compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[target("voorraad", **WOONDEAL)]),
        "doel",
    )
    assert doel.numbers["status"] == "op koers" and doel.kind == "neutraal"


def test_the_woondeal_verdict_follows_the_pace_of_the_last_year(tmp_path):
    # slow at first (300 a quarter), fast in the last year (700): 6.100 added, 18.000 by 2030
    values = [300_000.0] + [300_000.0 + 300 * k for k in range(1, 12)]
    values += [values[-1] + 700 * k for k in range(1, 5)]
    data = make_data(tmp_path, {("voorraad", "CR12"): quarters("2022Q4", values)})
    doel = only(
        compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[target("voorraad", **WOONDEAL)]),
        "doel",
    )
    n = doel.numbers
    assert n["progress"] == 6100 and n["pace_per_year"] == pytest.approx(2800) and n["pace_basis"] == "afgelopen jaar"
    assert n["pace_since_start_per_year"] == pytest.approx(6100 / 15 * 4, rel=1e-5)
    assert n["status"] == "op koers" and n["projected_total"] == pytest.approx(6100 + 700 * 17)


def test_the_woondeal_without_its_start_value_has_too_few_data(tmp_path):
    data = make_data(tmp_path, {("voorraad", "CR12"): quarters("2024Q1", [300_000 + 400 * k for k in range(11)])})
    found = compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[target("voorraad", **WOONDEAL)])
    assert not [s for s in found if s.rule == "doel"]
    assert skipped(found, "doel").status == "te weinig gegevens"


# ---------------------------------------------------------------------------- range break
def test_a_value_outside_its_historical_range_is_a_break(tmp_path):
    history = [70.0, 71.0, 70.5, 71.2, 70.8, 71.0, 70.6, 71.1]
    data = make_data(tmp_path, {("aandeel", "CR12"): years(2017, history + [73.0])})
    brk = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "breuk")
    assert brk.kind == "kans" and brk.numbers["direction"] == "hoog"
    assert (brk.numbers["previous_extreme"], brk.numbers["previous_extreme_period"]) == (71.2, "2020")


def test_a_value_inside_its_range_is_no_break(tmp_path):
    data = make_data(
        tmp_path, {("aandeel", "CR12"): years(2017, [70.0, 71.0, 70.5, 71.2, 70.8, 71.0, 70.6, 71.1, 70.9])}
    )
    assert not [
        s for s in compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]) if s.rule == "breuk"
    ]


def test_a_new_low_of_a_neutral_indicator_is_neutral(tmp_path):
    data = make_data(tmp_path, {("prijs", "CR12"): years(2017, [100, 102, 101, 103, 104, 102, 103, 101, 95])})
    brk = only(compute_signals(data, "CR12", "2025Q4", indicators=["prijs"], targets=[]), "breuk")
    assert brk.kind == "neutraal" and brk.numbers["direction"] == "laag"


# ---------------------------------------------------------------------------- the clock
def test_the_clock_places_a_widening_gap_in_the_red_quadrant(tmp_path):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", NL)] = {p: 70.0 for p in periods}
    series[("aandeel", "CR12")] = years(2020, [69.5, 69.4, 69.3, 69.2, 69.0, 68.5])
    klok = only(
        compute_signals(make_data(tmp_path, series), "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "klok"
    )
    assert klok.numbers["quadrant"] == "behind_widening" and klok.kind == "urgentie"
    assert klok.numbers["x"] < 0 and klok.numbers["y"] < 0
    sd = klok.numbers["scale"]
    assert klok.numbers["x"] == pytest.approx(-1.5 / sd, rel=1e-4) and klok.numbers["y"] == pytest.approx(
        -0.5 / sd, rel=1e-4
    )


def test_the_clock_gives_no_verdict_near_the_national_level(tmp_path):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", NL)] = {p: 70.0 for p in periods}
    series[("aandeel", "CR12")] = years(2020, [70.0, 70.0, 70.0, 70.0, 70.0, 70.1])  # 0,1 above; threshold 0,2
    klok = only(
        compute_signals(make_data(tmp_path, series), "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "klok"
    )
    assert klok.numbers["quadrant"] == "ahead_growing" and klok.numbers["material"] is False
    assert klok.kind == "neutraal"


# ---------------------------------------------------------------------------- proxies, bands
def test_a_province_only_indicator_reads_from_the_province_as_a_labelled_proxy(tmp_path):
    series = {("alleen_provincie", p): quarters("2023Q1", [2.0] * 15) for p in ("PV20", "PV21", "PV22", "PV24", "PV25")}
    series[("alleen_provincie", "PV23")] = quarters("2023Q1", [1.8] * 11 + [1.7, 1.6, 1.5, 1.4])
    series[("alleen_provincie", NL)] = quarters("2023Q1", [2.0] * 15)
    found = compute_signals(make_data(tmp_path, series), "CR12", "2026Q3", indicators=["alleen_provincie"], targets=[])
    assert {s.data_region for s in found} == {"PV23"} and {s.region for s in found} == {"CR12"}
    change = only(found, "verandering")
    assert (change.numbers["band"], change.numbers["band_year_ago"]) == ("gemiddeld", "krap")
    assert change.sentence_nl.startswith(
        "Spanning in Overijssel (benadering voor Twente): 1,40 in het 3e kwartaal 2026"
    )
    assert "klasse gemiddeld, een jaar eerder krap" in change.sentence_nl


# ---------------------------------------------------------------------------- the registry
def test_the_seven_rules_are_registered_once_in_their_documented_order_each_with_words():
    # the order is the order rules run in, and so the order of "skipped" in signals.json
    assert RULES == ("trend", "verandering", "kloof", "positie", "doel", "breuk", "klok")
    assert tuple(registered()) == RULES and set(phrased_rules()) == set(RULES)
    # the catalogue accepts exactly these keys in an indicator's signals.rules
    assert (
        typing.get_args(typing.get_args(SignalSettings.model_fields["rules"].annotation)[0])[0] == typing.Literal[RULES]
    )


def test_the_rule_weights_are_the_ones_the_readme_documents():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    documented = re.search(r"Rule weights: (.*?) \(the", readme, re.S).group(1)
    assert {k: float(w) for k, w in re.findall(r"`(\w+)` ([\d.]+)", documented)} == rule_weights()


def test_a_rule_key_registered_twice_is_an_error_naming_both_functions():
    def another_gap(inp):
        return None

    with pytest.raises(ValueError, match="signal rule 'kloof' is registered twice: by gap and by another_gap"):
        rule("kloof", weight=0.5)(another_gap)
    assert registered()["kloof"].function.__name__ == "gap" and rule_weights()["kloof"] == 0.9


# ---------------------------------------------------------------------------- strength
def test_strength_is_on_0_1_grows_with_size_and_halves_for_neutral_findings():
    assert strength("kloof", "urgentie", 0.0) == 0.0
    assert (
        0
        < strength("kloof", "urgentie", 0.5)
        < strength("kloof", "urgentie", 2.0)
        < strength("kloof", "urgentie", 8.0)
        <= 1
    )
    assert strength("kloof", "neutraal", 2.0) == pytest.approx(strength("kloof", "urgentie", 2.0) / 2, abs=0.001)
    assert strength("doel", "urgentie", 2.0) > strength("klok", "urgentie", 2.0)  # rule weights
    assert strength("trend", "kans", float("inf")) <= 1.0


def test_signals_come_strongest_first(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2014, [60 + 0.5 * i for i in range(12)]),
            ("aandeel", NL): years(2014, [70.0] * 12),
            ("werkloos", "CR12"): years(2021, [4.0, 4.1, 4.3, 4.2, 4.6]),
            ("werkloos", NL): years(2021, [4.0] * 5),
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel", "werkloos"], targets=[])
    assert len(found) >= 6
    assert [s.strength for s in found] == sorted((s.strength for s in found), reverse=True)
    assert all(0.0 <= s.strength <= 1.0 for s in found)


# ---------------------------------------------------------------------------- the latest change against the usual one
def steps_from(start: float, steps: list[float]) -> list[float]:
    values = [start]
    for step in steps:
        values.append(values[-1] + step)
    return values


def test_a_change_like_the_usual_one_is_not_notable(tmp_path):
    # it falls 0,30 a year on average (0,22 and 0,38 in turn), then 0,26: its usual course, no news
    earlier = [-0.22, -0.38] * 4
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): years(2016, steps_from(70.0, earlier + [-0.26]))})
    change = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel_vrij"], targets=[]), "verandering")
    n = change.numbers
    assert n["usual_change"] == pytest.approx(-0.30, abs=1e-9)
    assert n["deviation"] == pytest.approx(0.04, abs=1e-9)
    assert n["z"] == pytest.approx(0.04 / statistics.stdev(earlier), rel=1e-6)
    assert n["notable"] is False and change.kind == "neutraal"
    assert change.sentence_nl == (
        "Aandeel zonder drempel in Twente: 67,3% in 2025, −0,3 procentpunt ten opzichte van 2024 "
        "(in eerdere jaren gemiddeld −0,3 procentpunt); binnen de gebruikelijke schommelingen."
    )
    assert change.sentence_en.endswith(
        "(on average −0.3 percentage points in earlier years); within the usual variation."
    )


@pytest.mark.parametrize(
    "earlier, latest, kind, case, verdict",
    [
        ([0.9, 1.1] * 4, 0.1, "urgentie", "worse", "ongunstiger dan gebruikelijk"),  # rose, but far less than usual
        ([-0.9, -1.1] * 4, -0.1, "kans", "better", "gunstiger dan gebruikelijk"),  # fell, but far less than usual
        ([0.1, -0.1] * 4, 0.8, "kans", "good", "een gunstige verandering"),  # a rise where it usually stands still
        ([0.1, -0.1] * 4, -0.8, "urgentie", "bad", "een ongunstige verandering"),
    ],
)
def test_the_verdict_follows_the_deviation_from_the_usual_change(tmp_path, earlier, latest, kind, case, verdict):
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): years(2016, steps_from(70.0, earlier + [latest]))})
    change = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel_vrij"], targets=[]), "verandering")
    usual = statistics.mean(earlier)
    assert change.numbers["z"] == pytest.approx(abs(latest - usual) / statistics.stdev(earlier), rel=1e-6)
    assert (change.kind, change.numbers["case"]) == (kind, case)
    assert change.sentence_nl.endswith(f"; {verdict}.")


def test_a_count_growing_at_its_usual_pace_is_not_notable(tmp_path):
    # 0,4% and 0,6% a quarter in turn: every year-on-year change is the same 2,0%, up to float rounding
    values = [100_000.0]
    for k in range(15):
        values.append(values[-1] * (1.004 if k % 2 == 0 else 1.006))
    data = make_data(tmp_path, {("voorraad", "CR12"): quarters("2022Q4", values)})
    change = only(compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[]), "verandering")
    yearly = ((1.004 * 1.006) ** 2 - 1) * 100
    assert change.numbers["change_year"] == pytest.approx(yearly) and change.numbers["usual_change"] == pytest.approx(
        yearly
    )
    assert change.numbers["z"] < 0.01 and change.kind == "neutraal" and change.strength == 0.0


# ---------------------------------------------------------------------------- the clock: an unchanged gap
@pytest.mark.parametrize(
    "region, nl",
    [
        ((70.3, 70.6), (70.0, 70.3)),  # exactly the same gap: 0,3 and 0,3 ...
        ((69.9, 70.3), (69.6, 70.0)),  # ... and the same up to float rounding (0,30000000000001 and 0,29999999999999)
    ],
)
def test_an_unchanged_gap_is_stable_on_the_clock(tmp_path, region, nl):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", NL)] = {**{p: nl[0] for p in periods[:-1]}, "2025": nl[1]}
    series[("aandeel", "CR12")] = {**{p: region[0] for p in periods[:-1]}, "2025": region[1]}
    found = compute_signals(make_data(tmp_path, series), "CR12", "2025Q4", indicators=["aandeel"], targets=[])
    klok = only(found, "klok")
    assert klok.numbers["quadrant"] == "ahead_stable" and klok.numbers["stable"] is True
    assert klok.numbers["y"] == 0.0 and klok.numbers["x"] > 0
    assert klok.kind == "neutraal"
    assert klok.sentence_nl == (
        "Aandeel werkenden in Twente: een voorsprong op Nederland die gelijk blijft "
        "(verschil +0,3 procentpunt, even groot als een jaar eerder)."
    )
    assert "a lead over the Netherlands that stays the same" in klok.sentence_en
    # the clock chart puts it on the horizontal axis and names it as unchanged
    others = [
        replace(klok, title_nl=f"Ander {i}", numbers={**klok.numbers, "quadrant": q, "x": x, "y": y})
        for i, (q, x, y) in enumerate([("ahead_growing", 1.0, 0.5), ("behind_widening", -1.0, -0.5)])
    ]
    chart = klok_figure([klok, *others], "nl", "Twente")
    assert "voorsprong gelijk: Aandeel werkenden" in chart.alt


# ---------------------------------------------------------------------------- no comparison set, no invented yardstick
def test_without_a_comparison_set_strength_is_capped_and_the_clock_is_skipped(tmp_path):
    # only Twente and the Netherlands: no spread between regions to measure the gap against
    data = make_data(
        tmp_path,
        {
            ("aandeel_vrij", "CR12"): years(2018, [70.0 + 0.1 * i for i in range(8)]),  # 70,0 ... 70,7
            ("aandeel_vrij", NL): years(2018, [69.9] * 8),
        },
    )
    found = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel_vrij"], targets=[])
    gap = only(found, "kloof")
    assert gap.kind == "kans" and gap.numbers["gap"] == pytest.approx(0.8)
    assert gap.numbers["scale"] is None and gap.numbers["scale_basis"] == "geen vergelijking"
    assert gap.numbers["z"] == NO_YARDSTICK_Z and gap.strength == strength("kloof", "kans", NO_YARDSTICK_Z)
    trend = only(found, "trend")
    assert trend.kind == "kans" and trend.numbers["z"] == NO_YARDSTICK_Z
    klok = skipped(found, "klok")
    assert klok.status == "te weinig gegevens"
    assert klok.reason_nl == "maar 1 COROP-gebied met een cijfer, de regel vraagt er minstens 5"
    assert klok.reason_en == "only 1 COROP region with a figure; the rule needs at least 5"
    assert not [s for s in found if s.rule == "klok"]


# ---------------------------------------------------------------------------- one yardstick for every trend
def _lines(indicator, periods, level, growth, cr12_growth, relative):
    """40 regions on exact lines (or exact exponentials for counts): region i grows by growth[i]."""
    series = {}
    codes = [c for c in COROP if c != "CR12"] + ["CR12"]
    rates = list(growth) + [cr12_growth]
    for i, (code, g) in enumerate(zip(codes, rates, strict=True)):
        base = level + 10 * i
        series[(indicator, code)] = {
            p: base * math.exp(g * k) if relative else base + g * k for k, p in enumerate(periods)
        }
    return series, rates


@pytest.mark.parametrize(
    "indicator, periods, level, relative",
    [
        ("aandeel_vrij", [str(y) for y in range(2018, 2026)], 30.0, False),  # percent: a difference
        ("voorraad", [str(Period.parse("2024Q4").shift(k)) for k in range(8)], 1000.0, True),  # count: a % change
    ],
)
def test_trends_are_measured_against_the_regions_movements_over_the_same_window(
    tmp_path, indicator, periods, level, relative
):
    growth = [(0.005 if relative else 0.5) * (1 + 0.02 * (i - 19)) for i in range(39)]
    quarter = str(Period.parse(periods[-1]).quarter())

    def movement(g):  # over the 7 periods between the window's first and last point
        return (math.exp(g * 7) - 1) * 100 if relative else g * 7

    series, rates = _lines(indicator, periods, level, growth, 1.4 * growth[19], relative)
    trend = only(
        compute_signals(make_data(tmp_path / "fast", series), "CR12", quarter, indicators=[indicator], targets=[]),
        "trend",
    )
    moves = [movement(g) for g in rates]
    usual, sd = statistics.mean(moves), statistics.stdev(moves)
    # (numbers are kept to 6 significant digits)
    assert trend.kind == "kans" and trend.numbers["change_over_window"] == pytest.approx(moves[-1], rel=1e-5)
    assert trend.numbers["usual_change_over_window"] == pytest.approx(usual, rel=1e-5)
    assert trend.numbers["z"] == pytest.approx((moves[-1] - usual) / sd, rel=1e-4)
    # a rise smaller than the regions' usual rise is green, but no news: strength 0
    series, _ = _lines(indicator, periods, level, growth, 0.6 * growth[19], relative)
    slow = only(
        compute_signals(make_data(tmp_path / "slow", series), "CR12", quarter, indicators=[indicator], targets=[]),
        "trend",
    )
    assert slow.kind == "kans" and slow.numbers["z"] == 0.0 and slow.strength == 0.0


# ---------------------------------------------------------------------------- a flat series has no slope
def test_a_flat_series_has_no_significant_slope():
    x = np.array([Period.parse(str(y)).ordinal for y in range(2017, 2025)], dtype=float)
    flat = slope_test(x, np.full(8, 2.0))  # least squares gives a slope of 5e-17 with se 0 here
    assert (flat.slope, flat.t, flat.p) == (0.0, 0.0, 1.0)
    line = slope_test(x, 2.0 + 0.1 * (x - x[0]))  # an exact straight line stays significant
    assert line.slope == pytest.approx(0.1) and line.p == 0.0


def test_a_flat_series_is_a_grey_trend_that_is_not_statistically_significant(tmp_path):
    data = make_data(tmp_path, {("aandeel_vrij", "CR12"): years(2016, [2.0] * 10)})
    trend = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel_vrij"], targets=[]), "trend")
    assert trend.numbers["statistically_significant"] is False and trend.numbers["p_value"] == 1.0
    assert trend.kind == "neutraal" and trend.numbers["colour"] == "grijs"


# ---------------------------------------------------------------------------- index numbers
def test_index_numbers_are_not_compared_as_levels(tmp_path):
    periods = [str(y) for y in range(2016, 2026)]
    series = spread_regions("prijs", periods, base=120.0, step=1.0, skip=("CR12",))
    series[("prijs", NL)] = {p: 120.0 for p in periods}
    series[("prijs", "CR12")] = years(2016, [100 + 3 * i for i in range(10)])
    found = compute_signals(make_data(tmp_path, series), "CR12", "2025Q4", indicators=["prijs"], targets=[])
    for key in ("kloof", "positie", "klok"):
        sk = skipped(found, key)
        assert sk.status == "niet van toepassing"
        assert sk.reason_nl.startswith("een indexcijfer (basisjaar = 100)")
        assert sk.reason_en.startswith("an index number (base year = 100)")
    assert only(found, "trend").numbers["significant"] is True  # its own course still counts
