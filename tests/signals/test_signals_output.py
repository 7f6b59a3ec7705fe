"""Signals as files, as the signal board, on the command line, in a notebook, on the bundled sample."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from signaal.briefing.board import signal_board_html, strongest
from signaal.briefing.notebook import Briefing
from signaal.indicators.data import Data
from signaal.signals import KINDS, STATUSES, Signal, SignalList, Skipped, compute_signals, write_signals

from conftest import signaal


@pytest.fixture(scope="module")
def sample():
    return Data.open()


@pytest.fixture(scope="module")
def twente(sample):
    return compute_signals(sample, "CR12", "2026Q3")


def test_every_signal_on_the_sample_is_complete_and_consistent(twente):
    assert len(twente) > 40
    assert [s.strength for s in twente] == sorted((s.strength for s in twente), reverse=True)
    for s in twente:
        assert s.kind in KINDS and 0 <= s.strength <= 1 and s.region == "CR12"
        assert s.sentence_nl and s.sentence_en and "{" not in s.sentence_nl + s.sentence_en
        json.dumps(s.numbers)  # plain JSON types only
    for sk in twente.skipped:
        assert sk.status in STATUSES and sk.reason_nl and sk.reason_en


def test_the_sample_woondeal_is_off_track_at_the_current_pace(twente):
    deal = [s for s in twente if s.rule == "doel" and s.indicator == "woningvoorraad"]
    assert len(deal) == 1
    n = deal[0].numbers
    assert deal[0].kind == "urgentie" and n["status"] == "niet op koers"
    assert n["needed_per_year"] > n["pace_per_year"]
    assert n["projected_total"] < 14100
    # the board targets open the pack: an off-track target is among the strongest urgencies
    assert deal[0] in strongest(twente, 8)


@pytest.mark.parametrize("region", ["CR01", "CR23", "CR40"])
def test_any_corop_region_gets_signals(sample, region):
    found = compute_signals(sample, region, "2026Q3")
    assert found and all(s.region == region for s in found)
    assert not [s for s in found if s.rule == "doel"]  # targets are Twente's (data/manual/doelen.csv)


def test_an_earlier_quarter_uses_only_the_data_up_to_it(sample):
    found = compute_signals(sample, "CR12", "2024Q2", theme="arbeidsmarkt")
    assert found.meta["quarter"] == "2024Q2"
    assert all(s.period <= "2024Q2" for s in found if "Q" in s.period)
    assert all(int(s.period[:4]) <= 2024 for s in found)


def test_write_signals_writes_csv_and_json_atomically(twente, tmp_path):
    paths = write_signals(twente, tmp_path / "out")
    assert [p.name for p in paths] == ["signals.csv", "signals.json"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["signals.csv", "signals.json"]  # no temp files
    rows = list(csv.DictReader(io.StringIO(paths[0].read_text("utf-8"))))
    assert len(rows) == len(twente)
    assert rows[0]["rank"] == "1" and rows[0]["sentence_nl"] == twente[0].sentence_nl
    assert json.loads(rows[0]["numbers"]) == twente[0].numbers
    doc = json.loads(paths[1].read_text("utf-8"))
    assert doc["meta"]["region"] == "CR12" and doc["meta"]["quarter"] == "2026Q3"
    assert len(doc["signals"]) == len(twente) and len(doc["skipped"]) == len(twente.skipped)
    # writing again replaces the files whole
    write_signals(twente[:3], tmp_path / "out")
    assert len(list(csv.DictReader(io.StringIO(paths[0].read_text("utf-8"))))) == 3


def test_the_files_name_kinds_and_statuses_in_the_boards_dutch_words(twente, tmp_path):
    csv_path, json_path = write_signals(twente, tmp_path)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8"))))
    assert [r["kind"] for r in rows] == [str(s.kind) for s in twente]
    assert {r["kind"] for r in rows} == {"urgentie", "kans", "neutraal"}
    doc = json.loads(json_path.read_text("utf-8"))
    assert {s["kind"] for s in doc["signals"]} == {"urgentie", "kans", "neutraal"}
    statuses = {s["status"] for s in doc["skipped"]}
    assert statuses and statuses <= {"te weinig gegevens", "overgeslagen", "niet van toepassing"}
    assert '"kind": "urgentie"' in json_path.read_text("utf-8")  # the word, not an enum's name or repr


def test_a_signal_of_an_unknown_kind_or_status_is_refused_naming_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown signal kind 'urgent'; valid: urgentie, kans, neutraal"):
        Signal(
            indicator="x",
            theme="t",
            region="CR12",
            period="2025",
            kind="urgent",
            strength=0.5,
            rule="kloof",
            numbers={},
            sentence_nl="",
            sentence_en="",
        )
    with pytest.raises(ValueError, match=r"unknown skip status 'skipped'; valid: te weinig gegevens, overgeslagen"):
        Skipped("x", "t", "CR12", "2025", "kloof", "skipped", "", "")


def test_the_board_shows_the_strongest_urgencies_and_opportunities_with_numbers_and_a_chart(twente, sample):
    html = signal_board_html(twente, "nl", limit=6, data=sample)
    articles = re.findall(r'<article class="signal signal-(\w+)" id="signal-([\w]+)-(\w+)"', html)
    assert len(articles) == 6
    assert {kind for kind, _, _ in articles} <= {"urgentie", "kans"}
    indicators = [ind for _, ind, _ in articles]
    assert len(indicators) == len(set(indicators))  # one signal per indicator
    chosen = strongest(twente, 6)
    assert [ind for _, ind, _ in articles] == [s.indicator for s in chosen if s.kind == "urgentie"] + [
        s.indicator for s in chosen if s.kind == "kans"
    ]
    assert html.count('<figure class="signal-chart"><svg role="img"') == 6
    assert html.count('<dl class="signal-numbers">') == 6
    assert "Urgenties" in html and "Kansen" in html
    assert "Gemaakt met de meegeleverde gegevens: een deel van de signalen gaat over echte CBS-cijfers" in html
    assert 'class="signal-klok"' in html  # the Twente-klok of the clock findings


def test_the_board_escapes_every_text():
    evil = Signal(
        indicator="x",
        theme="t",
        region="CR12",
        period="2025",
        kind="urgentie",
        strength=0.9,
        rule="kloof",
        numbers={},
        sentence_nl="<script>alert(1)</script> & co",
        sentence_en="e",
        title_nl="<b>T</b>",
        title_en="T",
        facts_nl=[["<i>k</i>", "<u>v</u>"]],
    )
    html = signal_board_html(SignalList([evil], [], {"region": "CR12", "quarter": "2025Q4"}), "nl", data=Data.open())
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<b>T</b>" not in html and "<i>k</i>" not in html and "<u>v</u>" not in html


def test_weak_findings_stay_off_the_board():
    weak = Signal(
        indicator="x",
        theme="t",
        region="CR12",
        period="2025",
        kind="kans",
        strength=0.1,
        rule="klok",
        numbers={},
        sentence_nl="zwak",
        sentence_en="weak",
    )
    html = signal_board_html(SignalList([weak], [], {"region": "CR12", "quarter": "2025Q4"}), "nl", data=Data.open())
    assert "zwak" not in html and "Geen urgenties of kansen" in html


def test_an_empty_board_says_so():
    html = signal_board_html(SignalList([], [], {"region": "CR12", "quarter": "2026Q3"}), "en", data=Data.open())
    assert "No urgencies or opportunities" in html


def test_the_notebook_method_returns_the_themes_signals():
    b = Briefing(
        "arbeidsmarkt",
        region="CR12",
        quarter="2026Q3",
        topics=["netto_arbeidsparticipatie", "werkloosheid", "spanning"],
    )
    found = b.signals(show=False)
    assert found and {s.indicator for s in found} <= {"netto_arbeidsparticipatie", "werkloosheid", "spanning"}
    assert isinstance(found.skipped[0], Skipped)


def test_cli_prints_signals_as_csv_json_and_table():
    proc = signaal("signals", "--quarter", "2026Q3", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) > 40 and rows[0]["rank"] == "1"
    assert [float(r["strength"]) for r in rows] == sorted((float(r["strength"]) for r in rows), reverse=True)
    proc = signaal("signals", "--quarter", "2026Q3", "--region", "CR12", "--format", "json", "--theme", "wonen")
    doc = json.loads(proc.stdout)
    assert {s["theme"] for s in doc["signals"]} == {"wonen"}
    proc = signaal("signals", "-n", "5", "--all")
    assert proc.returncode == 0 and "Signalen: Twente (CR12), 3e kwartaal 2026" in proc.stdout
    assert "te weinig gegevens" in proc.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--quarter", "2026Q5"], "malformed quarter '2026Q5'"),
        (["--quarter", "2031Q1"], "quarter 2031Q1 has no data yet"),
        (["--region", "CR99"], "unknown region 'CR99'"),
        (["--region", "GM0153"], "not a COROP region"),
        (["--format", "xml"], "'xml' is not one of 'table', 'csv', 'json'"),
        (["--theme", "arbeidsmark"], "unknown theme 'arbeidsmark'; did you mean 'arbeidsmarkt'?"),
    ],
)
def test_cli_bad_input_is_one_line(args, message):
    proc = signaal("signals", *args)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("signaal: error: ") and message in proc.stderr
