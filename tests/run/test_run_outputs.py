"""What the quarterly run writes, checked without kernels: the board pack's composition (ids,
contents, what the board reads about missing parts), factsheets, indicators.csv, the index,
carrying documents over from the published folder, and the shared helpers behind them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from signaal.briefing.edition import Edition
from signaal.catalogue import catalogue
from signaal.errors import InputError
from signaal.indicators.data import Data
from signaal.periods import Period
from signaal.publish.boardpack import Block, ThemeParts, compose
from signaal.publish.exporters import board_of, footer_text, page_css
from signaal.publish.factsheets import FactsheetContext, KeyFigure, factsheet_html, render_factsheets, sources_text
from signaal.publish.outcome import DocResult
from signaal.publish.site import quarter_index_html
from signaal.publish.tables import indicator_table, write_indicators_csv
from signaal.regions import registry
from signaal.run.carry import carry_over
from signaal.run.folder import MANIFEST
from signaal.run.plan import Plan
from signaal.store.diff import table_id
from signaal.store.vintage import Store
from signaal.text import sample_watermark, upper_first, vintage_label

LIVE_ID = "20261101T000000Z"
# after a refresh, CBS's labour-force table 86088NED has a new edition and so does 83582NED (jobs)
NEWER = {"86088NED": "85999NED", "83582NED": "85888NED"}
RESOLVED = {
    i.id: {"source": NEWER[i.source.table]}
    for i in catalogue().indicators.values()
    if i.source.kind == "cbs" and i.source.table in NEWER
}


# ---------------------------------------------------------------------------------------
# A live vintage made from the sample: CBS families resolved to newer tables, and one
# municipality (Enschede) without a single figure
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory, root) -> Data:
    sample = Data.open(None, root / "data").vintage
    obs = sample.observations
    obs = obs[obs["region"] != "GM0153"]
    data_dir = tmp_path_factory.mktemp("live") / "data"
    Store(data_dir).write_vintage(obs, {"resolution": RESOLVED, "sources": {}}, vintage_id=LIVE_ID)
    return Data.open(LIVE_ID, data_dir)


def test_every_place_cites_the_table_the_family_resolved_to(live):
    manifest = live.vintage.manifest
    assert table_id(manifest, "werkloosheid") == "85999NED"
    assert table_id(manifest, "banengroei") == "85888NED"  # derived: moves with its input's table
    assert table_id(manifest, "bevolking") == "03759ned"  # not resolved: the catalogue's
    assert table_id({}, "werkloosheid") == "86088NED"
    text = sources_text(["werkloosheid", "banengroei", "bevolking"], "nl", manifest)
    assert "85999NED" in text and "85888NED" in text and "03759ned" in text
    assert "86088NED" not in text and "83582NED" not in text
    table = indicator_table(live, "CR12", Period.parse("2026Q3"), ["werkloosheid", "banengroei", "bevolking"])
    assert set(table.loc[table.indicator == "werkloosheid", "table"]) == {"85999NED"}
    assert set(table.loc[table.indicator == "banengroei", "table"]) == {"85888NED"}
    assert set(table.loc[table.indicator == "bevolking", "table"]) == {"03759ned"}


def test_a_municipality_without_figures_gets_no_empty_factsheet(live, tmp_path):
    edition = Edition.of(live, "CR12", "2026Q3", "nl", dt.date(2026, 11, 28))
    results = {r.name: r for r in render_factsheets(live, edition, ["GM0153", "GM0141"], tmp_path)}
    enschede, almelo = results["gemeenten/GM0153-enschede"], results["gemeenten/GM0141-almelo"]
    assert enschede.status == "skipped" and not enschede.outputs and not enschede.failed
    assert "no figures for Enschede (GM0153)" in enschede.notes["skipped"] and LIVE_ID in enschede.notes["skipped"]
    assert not (tmp_path / "gemeenten" / "GM0153-enschede.pdf").exists()
    assert almelo.status == "built"
    text = " ".join((PdfReader(str(tmp_path / almelo.outputs[0])).pages[0].extract_text() or "").split())
    assert "Almelo" in text and "85999NED" in text and "86088NED" not in text  # the resolved table
    assert "Twente Board · Signaal" in text  # the focus region's board in the footer


# ---------------------------------------------------------------------------------------
# Factsheet text: names, the board, the sample note
# ---------------------------------------------------------------------------------------
def _figure() -> KeyFigure:
    return KeyFigure(
        indicator="werkloosheid",
        label="Werkloosheid",
        period="2026",
        unit="percent",
        decimals=1,
        polarity="lower_is_better",
        subject=3.5,
        parent=3.4,
        national=3.7,
        peers={},
    )


def _ctx(lang: str, board: str = "Signaal", is_sample: bool = True) -> FactsheetContext:
    return FactsheetContext(
        quarter_label="Q3 2026", vintage_label="x", date_label="y", is_sample=is_sample, lang=lang, board=board
    )


def _text(html: str) -> str:
    """What a reader sees of a page: no style sheet, no tags."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def test_factsheet_names_keep_their_capitals():
    reg = registry()
    en = _text(factsheet_html("CR26", [_figure()], _ctx("en")))
    assert f"COROP region in {reg['PV28'].name('en')}" in en  # not "Corop region in South Holland"
    assert "The Netherlands" in en and "beside South Holland and the Netherlands" in en
    assert "The netherlands" not in en and "Corop" not in en
    nl = _text(factsheet_html("CR12", [_figure()], _ctx("nl")))
    assert "COROP-gebied in Overijssel" in nl and "Corop" not in nl
    assert "Gemeente in Twente (Overijssel)" in _text(factsheet_html("GM0153", [_figure()], _ctx("nl")))


