"""Signal sentences: exact Dutch (and English) output, Dutch number formatting, plurals."""

from __future__ import annotations

import re

from signaal import formatting as fmt
from signaal.indicators.targets import Target
from signaal.signals import compute_signals

from signalkit import make_data, quarters, spread_regions, years

NL = "NL01"


def only(found, rule):
    hits = [s for s in found if s.rule == rule]
    assert len(hits) == 1, [(s.rule, s.kind) for s in found]
    return hits[0]


def test_plural_forms_follow_the_language():
    assert fmt.counted(1, "kwartaal|kwartalen") == "1 kwartaal"
    assert fmt.counted(8, "kwartaal|kwartalen") == "8 kwartalen"
    assert fmt.counted(8, "jaar|jaar") == "8 jaar"
    assert fmt.counted(1, "year|years", "en") == "1 year"
    assert fmt.counted(12345, "woning|woningen") == "12.345 woningen"
    assert fmt.counted(12345, "home|homes", "en") == "12,345 homes"
    assert fmt.magnitude(-0.3, "percent", 1) == "0,3 procentpunt"
    assert fmt.magnitude(-2.0, "percent", 0) == "2 procentpunten"
    assert fmt.magnitude(-8490, "euro", 0) == "€ 8.490"


def test_trend_sentence(tmp_path):
    data = make_data(tmp_path, {("aandeel", "CR12"): years(2014, [60 + 0.5 * i for i in range(12)])})
    trend = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "trend")
    assert trend.sentence_nl == (
        "Aandeel werkenden in Twente: een duidelijke stijgende trend, trendmatig +3,5 procentpunt over 8 jaar "
        "(2018–2025); die richting is gunstig."
    )
    assert trend.sentence_en == (
        "Share in work in Twente: a clear upward trend, +3.5 percentage points over 8 years as a fitted trend "
        "(2018–2025); a favourable direction."
    )


def test_quarterly_trend_and_change_sentences(tmp_path):
    values = [60.0, 60.4, 60.1, 60.5, 60.2, 60.6, 60.3, 60.7, 60.4, 60.8, 60.5, 61.0]
    data = make_data(tmp_path, {("aandeel_kwartaal", "CR12"): quarters("2023Q4", values)})
    found = compute_signals(data, "CR12", "2026Q3", indicators=["aandeel_kwartaal"], targets=[])
    assert only(found, "trend").sentence_nl.startswith("Aandeel per kwartaal in Twente: ")
    assert "over 8 kwartalen (4e kwartaal 2024 tot en met 3e kwartaal 2026)" in only(found, "trend").sentence_nl
    # every earlier quarter was 0,2 above the same quarter a year before: that is the usual change
    assert only(found, "verandering").sentence_nl.startswith(
        "Aandeel per kwartaal in Twente: 61,0% in het 3e kwartaal 2026, +0,3 procentpunt ten opzichte van een "
        "jaar eerder (in eerdere jaren gemiddeld +0,2 procentpunt) en +0,5 procentpunt ten opzichte van het 2e kwartaal 2026"
    )


def test_gap_sentence(tmp_path):
    data = make_data(
        tmp_path,
        {
            ("aandeel", "CR12"): years(2016, [70.0 - (1.0 + 0.2 * i) for i in range(10)]),
            ("aandeel", NL): years(2016, [70.0] * 10),
        },
    )
    gap = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "kloof")
    assert gap.sentence_nl == (
        "Aandeel werkenden in Twente: een achterstand van 2,8 procentpunt op Nederland (67,2% tegen 70,0%), "
        "groter dan in 2020 (1,8 procentpunt)."
    )
    assert gap.sentence_en == (
        "Share in work in Twente: 2.8 percentage points behind the Netherlands (67.2% against 70.0%), "
        "a wider gap than in 2020 (1.8 percentage points)."
    )


