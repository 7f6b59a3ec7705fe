"""The notebook API without a kernel: pages built straight from the bundled sample."""

from __future__ import annotations

import pandas as pd
import pytest

from signaal import charts
from signaal.briefing.notebook import Briefing


@pytest.fixture(scope="module")
def wonen():
    return Briefing("wonen")


def test_woondeal_page_before_and_at_the_start_shows_nothing():
    assert Briefing("wonen", quarter="2022Q3").target("woningvoorraad", show=False) is None
    assert Briefing("wonen", quarter="2022Q4").target("woningvoorraad", show=False) is None


def test_woondeal_page_in_its_first_year_speaks_of_the_pace_so_far():
    page = Briefing("wonen", quarter="2023Q2").target("woningvoorraad", show=False)
    text = " ".join(page.bullets)
    assert "Sinds het 4e kwartaal 2022 kwamen er gemiddeld" in text
    assert "Het afgelopen jaar" not in text


def test_woondeal_page_says_what_its_chart_shows(wonen):
    from signaal import formatting as fmt
    from signaal.indicators.targets import progress, targets_for

    page = wonen.target("woningvoorraad", show=False)
    target = targets_for("CR12", "woningvoorraad")[0]
    prog = progress(wonen.data.series("woningvoorraad", "CR12"), target, up_to=wonen.quarter)
    projection = fmt.number(prog.projection, 0)
    assert projection in page.bullets[2] and projection in page.chart.svg  # one number, in text and chart
    assert page.bullets[0].startswith("Sinds het 4e kwartaal 2022 kwamen er")


def test_no_target_page_for_a_region_without_a_target():
    assert Briefing("wonen", region="CR10").target("woningvoorraad", show=False) is None


def test_travel_times_only_where_a_table_is_kept():
    page = Briefing("bereikbaarheid").travel_times(show=False)
    assert page.question.startswith("Hoe snel reis je vanuit Twente met de trein naar ")
    for dest in ("Amsterdam Zuid", "Utrecht Centraal", "Schiphol Airport", "Zwolle", " en "):
        assert dest in page.question
    assert "Enschede" in " ".join(page.bullets)  # the largest station in the table speaks
    assert Briefing("bereikbaarheid", region="CR10").travel_times(show=False) is None


def test_a_topic_with_a_single_period_has_no_range(wonen):
    b = Briefing("brede-welvaart", quarter="2022Q4")
    page = b.page("btg_rapportcijfer")
    assert "2022–2022" not in page.subtitle and page.subtitle.endswith("2022")


def test_english_briefing_has_no_dutch_page_furniture():
    b = Briefing("arbeidsmarkt", lang="en")
    page = b.page("vacatures")
    html = page.html()
    for dutch in ("Toelichting", "Bron:", "Laatste actualisatie", "andere provincies", "Benadering"):
        assert dutch not in html, dutch
    assert "Notes" in html and "Source:" in html and "Proxy" in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.bars(pd.Series({"A": 1.0, "B": 2.0}), {}, "percent", 1, title="x"),
        lambda: charts.rank_strip(
            pd.Series({f"CR{i:02d}": float(i) for i in range(1, 41)}),
            "CR12",
            {},
            "percent",
            1,
            "higher_is_better",
            title="x",
        ),
        lambda: charts.tiles(
            pd.Series({"GM0153": 1.0, "GM0164": 2.0}), {"GM0153": (0, 0), "GM0164": (1, 0)}, {}, "count", 0, title="x"
        ),
        lambda: charts.target_progress(
            pd.Series([1.0, 2.0], index=["2023Q1", "2023Q2"]), 10, "2022Q4", "2024Q4", {}, title="x", projection=6.0
        ),
        lambda: charts.travel_times(pd.DataFrame({"GM0153": [60.0]}, index=["z"]), None, {}, title="x"),
        lambda: charts.institutions(
            pd.DataFrame({"ut": [11000.0, 11800.0]}, index=["2023", "2024"]), {"ut": "UT"}, title="x"
        ),
    ],
)
def test_every_chart_function_gives_an_accessible_svg(make):
    chart = make()
    assert chart.svg.startswith("<svg") and 'aria-label="x"' in chart.svg


def test_every_block_says_what_it_is_beside_its_html(wonen):
    from signaal.briefing.pages import BLOCK_MIMETYPE, Output
    from signaal.briefing.style import unwrap

    page = wonen.topic("woz_waarde", show=False)
    block = page.block()
    assert block.pop("pack_html") == page.html(compact=True)  # the board pack's half-page form
    assert block == {
        "kind": "topic",
        "id": "topic-woz_waarde",
        "indicator": "woz_waarde",
        "title": page.question,
    }
    assert 'id="topic-woz_waarde"' in page.html() and page.question in page.html()
    target = wonen.target("woningvoorraad", show=False).block()
    assert target["id"] == "topic-woningvoorraad-doel" and target["indicator"] == "woningvoorraad"
    rows = wonen.sources(show=False).block()["rows"]
    assert {"indicator", "definition", "source", "table", "updated"} == set(rows[0])
    assert any(
        r["table"] == "85618NED" for r in Briefing("wonen", topics=["bevolking"]).sources(show=False).block()["rows"]
    )
    bundle = Output(page.html(), page.question, page.block())._repr_mimebundle_()
    assert bundle[BLOCK_MIMETYPE]["id"] == "topic-woz_waarde" and unwrap(bundle["text/html"]) == page.html()


def test_the_compass_page_counts_its_indicators_as_shown():
    from signaal.signals.compass import BTG_INDICATOR, DIMENSIONS

    b = Briefing("brede-welvaart", topics=["btg_rapportcijfer"])
    html = b.compass(show=False).html()
    assert html.startswith('<section class="topic compass-page" id="topic-kompas">')
    assert b.shown == [BTG_INDICATOR] + [i for ids in DIMENSIONS.values() for i in ids]


def test_one_edition_labels_every_document_alike():
    import datetime as dt

    from signaal.briefing.edition import Edition
    from signaal.periods import Period

    b = Briefing("wonen", quarter="2026Q3", today=dt.date(2026, 11, 28))
    edition = Edition(
        "CR12",
        Period.parse("2026Q3"),
        "nl",
        vintage=b.data.vintage.id,
        is_sample=True,
        today=dt.date(2026, 11, 28),
        checksum=b.data.vintage.checksum,
        mixed=True,  # the bundle mixes real CBS figures and synthetic ones
    )
    assert b.edition == edition and b.meta() == edition.meta("wonen", "Wonen")
    assert "echte CBS-cijfers" in edition.vintage_label
    assert edition.kicker == "Twente Board · Signaleren" and edition.board == "Twente Board"
    assert edition.quarter_label == "3e kwartaal 2026" and edition.date_label == "28 november 2026"
    assert edition.watermark == "VOORBEELDDATA — geen officiële cijfers"
    cover = b.cover(show=False)
    assert (cover.region_name, cover.quarter_label, cover.vintage_label, cover.kicker) == (
        "Twente",
        "3e kwartaal 2026",
        edition.vintage_label,
        edition.kicker,
    )
    en = edition.in_language("en")
    assert en.quarter_label != edition.quarter_label and en.watermark != edition.watermark
    assert (
        Edition("CR10", Period.parse("2026Q3")).board == "Signaal"
        and Edition("CR10", Period.parse("2026Q3")).watermark == ""
    )