def test_factsheet_says_whose_it_is_and_that_it_is_sample_data():
    reg = registry()
    twente = _text(factsheet_html("GM0153", [_figure()], _ctx("nl", reg.board("CR12"))))
    assert "Twente Board · Factsheet gemeente" in twente
    assert "Deze factsheet is gemaakt met de meegeleverde voorbeelddata" in twente and "Deze briefing" not in twente
    zwolle = _text(factsheet_html("GM0193", [_figure()], _ctx("nl", reg.board("CR10"))))
    assert "Twente" not in zwolle and "Signaal · Factsheet gemeente" in zwolle
    assert "voorbeelddata" not in _text(factsheet_html("GM0193", [_figure()], _ctx("nl", is_sample=False)))


def test_page_footer_names_the_board_of_the_briefing():
    css = (
        Path(__file__).parents[2] / "src" / "signaal" / "publish" / "templates" / "signaal" / "signaal.css"
    ).read_text()
    assert "Twente Board" not in css
    assert '@bottom-left { content: "Twente Board · Signaal"; }' in page_css("nl", "", footer_text("Twente Board"))
    assert '@bottom-left { content: "Signaal"; }' in page_css("nl", "")
    assert footer_text("Signaal") == footer_text(None) == "Signaal"
    assert board_of({"board": "Regio Zwolle Board"}) == "Regio Zwolle Board"
    assert board_of({"region": "CR12"}) == "Twente Board" and board_of({"region": "CR10"}) == "Signaal"
    assert board_of({}) == "Signaal"


# ---------------------------------------------------------------------------------------
# indicators.csv
# ---------------------------------------------------------------------------------------
def test_indicators_csv_keeps_every_digit_without_scientific_notation(tmp_path):
    values = [8059571.25, 0.00001234, 3.4, 123456789012.5, None]
    table = pd.DataFrame({"indicator": ["x"] * 5, "region": list("abcde"), "period": ["2026"] * 5, "value": values})
    write_indicators_csv(table, tmp_path / "indicators.csv")
    text = (tmp_path / "indicators.csv").read_text()
    assert "e+" not in text and "e-" not in text
    assert "8059571.25" in text and "0.00001234" in text and "123456789012.5" in text
    back = pd.read_csv(tmp_path / "indicators.csv")
    assert back["value"].tolist()[:4] == values[:4] and pd.isna(back["value"].iloc[4])


