"""Every theme notebook, through papermill, for Twente and for another COROP region (in
English): the PDFs carry their question titles and source lines; nothing is Twente-specific."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from signaal.briefing.edition import Edition
from signaal.catalogue import catalogue
from signaal.periods import Period
from signaal.regions import registry

from conftest import signaal
from test_notebooks import NOTEBOOKS, named_indicators

pytestmark = pytest.mark.e2e


def pdf_text(path: Path) -> str:
    """All text of a PDF on one line; words broken at a hyphen across lines joined again."""
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)
    return text.replace("- ", "-")


@pytest.fixture(scope="session")
def cr10_en(tmp_path_factory):
    out = tmp_path_factory.mktemp("cr10") / "run"
    proc = signaal("run", "--region", "CR10", "--lang", "en", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def expected_questions(nb: Path, region: str, lang: str) -> list[str]:
    cat, reg = catalogue(), registry()
    names = dict(
        regio=reg[region].name(lang),
        inwoners=reg.demonym(region, lang),
        provincie=reg[reg.province_of(region)].name(lang),
        arbeidsmarktregio=Edition(region, Period.parse("2026Q3"), lang, vintage="sample").labour_market_name(),
    )
    return [
        cat[i].question_for(lang, **names)
        for i in sorted(named_indicators(nb))
        if not cat[i].id.startswith("reistijd_")
    ]


def source_lines(nb: Path, lang: str) -> set[str]:
    cat = catalogue()
    word = "Bron" if lang == "nl" else "Source"
    return {
        f"{word}: CBS StatLine, tabel {cat[i].source.table}"
        if lang == "nl"
        else f"{word}: CBS StatLine, table {cat[i].source.table}"
        for i in named_indicators(nb)
        if cat[i].source.kind == "cbs"
    }


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_twente_briefing_has_every_question_and_source(run_dir, nb):
    text = pdf_text(run_dir / f"{nb.stem}.pdf")
    for q in expected_questions(nb, "CR12", "nl"):
        assert q.replace("- ", "-") in text, f"{nb.stem}: missing question {q!r}"
    for line in source_lines(nb, "nl"):
        assert line in text, f"{nb.stem}: missing source line {line!r}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_any_corop_region_in_english(cr10_en, nb):
    text = pdf_text(cr10_en / f"{nb.stem}.en.pdf")
    for q in expected_questions(nb, "CR10", "en"):
        assert q.replace("- ", "-") in text, f"{nb.stem}: missing question {q!r}"
    for line in source_lines(nb, "en"):
        assert line in text, f"{nb.stem}: missing source line {line!r}"
    first_page = " ".join((PdfReader(str(cr10_en / f"{nb.stem}.en.pdf")).pages[0].extract_text() or "").split())
    assert "Noord-Overijssel · Q3 2026" in first_page
    for twente_only in ("Twentenaren", "people in Twente", "Woondeal"):
        assert twente_only not in text, f"{nb.stem}: a Noord-Overijssel briefing says {twente_only!r}"
    assert "SAMPLE DATA — not official statistics" in text


def test_noord_overijssel_is_compared_with_its_own_municipalities(cr10_en):
    text = pdf_text(cr10_en / "arbeidsmarkt.en.pdf")
    reg = registry()
    members = [reg[c].name_en for c in reg.children("CR10")]
    found = [m for m in members if m in text]
    assert len(found) >= len(members) - 1, (members, found)


def test_woondeal_progress_with_the_pace_needed(run_dir):
    text = pdf_text(run_dir / "wonen.pdf")
    assert "Haalt Twente het doel van 14.100 woningen erbij in 8 jaar?" in text
    assert "Regionale Woondeal Twente" in text and "twee derde" in text
    assert "per jaar nodig" in text and "van het doel van 14.100" in text


def test_accessibility_shows_rail_travel_times_next_to_cbs_distances(run_dir):
    text = pdf_text(run_dir / "bereikbaarheid.pdf")
    for dest in ("Amsterdam Zuid", "Utrecht Centraal", "Schiphol", "Zwolle", "Münster"):
        assert dest in text
    assert "Afstand tot voorzieningen (CBS)" in text or "Treinstation" in text


def test_broad_welfare_shows_published_marks_as_published(run_dir):
    text = pdf_text(run_dir / "brede-welvaart.pdf")
    assert "Hoe gelukkig zijn Twentenaren?" in text
    assert "7,4 in Twente, tegen 6,9 in Nederland" in text  # the sample follows the published 2025 marks
    assert "RaboResearch" in text


def test_each_run_records_every_theme(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    themes = [d for d in manifest["documents"] if d["kind"] == "theme"]
    assert {d["name"] for d in themes} == {p.stem for p in NOTEBOOKS}
    assert all(d["status"] == "built" for d in manifest["documents"])


def test_maps_use_real_boundaries_once_they_are_cached(tmp_path, root, real_fixtures):
    """Out of the box a choropleth of the bundled real 2023 boundaries; after `signaal data
    boundaries --from-file` the cached ones (the PDOK cache comes first); each names its source."""
    import shutil

    from signaal.briefing.notebook import Briefing

    data = tmp_path / "data"
    shutil.copytree(root / "data" / "sample", data / "sample")
    shutil.copytree(root / "data" / "manual", data / "manual")
    before = Briefing("wonen", data_dir=data).page("woz_waarde").chart.svg
    assert (
        "Grenzen 2023: CBS wijk- en buurtkaart (PDOK), vereenvoudigd" in before and "geen echte grenzen" not in before
    )
    proc = signaal(
        "data",
        "boundaries",
        "--from-file",
        str(real_fixtures / "geo" / "gemeenten_2023_wgs84_simplified.geojson"),
        "--data-dir",
        str(data),
    )
    assert proc.returncode == 0, proc.stderr
    after = Briefing("wonen", data_dir=data).page("woz_waarde").chart.svg
    assert "Grenzen 2023: CBS/Kadaster via PDOK" in after and "wijk- en buurtkaart" not in after
