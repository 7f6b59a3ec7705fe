"""The board's front pages: "In één oogopslag", the targets table, what changed since the
previous briefing, the methods appendix; and dates that tell the truth."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from signaal.briefing.context import PageContext
from signaal.briefing.edition import Edition
from signaal.briefing.front import _items, amount_text, front_pages, glance_html, methods_html, targets_html
from signaal.catalogue.targets import load_targets
from signaal.indicators import Data
from signaal.indicators.targets import Target
from signaal.periods import Period
from signaal.signals import compute_signals
from signaal.signals.history import read_previous, revisions
from signaal.signals.output import signals_json
from signaal.store.vintage import Store

from signalkit import make_data, years
from signalkit import test_catalogue as signal_catalogue

NL = "NL01"
# what only the methods appendix may show: strength scores, p-values, rule names
TECHNICAL = re.compile(r"sterkte|overschrijdingskans|p-waarde|p \(trend\)|buiten de bandbreedte|\bz\b", re.I)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def sample():
    data = Data.open()
    return data, compute_signals(data, "CR12", "2026Q3")


# ---------------------------------------------------------------------------- in één oogopslag
def test_the_glance_page_states_btg_beside_the_compass_and_what_each_signal_means(sample):
    data, found = sample
    text = text_of(glance_html(found, data, "CR12", Period.parse("2026Q3"), "nl"))
    # Bruto Twents Geluk as published, beside our compass, in one sentence that states the relation
    btg = data.table("btg_rapportcijfer", ["CR12", NL]).dropna().iloc[-1]
    assert f"Twentenaren geven hun leven een {btg['CR12']:.1f}".replace(".", ",") in text
    assert "hoger dan Nederland" in text and "staat Twente objectief" in text and "van 40 COROP-gebieden" in text
    # three to five urgencies, two to three opportunities, the board targets off track first
    urgencies = text.split("Urgenties", 1)[1].split("Kansen", 1)[0]
    assert urgencies.count(": ") >= 3 and "Bruto regionaal product per inwoner" in urgencies.split(".")[0]
    # each with its number, its comparison and what it means in people, homes or euros
    population = data.series("bevolking_15_75", "CR12").iloc[-1]
    hbo = next(s for s in found if s.indicator == "hoogopgeleiden" and s.rule == "doel")
    people = abs(hbo.numbers["gap"]) / 100 * population
    assert (
        f"ongeveer {amount_text(people, 'hoogopgeleiden', False, 'nl')} minder dan bij het Nederlandse niveau" in text
    )
    assert "ongeveer € " in text and "miljard" in text  # the product per inhabitant × inhabitants
    assert "5.295 van de 14.100 woningen erbij" in text  # the Woondeal, in homes
    assert text.count(f"{btg['CR12']:.1f} tegen".replace(".", ",")) == 0  # BTG once, in its sentence
    assert not TECHNICAL.search(text), TECHNICAL.search(text)


def test_a_figure_that_is_not_twentes_own_names_its_region_honestly(sample):
    data, _ = sample
    found = compute_signals(data, "CR12", "2026Q3", indicators=["ww_uitkeringen", "vacatures"], targets=[])
    html = _items(found, data, "nl")
    # the labour-market region of the same fourteen municipalities is no stand-in
    ww = [s for s in found if s.indicator == "ww_uitkeringen"]
    assert ww and {s.data_region for s in ww} == {"AM05"}
    assert all("arbeidsmarktregio Twente" in s.sentence_nl and "benadering" not in s.sentence_nl for s in ww)
    assert "<strong>WW-uitkeringen</strong> (arbeidsmarktregio Twente): " in html
    # a province standing in says so
    assert "<strong>Openstaande vacatures</strong> (cijfer van Overijssel; voor Twente niet gepubliceerd): " in html
    assert "(AM)" not in html


def test_amounts_are_rounded_as_a_board_reads_them():
    assert amount_text(16_234, "mensen", False, "nl") == "16.000 mensen"
    assert amount_text(287.4, "woningen", False, "nl") == "290 woningen"
    assert amount_text(6_952_000_000, "", True, "nl") == "€ 7,0 miljard"
    assert amount_text(350_400_000, "", True, "en") == "€ 350.4 million"


# ---------------------------------------------------------------------------- the targets
def test_the_targets_table_lists_every_target_of_doelen_csv(sample, root):
    data, found = sample
    targets = [t for t in load_targets(root / "data" / "manual" / "doelen.csv") if t.region == "CR12"]
    html = targets_html(found, data, "CR12", targets, "nl")
    assert {t.id for t in targets} == set(re.findall(r'data-target="([^"]+)"', html))
    assert len(targets) == 4  # participation, higher-educated, product per inhabitant, the Woondeal
    text = text_of(html)
    for needle in (
        "op koers",
        "niet op koers",
        "72,3% (2025)",
        "35,3% Nederland",
        "14.100 tot en met het 4e kwartaal 2030",
    ):
        assert needle in text, needle
    # the year reached at the current pace, from the same numbers as the target's signal
    deal = next(s for s in found if s.numbers.get("target") == "woondeal_twente")
    assert str(deal.numbers["year_reached"]) in text
    assert "De Woondeal telt de groei van de woningvoorraad" in text  # completions against net additions


def test_a_target_without_figures_says_why_in_its_row(sample):
    data, found = sample
    odd = Target(
        id="leren_ge_nl",
        region="CR12",
        indicator="levenlang_leren",
        kind="benchmark",
        benchmark=NL,
        label_nl="Doel: leven lang ontwikkelen minstens het Nederlandse niveau",
        label_en="Target: lifelong learning at least the Dutch level",
        source_url="https://example.org",
    )
    found = compute_signals(data, "CR12", "2026Q3", indicators=["levenlang_leren"], targets=[odd])
    html = targets_html(found, data, "CR12", [odd], "nl")
    assert 'data-target="leren_ge_nl"' in html and "geen cijfers: geen cijfers voor Twente" in text_of(html)


def test_without_an_earlier_briefing_one_line_on_the_targets_page_says_so(sample):
    data, found = sample
    front = front_pages(found, data, "CR12", Period.parse("2026Q3"), "nl", [], None)
    text = text_of(front["html"])
    assert "Er is geen eerdere briefing voor Twente gevonden; wat er sinds het vorige kwartaal veranderd is" in text
    assert "Wat is er veranderd" not in text and front["new_figures"] == {}
    # an amount in euros never breaks from its sign at the end of a line
    assert "€&nbsp;" in front["html"] and "€ " not in front["html"]


# ---------------------------------------------------------------------------- what changed
def _two_vintages(tmp_path: Path) -> Data:
    """Vintage t0 as the previous briefing read it; t1 now, with one figure revised by CBS."""
    series = {
        ("aandeel", "CR12"): years(2016, [66.0 + 0.1 * i for i in range(10)]),
        ("aandeel", NL): years(2016, [70.0] * 10),
        ("werkloos", "CR12"): years(2016, [4.0 + 0.2 * i for i in range(10)]),
        ("werkloos", NL): years(2016, [4.0] * 10),
    }
    make_data(tmp_path, series, vintage="t0")
    series[("aandeel", "CR12")] = {**series[("aandeel", "CR12")], "2024": 67.4}  # was 66.8: revised
    return make_data(tmp_path, series, vintage="t1")


def test_what_changed_names_new_gone_recoloured_signals_and_a_revision(tmp_path):
    data = _two_vintages(tmp_path)
    now = compute_signals(data, "CR12", "2025Q4", indicators=["aandeel", "werkloos"], targets=[])
    new = next(s for s in now if s.kind != "neutraal" and s.indicator == "aandeel")
    recoloured = next(s for s in now if s.kind != "neutraal" and s.indicator == "werkloos")
    before = json.loads(signals_json(now))
    before["meta"].update(region="CR12", quarter="2025Q3")
    kept = []
    for s in before["signals"]:
        if (s["indicator"], s["rule"]) == (new.indicator, new.rule):
            continue  # not there last quarter: new
        if (s["indicator"], s["rule"]) == (recoloured.indicator, recoloured.rule):
            s["kind"] = "kans" if s["kind"] == "urgentie" else "urgentie"  # the other colour last quarter
        kept.append(s)
    gone = {**kept[0], "indicator": "prijs", "rule": "positie", "kind": "urgentie", "title_nl": "Prijsindex"}
    before["signals"] = [*kept, gone]  # an urgency last quarter that is no more
    folder = tmp_path / "reports" / "2025Q3"
    folder.mkdir(parents=True)
    (folder / "signals.json").write_text(json.dumps(before), "utf-8")
    (folder / "manifest.json").write_text(json.dumps({"vintage": {"id": "t0", "checksum": "x"}}), "utf-8")
    previous = read_previous(folder, "CR12")
    assert previous is not None and previous.vintage == "t0" and read_previous(folder, "CR10") is None

    front = front_pages(now, data, "CR12", Period.parse("2025Q4"), "nl", [], previous)
    text = text_of(front["html"])
    assert "Wat is er veranderd sinds het 3e kwartaal 2025" in text
    assert f"{new.title_nl} (nieuw: {new.kind})" in text
    old_kind = "kans" if recoloured.kind == "urgentie" else "urgentie"
    assert f"{recoloured.title_nl} (was {old_kind}, nu {recoloured.kind})" in text
    assert "Prijsindex (geen urgentie meer)" in text
    # the revision between the two vintages, and by how much
    [rev] = revisions(data, previous, ["CR12", NL])
    assert (rev.indicator, rev.region, rev.period, rev.old, rev.new) == ("aandeel", "CR12", "2024", 66.8, 67.4)
    assert "Aandeel werkenden, Twente, 2024: 66,8% → 67,4% (+0,6 procentpunt)" in text
    assert not TECHNICAL.search(text)


def test_revisions_come_from_the_published_figures_when_the_old_vintage_is_gone(tmp_path):
    data = _two_vintages(tmp_path)
    folder = tmp_path / "prev"
    folder.mkdir()
    (folder / "signals.json").write_text(json.dumps({"meta": {"region": "CR12", "quarter": "2025Q3"}}), "utf-8")
    (folder / "manifest.json").write_text(json.dumps({"vintage": {"id": "gone", "checksum": "y"}}), "utf-8")
    pd.DataFrame(
        [("aandeel", "CR12", "2024", 66.8), ("aandeel", "CR12", "2023", 66.7)],
        columns=["indicator", "region", "period", "value"],
    ).to_csv(folder / "indicators.csv", index=False)
    [rev] = revisions(data, read_previous(folder, "CR12"), ["CR12"])
    assert (rev.period, rev.old, rev.new) == ("2024", 66.8, 67.4)


# ---------------------------------------------------------------------------- methods appendix
def test_the_methods_appendix_holds_the_strengths_p_values_and_rules(sample):
    data, found = sample
    text = text_of(methods_html(found, data, "nl"))
    assert "Sterkte" in text and "p (trend)" in text and "Doel" in text and "Relevant vanaf" in text
    assert "0,78" in text  # the board targets' strength


# ---------------------------------------------------------------------------- dates
def test_laatste_actualisatie_is_the_sources_release_date_not_today(tmp_path):
    data = make_data(tmp_path, {("aandeel", "CR12"): years(2020, [70.0, 71.0])}, cat=signal_catalogue())
    manifest = {**data.vintage.manifest, "sources": {"test.csv": {"kind": "cbs", "modified": "2026-04-22"}}}
    data.vintage = Store(tmp_path / "data").write_vintage(data.vintage.observations, manifest, vintage_id="t2")
    today = dt.date(2026, 11, 29)
    edition = Edition("CR12", Period.parse("2026Q3"), "nl", "t2", False, today, "")
    ctx = PageContext(edition, data, tmp_path / "data", ["aandeel"])
    ctx.cat = data.cat
    ind = data.cat["aandeel"]
    assert ctx.updated(ind) == "22 april 2026"
    assert ctx.updated_line(ind) == "Laatste actualisatie: 22 april 2026 · cijfers tot en met 2021"
    assert "29 november 2026" not in ctx.updated_line(ind)  # never the run date
    # a curated table: the date its origin states, never the file's modification time
    manual = {"test.csv": {"kind": "manual", "modified": "2026-11-29", "published": "2025-06-12"}}
    data.vintage = Store(tmp_path / "data").write_vintage(
        data.vintage.observations, {**manifest, "sources": manual}, vintage_id="t3"
    )
    assert ctx.updated(ind) == "12 juni 2025"
    manual["test.csv"]["published"] = ""
    data.vintage = Store(tmp_path / "data").write_vintage(
        data.vintage.observations, {**manifest, "sources": manual}, vintage_id="t4"
    )
    assert ctx.updated(ind) == "niet vermeld door de bron"


def test_the_sample_dates_its_real_figures_by_cbs_and_its_synthetic_ones_by_nothing():
    data = Data.open()
    edition = Edition.of(data, "CR12", "2026Q3", "nl")
    ctx = PageContext(edition, data, None, [])
    assert ctx.updated(data.cat["prijsindex_koopwoningen"]) == "22 april 2026"  # 85792NED Modified
    assert ctx.updated(data.cat["werkloosheid"]) == "geen (voorbeelddata)"
    assert edition.today.isoformat() not in ctx.updated_line(data.cat["werkloosheid"])