# ---------------------------------------------------------------------------------------
# The board pack's composition
# ---------------------------------------------------------------------------------------
SPARK = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs>'
    '<clipPath id="c1p"><rect/></clipPath><path id="c1m" d="M0 0"/></defs>'
    '<g clip-path="url(#c1p)"><use xlink:href="#c1m"/></g></svg>'
)
BOARD = (
    '<section class="signal-board"><article class="signal" id="signal-woningvoorraad-doel">'
    f'<a href="#topic-woningvoorraad">meer</a>{SPARK}</article>'
    f'<article class="signal" id="signal-woningvoorraad-trend">{SPARK}</article></section>'
)


def _topic(indicator: str, question: str) -> Block:
    return Block(
        "topic",
        f'<section class="topic" id="topic-{indicator}" data-indicator="{indicator}">'
        f'<h2 class="question">{question}</h2><figure class="chart">{SPARK}</figure></section>',
        {"kind": "topic", "id": f"topic-{indicator}", "indicator": indicator, "title": question},
    )


def _parts(name: str, blocks: list[Block]) -> ThemeParts:
    return ThemeParts(name=name, theme=name, title=name.capitalize(), intro="", meta={}, blocks=blocks)


def _pack(missing=None, board=BOARD, lang="nl") -> str:
    edition = Edition(
        "CR12", Period.parse("2026Q3"), lang, vintage="sample", is_sample=True, today=dt.date(2026, 11, 28)
    )
    question = "Hoe staat het met de brede welvaart?"
    compass = Block(
        "topic",
        f'<section class="topic compass-page" id="topic-kompas"><h2 class="question">{question}</h2></section>',
        {"kind": "topic", "id": "topic-kompas", "indicator": None, "title": question},
    )
    btg = _parts("brede-welvaart", [compass])
    wonen = _parts(
        "wonen",
        [
            Block(
                "summary",
                '<section class="summary"><a href="#topic-woningvoorraad">1</a>'
                '<a href="#topic-werkloosheid">2</a><a href="#topic-nergens">3</a></section>',
            ),
            Block("other", BOARD),
            _topic("woningvoorraad", "Hoeveel woningen?"),
        ],
    )
    arbeid = _parts(
        "arbeidsmarkt",
        [
            Block("other", BOARD),
            _topic("werkloosheid", "Hoeveel werklozen?"),
            _topic("woningvoorraad", "Hoeveel woningen (arbeid)?"),
        ],
    )
    return compose([wonen, arbeid], edition, board, btg=btg, missing=missing, for_pdf=False)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
            if name in ("href", "xlink:href") and value and value.startswith("#"):
                self.links.append(value[1:])


def test_board_pack_ids_are_unique_and_every_internal_link_resolves():
    html = _pack()
    refs = _Refs()
    refs.feed(html)
    assert refs.ids and len(refs.ids) == len(set(refs.ids)), sorted(i for i in refs.ids if refs.ids.count(i) > 1)
    urls = re.findall(r"url\(#([^)]+)\)", html)
    assert urls and refs.links
    for target in refs.links + urls:
        assert target in refs.ids, f"#{target} points nowhere"
    # each section's links go to its own pages, a topic of another theme to that theme's page
    wonen = html.split('id="pack-wonen"', 1)[1].split('id="pack-arbeidsmarkt"', 1)[0]
    assert 'href="#wonen-topic-woningvoorraad"' in wonen and 'href="#arbeidsmarkt-topic-werkloosheid"' in wonen
    assert "topic-nergens" not in html and ">3</a>" in html  # a link to nowhere keeps its text
    arbeid = html.split('id="pack-arbeidsmarkt"', 1)[1]
    assert 'href="#arbeidsmarkt-topic-woningvoorraad"' in arbeid  # its own page, not wonen's


