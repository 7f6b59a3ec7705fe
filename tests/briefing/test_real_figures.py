"""What a page of the bundled sample says about its figures: real (table, retrieval date), derived,
synthetic; a region figure CBS does not publish; real maps; money in real terms."""

from __future__ import annotations

import pytest

from signaal.briefing import Briefing


@pytest.fixture(scope="module")
def pages():
    b = Briefing(
        "wonen",
        region="CR12",
        quarter="2026Q3",
        topics=["banen_werknemers", "verkoopprijs_woningen", "prijsindex_koopwoningen", "woz_waarde", "werkloosheid"],
    )
    return b, {ind: b.topic(ind, show=False) for ind in b.topics}


def test_a_page_of_real_figures_names_its_table_and_goes_without_the_watermark(pages):
    _, p = pages
    jobs = p["banen_werknemers"]
    assert jobs.real_figures and 'class="topic real-figures"' in jobs.html()
    assert jobs.source_line == (
        "Bron: CBS StatLine, tabel 83582NED; echte cijfers, ophaaldatum niet vermeld; bewerking Signaal"
        " · provincies en Nederland: opgeteld uit de COROP-gebieden (afgeleid door Signaal)"
    )
    assert jobs.updated_line == "Laatste actualisatie: niet vermeld in het extract · cijfers tot en met 2024"
    assert "320.400" in " ".join(jobs.bullets)


def test_a_page_without_a_region_figure_shows_the_municipalities(pages):
    _, p = pages
    prices = p["verkoopprijs_woningen"]
    assert prices.real_figures
    assert ("proxy", "Geen cijfer voor Twente") in prices.badges
    assert prices.note.startswith("CBS publiceert dit cijfer niet voor Twente als geheel.")
    assert prices.bullets[0] == (
        "In 2025 liep het cijfer in de gemeenten van Twente uiteen van € 337.477 in Almelo tot € 476.568 in "
        "Tubbergen; Overijssel: € 420.923, Nederland: € 479.527."
    )
    assert (
        prices.source_line
        == "Bron: CBS StatLine, tabel 83625NED; echte cijfers, opgehaald 17 juli 2026; bewerking Signaal"
    )
    assert prices.updated_line == "Laatste actualisatie: 17 februari 2026 · cijfers tot en met 2025"
    assert "Gemeenten van Twente, 2015–2025" in prices.chart.svg


def test_a_chart_with_real_and_synthetic_lines_says_which_is_which(pages):
    _, p = pages
    index = p["prijsindex_koopwoningen"]
    assert not index.real_figures
    assert "Twente (voorbeelddata)" in index.chart.svg and "Nederland 153,6" in index.chart.svg
    assert "Lijnen met '(voorbeelddata)' zijn synthetisch" in index.note
    assert index.source_line == (
        "Bron: CBS StatLine, tabel 85819NED; echte cijfers voor Nederland en provincies uit tabel 85792NED "
        "(opgehaald 17 juli 2026); voorbeelddata (synthetisch) voor COROP-gebieden; bewerking Signaal"
    )
    synthetic = p["werkloosheid"]
    assert not synthetic.real_figures and synthetic.source_line.endswith("· voorbeelddata: synthetische cijfers")


def test_maps_are_real_choropleths_with_their_boundary_source(pages):
    _, p = pages
    svg = p["woz_waarde"].chart.svg
    assert "Grenzen 2023: CBS wijk- en buurtkaart (PDOK), vereenvoudigd" in svg
    assert "Schematische tegelkaart" not in svg


def test_the_cover_says_the_bundle_mixes_real_and_synthetic_figures(pages):
    b, _ = pages
    cover = b.cover(show=False)
    assert (
        cover.vintage_label
        == "meegeleverde gegevens: echte CBS-cijfers waar aanwezig, verder voorbeelddata (synthetisch)"
    )
    assert "Een deel is echt" in cover.html() and "VOORBEELDDATA" in cover.html()


def test_money_in_real_terms_shows_the_nominal_line_beside_it():
    b = Briefing("brede-welvaart", region="CR12", quarter="2026Q3", topics=["mediaan_inkomen_reeel"])
    page = b.topic("mediaan_inkomen_reeel", show=False)
    assert "Twente, nominaal" in page.chart.svg
    assert "omgerekend met de CPI (tabel 86141NED, echte cijfers)" in page.source_line
    rows = b.sources(show=False).block()["rows"]
    assert [r["table"] for r in rows] == ["86161NED", "86161NED", "86141NED"]  # real terms, nominal, CPI


def test_the_watermark_is_a_page_background_that_real_pages_go_without():
    from signaal.publish.html import stylesheet

    css = stylesheet("nl", "VOORBEELDDATA — geen officiële cijfers", "Twente Board")
    assert '@page { background: url("data:image/svg+xml,' in css
    assert "@page real-figures { background: none; @top-right { content: none; } }" in css
    from signaal.publish.html import page_css

    assert "background" not in page_css("nl", "") and "real-figures" not in page_css("nl", "")  # live data: no mark
