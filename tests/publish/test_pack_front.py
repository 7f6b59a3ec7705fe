"""The board pack's order and its front: the front pages first, the methods appendix last, no
strength, p-value or rule name before it; one rank on every surface; "nieuw" on new figures."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from signaal.briefing.edition import Edition
from signaal.briefing.narrative import Context, rank_line
from signaal.charts.compare import draw_rank_strip
from signaal.indicators import Data
from signaal.periods import Period
from signaal.publish.boardpack import Block, ThemeParts, compose, mark_new, theme_section
from signaal.publish.tables import indicator_table, write_indicators_csv
from signaal.signals import compute_signals
from signaal.signals.output import signals_csv

from signalkit import COROP, make_data, spread_regions

WATERMARK = "VOORBEELDDATA — geen officiële cijfers"
TECHNICAL = re.compile(r"sterkte|overschrijdingskans|p-waarde|p \(trend\)|buiten de bandbreedte", re.I)


def edition() -> Edition:
    return Edition("CR12", Period.parse("2026Q3"), "nl", "sample", True)


# ---------------------------------------------------------------------------- order (no PDF)
def test_the_pack_opens_with_the_front_pages_and_ends_with_the_methods_appendix():
    front = (
        '<section class="front front-glance" id="pack-oogopslag"><h1>In één oogopslag</h1></section>'
        '<section class="front front-targets" id="pack-doelen"><h1>Doelen van de board</h1></section>'
    )
    methods = '<section class="pack-section pack-methods" id="pack-methode"><h1>Verantwoording</h1></section>'
    html = compose(
        [], edition(), "<section class='signal-board'></section>", front=front, methods=methods, for_pdf=False
    )
    order = [
        html.index('class="cover'),
        html.index('id="pack-oogopslag"'),
        html.index('id="pack-doelen"'),
        html.index('id="pack-inhoud"'),
        html.index('id="pack-signaalbord"'),
        html.index('id="pack-bronnen"'),
        html.index('id="pack-methode"'),
    ]
    assert order == sorted(order)
    contents = html[html.index('id="pack-inhoud"') : html.index('id="pack-signaalbord"')]
    assert 'href="#pack-methode"' in contents  # the appendix is in the contents, last


def test_a_topic_with_figures_new_since_the_previous_briefing_is_marked():
    topic = '<section class="topic" id="topic-x"><p class="updated">Laatste actualisatie: 22 april 2026</p></section>'
    assert mark_new(topic, "nl").count('class="badge-new"') == 1
    parts = ThemeParts("wonen", "wonen", "Wonen", "", {}, [Block("topic", topic, {"indicator": "x", "id": "topic-x"})])
    marked, _ = theme_section(parts, edition(), "pack-wonen", new={"x": "2026Q3"})
    plain, _ = theme_section(parts, edition(), "pack-wonen", new={})
    assert ">nieuw</span>" in marked and "badge-new" not in plain


# ---------------------------------------------------------------------------- one rank everywhere
def test_a_tie_gives_the_same_shared_rank_on_every_surface(tmp_path):
    periods = [str(y) for y in range(2020, 2026)]
    series = spread_regions("aandeel", periods, base=70.0, step=0.1, skip=("CR12",))
    series[("aandeel", "CR12")] = {p: 71.54 for p in periods}  # shown as 71,5, as one other region
    series[("aandeel", "NL01")] = {p: 70.0 for p in periods}
    data = make_data(tmp_path, series)
    quarter = Period.parse("2025Q4")
    # page text (the Toelichting's rank line)
    ctx = Context(data, data.cat["aandeel"], "CR12", "NL01", quarter, "nl", focus="CR12")
    assert rank_line(ctx) == "Twente staat gedeeld 4e–5e van de 40 COROP-gebieden (1e = gunstigst)."
    # chart label (the position strip)
    ax = Figure().subplots()
    row = data.table("aandeel", up_to=quarter).loc["2025", COROP]
    draw_rank_strip(ax, row, "CR12", {"CR12": "Twente"}, "percent", 1, "higher_is_better", "nl")
    assert any("gedeeld 4e–5e van 40" in t.get_text() for t in ax.texts)
    # signals.csv
    found = compute_signals(data, "CR12", quarter, indicators=["aandeel"], targets=[])
    rows = list(csv.DictReader(io.StringIO(signals_csv(found))))
    position = json.loads(next(r for r in rows if r["rule"] == "positie")["numbers"])
    assert (position["rank"], position["rank_high"], position["n"]) == (4, 5, 40)
    assert "gedeeld 4e–5e van de 40" in next(r for r in rows if r["rule"] == "positie")["sentence_nl"]
    # indicators.csv: all 40 COROP values behind the rank, and the rank itself
    path = tmp_path / "indicators.csv"
    write_indicators_csv(indicator_table(data, "CR12", quarter, ["aandeel"]), path)
    table = pd.read_csv(path, dtype=str)
    last = table[(table.period == "2025") & (table.level == "corop")]
    assert set(last.region) == set(COROP) and len(last) == 40
    assert last.set_index("region").loc["CR12", ["rank", "rank_of"]].tolist() == ["4-5", "40"]
    twin = last[last.value.astype(float).round(1) == 71.5]
    assert len(twin) == 2 and set(twin["rank"]) == {"4-5"}


# ---------------------------------------------------------------------------- the pack of a real run
@pytest.mark.e2e
def test_no_page_before_the_methods_appendix_shows_a_strength_a_p_value_or_a_rule_name(run_dir):
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(run_dir / "bestuursbriefing.pdf")).pages]
    methods = next(i for i, p in enumerate(pages) if "Verantwoording: hoe de signalen tot stand komen" in p and i > 4)
    assert methods >= len(pages) - 3  # at the end of the pack
    for i, page in enumerate(pages[:methods], 1):
        assert not TECHNICAL.search(page), f"page {i}: {TECHNICAL.search(page).group(0)!r}"
    assert TECHNICAL.search(" ".join(pages[methods:]))
    # the front: the cover, then "In één oogopslag", then the targets (no earlier briefing: one line)
    glance, targets = (p.replace(WATERMARK, "").strip() for p in pages[1:3])
    assert glance.startswith("In één oogopslag") and "Urgenties" in glance and "Kansen" in glance
    assert targets.startswith("Doelen van de board") and "Er is geen eerdere briefing voor Twente gevonden;" in targets
    assert "2026Q2" not in targets  # where it was looked for is for the analyst, not the board
    # no internal notes reach the board
    for note in ("niet geverifieerd", "verified", "to be verified", "secondary source"):
        assert not any(note in p for p in pages), note


@pytest.mark.e2e
def test_the_run_dates_figures_by_their_source_and_ranks_them_alike_everywhere(run_dir):
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(run_dir / "wonen.pdf")).pages)
    assert "Laatste actualisatie: 22 april 2026" in text  # 85792NED's Modified, not the run date
    # the participation of Twente shares a place with others as published: one rank everywhere
    signals = pd.read_csv(run_dir / "signals.csv")
    numbers = json.loads(
        signals[(signals.indicator == "netto_arbeidsparticipatie") & (signals.rule == "positie")].numbers.iloc[0]
    )
    table = pd.read_csv(run_dir / "indicators.csv", dtype=str)
    row = table[(table.indicator == "netto_arbeidsparticipatie") & (table.region == "CR12")].iloc[-1]
    shared = (
        f"{numbers['rank']}-{numbers['rank_high']}" if numbers["rank_high"] > numbers["rank"] else str(numbers["rank"])
    )
    assert row["rank"] == shared
    work = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(str(run_dir / "arbeidsmarkt.pdf")).pages
    )
    place = (
        f"gedeeld {numbers['rank']}e–{numbers['rank_high']}e van 40"
        if numbers["rank_high"] > numbers["rank"]
        else f"{numbers['rank']}e van 40"
    )
    assert place in work
    assert Data.open().vintage.is_sample