def test_board_pack_contents_has_the_broad_welfare_compass_page():
    html = _pack()
    contents = html.split('id="pack-inhoud"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#brede-welvaart-topic-kompas"' in contents and "Hoe staat het met de brede welvaart?" in contents
    assert 'id="brede-welvaart-topic-kompas"' in html and 'id="topic-kompas"' not in html


def test_board_pack_tells_the_board_what_is_missing_in_its_own_words():
    html = _pack(missing=["wonen", "kapot"], board=None)
    text = _text(html)
    assert "Het thema Wonen ontbreekt in deze bestuursbriefing: er ging iets mis bij het maken" in text
    assert "Het thema kapot ontbreekt" in text
    assert (
        "Het signaalbord ontbreekt in deze bestuursbriefing: de signalen zijn niet berekend (er ging iets mis" in text
    )
    assert "signaal.signals" not in text
    assert "Twente Board · Signaleren" in text and '"Twente Board · Signaal"' in html  # kicker, footer
    en = _text(_pack(missing=["wonen"], board=None, lang="en"))
    assert "The theme Housing is missing from this board briefing: something went wrong" in en
    assert "ontbreekt" not in en


# ---------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------
def _plan(tmp_path: Path, lang: str = "nl", whole: bool = True, themes=("arbeidsmarkt",)) -> Plan:
    return Plan(
        quarter=Period.parse("2026Q3"),
        region="CR12",
        lang=lang,
        themes={t: tmp_path / f"{t}.ipynb" for t in themes},
        out=tmp_path / "2026Q3",
        data_dir=tmp_path,
        vintage_id="sample",
        vintage_checksum="x",
        is_sample=True,
        jobs=1,
        whole_quarter=whole,
        factsheets="gemeenten" if whole else "none",
        today=dt.date(2026, 11, 28),
    )


def _index(plan: Plan, docs: list[DocResult]) -> str:
    return quarter_index_html(docs, plan.edition())


def test_index_names_the_pack_once_uses_the_bundled_font_and_marks_other_languages(tmp_path):
    docs = [
        DocResult("arbeidsmarkt", "arbeidsmarkt.ipynb", "built", outputs=["arbeidsmarkt.pdf", "arbeidsmarkt.html"]),
        DocResult("wonen.en", "wonen.ipynb", "carried", outputs=["wonen.en.pdf"], lang="en"),
        DocResult(
            "bestuursbriefing",
            None,
            "built",
            kind="boardpack",
            outputs=["indicators.csv", "bestuursbriefing.html", "bestuursbriefing.pdf"],
        ),
        DocResult(
            "signaalbord", None, "built", kind="signals", outputs=["signals.csv", "signals.json", "signaalbord.html"]
        ),
        DocResult(
            "gemeenten/GM0153-enschede",
            None,
            "skipped",
            kind="factsheet",
            notes={"skipped": "no figures for Enschede (GM0153)"},
        ),
        DocResult(
            "gemeenten/GM0141-almelo.en",
            None,
            "carried",
            kind="factsheet",
            lang="en",
            outputs=["gemeenten/GM0141-almelo.en.pdf"],
        ),
    ]
    html = _index(_plan(tmp_path), docs)
    text = _text(html)
    assert text.count("Bestuursbriefing") == 1 and "Bestuursbriefing:" not in text
    assert '@font-face { font-family: "Source Sans 3"' in html
    assert "Twente Board · Signaleren" in text and 'lang="nl"' in html
    assert 'href="wonen.en.pdf"' in html and "Wonen (Engels)" in text
    assert "Almelo (Engels)" in text and "Enschede overgeslagen no figures for Enschede (GM0153)" in text
    assert 'href="signaalbord.html">Signaalbord</a>' in html and 'href="indicators.csv"' in html
    cr10 = _index(Plan(**{**_plan(tmp_path).__dict__, "region": "CR10"}), docs)
    assert "Twente" not in _text(cr10)


# ---------------------------------------------------------------------------------------
# Carrying documents over: a run of some themes or of another language keeps the quarter
# ---------------------------------------------------------------------------------------
def _published(folder: Path) -> dict:
    """A published Dutch quarter: a theme, the pack, signals, a factsheet, a failed theme and
    a document whose file was changed after publishing."""
    from signaal.files import sha256 as file_sha256

    files = {
        "arbeidsmarkt": ("theme", ["arbeidsmarkt.pdf", "arbeidsmarkt.html", "notebooks/arbeidsmarkt.ipynb"]),
        "wonen": ("theme", ["wonen.pdf", "wonen.html"]),
        "bestuursbriefing": ("boardpack", ["bestuursbriefing.pdf", "bestuursbriefing.html", "indicators.csv"]),
        "signaalbord": ("signals", ["signaalbord.html", "signals.csv", "signals.json"]),
        "gemeenten/GM0153-enschede": ("factsheet", ["gemeenten/GM0153-enschede.pdf"]),
        "talent": ("theme", ["talent.pdf"]),
    }
    docs = []
    for name, (kind, outputs) in files.items():
        for rel in outputs:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(f"{name} {rel}")
        docs.append(
            {
                "name": name,
                "kind": kind,
                "status": "built",
                "outputs": outputs,
                "key": f"k-{name}",
                "checksums": {o: file_sha256(folder / o) for o in outputs},
                "lang": "nl",
                "notebook": f"{name}.ipynb" if kind == "theme" else None,
            }
        )
    (folder / "talent.pdf").write_text("changed by hand")
    docs.append({"name": "kapot", "kind": "theme", "status": "failed", "outputs": ["notebooks/kapot.ipynb"]})
    docs.append({"name": "index", "kind": "index", "status": "built", "outputs": ["index.html"]})
    manifest = {"parameters": {"lang": "nl"}, "started": "2026-11-28T06:00:00+00:00", "documents": docs}
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return manifest


def test_an_english_run_of_one_theme_keeps_every_other_document(tmp_path):
    plan = _plan(tmp_path, lang="en", whole=False, themes=("wonen",))
    published = _published(plan.out)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "wonen.en.pdf").write_text("new")  # what this run made
    results = {"wonen.en": DocResult("wonen.en", "wonen.ipynb", "built", outputs=["wonen.en.pdf"], lang="en")}
    carried, why = carry_over(published, plan, results, staging)
    names = {d.name for d in carried}
    assert names == {"arbeidsmarkt", "wonen", "bestuursbriefing", "signaalbord", "gemeenten/GM0153-enschede"}
    assert {d.status for d in carried} == {"carried"} and all(d.lang == "nl" for d in carried)
    for doc in carried:
        for rel in doc.outputs:
            assert os.path.samefile(staging / rel, plan.out / rel)  # hard-linked, not copied
    assert why["talent"].startswith("its file talent.pdf is missing or changed")
    assert why["kapot"] == "failed in the earlier run" and "index" not in why