def test_position_sentence(tmp_path):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", "CR12")] = {p: 71.65 for p in periods}
    pos = only(
        compute_signals(make_data(tmp_path, series), "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "positie"
    )
    # 71,65 is published as 71,7, as is the region above it: they share a place, written out
    assert pos.sentence_nl == (
        "Aandeel werkenden in Twente: gedeeld 3e–4e van de 40 COROP-gebieden, bij het gunstigste kwart "
        "(71,7%; mediaan 70,0%)."
    )
    assert pos.sentence_en.startswith("Share in work in Twente: joint 3rd–4th of the 40 COROP regions")


def test_woondeal_sentence_names_the_pace_needed(tmp_path):
    values = [300_000.0] + [300_000.0 + 400 * k for k in range(1, 16)]
    data = make_data(tmp_path, {("voorraad", "CR12"): quarters("2022Q4", values)})
    deal = Target(
        id="woondeal",
        region="CR12",
        indicator="voorraad",
        kind="cumulative",
        value=14100,
        start="2022Q4",
        by="2030Q4",
        label_nl="Woondeal",
        label_en="Housing deal",
        source_url="https://example.org/woondeal",
    )
    doel = only(compute_signals(data, "CR12", "2026Q3", indicators=["voorraad"], targets=[deal]), "doel")
    assert doel.sentence_nl == (
        "Woondeal: niet op koers, 6.000 erbij sinds het 4e kwartaal 2022 (43% van 14.100); nodig is nog "
        "1.906 per jaar (476 per kwartaal) tot en met het 4e kwartaal 2030, maar het tempo van het afgelopen jaar is 1.600 per jaar."
    )
    assert doel.sentence_en == (
        "Housing deal: off track, 6,000 added since Q4 2022 (43% of 14,100); 1,906 a year (476 a quarter) are "
        "still needed up to Q4 2030, but the pace of the past year is 1,600 a year."
    )
    assert dict(doel.facts_nl)["Nodig per jaar"] == "1.906"


def test_range_sentence_and_rounding_never_shows_a_record_equal_to_the_old_one(tmp_path):
    data = make_data(
        tmp_path, {("aandeel", "CR12"): years(2017, [70.0, 71.0, 70.5, 71.2, 70.8, 71.0, 70.6, 71.1, 73.0])}
    )
    brk = only(compute_signals(data, "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "breuk")
    assert brk.sentence_nl == (
        "Aandeel werkenden in Twente: 73,0% in 2025, hoger dan in elk jaar sinds 2017 "
        "(het hoogste tot dan was 71,2% in 2020)."
    )
    # a clock whose two gaps round alike gets one more decimal, so the sentence shows the change
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", NL)] = {p: 70.0 for p in periods}
    series[("aandeel", "CR12")] = years(2020, [69.0, 69.0, 69.0, 69.0, 69.04, 68.98])
    klok = only(
        compute_signals(make_data(tmp_path / "k", series), "CR12", "2025Q4", indicators=["aandeel"], targets=[]), "klok"
    )
    assert "(verschil −1,02 procentpunt, een jaar eerder −0,96 procentpunt)" in klok.sentence_nl


def test_no_sentence_keeps_a_placeholder_or_an_english_decimal_point(tmp_path):
    periods = [str(y) for y in range(2014, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.13, skip=("CR12",))
    series[("aandeel", NL)] = {p: 70.0 + 0.1 * i for i, p in enumerate(periods)}
    series[("aandeel", "CR12")] = years(2014, [66.0 + 0.45 * i for i in range(12)])
    found = compute_signals(
        make_data(tmp_path, series),
        "CR12",
        "2025Q4",
        indicators=["aandeel"],
        targets=[
            Target(
                id="d",
                region="CR12",
                indicator="aandeel",
                kind="level",
                value=72,
                label_nl="Doel 72%",
                label_en="Target 72%",
                source_url="https://example.org",
            )
        ],
    )
    assert {s.rule for s in found} >= {"trend", "verandering", "kloof", "positie", "doel", "klok"}
    for s in found:
        for text in (s.sentence_nl, s.sentence_en):
            assert "{" not in text and "}" not in text and text.endswith(".")
        # Dutch decimals use a comma: no digit.digit in the Dutch sentence (12.345 is a thousands dot)
        assert not re.search(r"\d\.\d(?!\d\d)", s.sentence_nl), s.sentence_nl