def test_a_whole_quarter_run_replaces_its_own_language_only(tmp_path):
    plan = _plan(tmp_path, lang="nl", whole=True, themes=("arbeidsmarkt",))
    published = _published(plan.out)
    english = {
        "name": "wonen.en",
        "kind": "theme",
        "status": "carried",
        "outputs": ["wonen.en.pdf"],
        "lang": "en",
        "key": "k",
        "checksums": {},
    }
    (plan.out / "wonen.en.pdf").write_text("english")
    published["documents"].append(english)
    staging = tmp_path / "staging"
    staging.mkdir()
    results = {"arbeidsmarkt": DocResult("arbeidsmarkt", "arbeidsmarkt.ipynb", "reused")}
    carried, why = carry_over(published, plan, results, staging)
    assert [d.name for d in carried] == ["wonen.en"]  # the notebook wonen is gone: so is its Dutch briefing
    assert why["wonen"] == why["gemeenten/GM0153-enschede"] == "replaced by this whole-quarter run"


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------
def test_shared_wording_helpers():
    reg = registry()
    assert upper_first("the Netherlands") == "The Netherlands" and upper_first("COROP-gebied") == "COROP-gebied"
    assert reg.display_name("NL01", "en") == "The Netherlands" and reg.display_name("NL01", "nl") == "Nederland"
    assert reg.display_name("PV28", "en") == "South Holland"
    assert vintage_label(True, "sample", "nl") == "voorbeelddata (synthetisch)"
    assert vintage_label(False, LIVE_ID, "en") == f"data version {LIVE_ID}"
    assert (
        sample_watermark(True, "en") == "SAMPLE DATA — not official statistics" and sample_watermark(False, "nl") == ""
    )


def test_quarter_is_resolved_against_the_vintage(root):
    vintage = Data.open(None, root / "data").vintage
    latest = vintage.latest_quarter()
    assert vintage.resolve_quarter(None) == latest and vintage.resolve_quarter("2025Q1") == Period.parse("2025Q1")
    with pytest.raises(InputError, match=f"quarter 2099Q1 has no data yet: vintage 'sample' runs to {latest}"):
        vintage.resolve_quarter("2099Q1")
