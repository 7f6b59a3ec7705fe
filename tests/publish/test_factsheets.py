"""Factsheets an alderman can use (issue 13): for Enschede (a large municipality) and
Dinkelland (a small one), from the bundled sample data: what stands out in sentences, ranks in
Twente and in the country, a small trend per key figure, the Woondeal share, strips where right
is better with a scale, and the survey caveat only for the small municipality."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from signaal.briefing.edition import Edition
from signaal.periods import Period
from signaal.publish.data import open_data
from signaal.publish.factsheet_page import KeyFigure, notable, scale_ticks, strip_svg
from signaal.publish.factsheets import DocResult, _sections
from signaal.publish.subjects import factsheet_path
from signaal.regions import registry


@pytest.fixture(scope="module")
def sheets(root) -> dict[str, str]:
    data = open_data(root / "data", "sample")
    edition = Edition(
        "CR12", Period.parse("2026Q3"), "nl", vintage="sample", is_sample=True, today=dt.date(2026, 11, 28)
    )
    codes = ["GM0153", "GM1774"]  # Enschede, Dinkelland
    results = {
        c: DocResult(name=factsheet_path(c)[:-4], notebook=None, status="built", kind="factsheet") for c in codes
    }
    sections, laid_out = _sections(data, edition, codes, results)
    assert laid_out == codes
    return dict(zip(codes, sections, strict=True))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr data-indicator=.*?</tr>", html)


@pytest.mark.parametrize("code,name", [("GM0153", "Enschede"), ("GM1774", "Dinkelland")])
def test_three_findings_in_sentences_with_rank_and_comparisons(sheets, code, name):
    html = sheets[code]
    findings = re.findall(r'<li class="fs-notable-(good|bad)"[^>]*>(.*?)</li>', html)
    assert len(findings) == 3
    for _, sentence in findings:
        assert f"in {name} (" in sentence and "dan Nederland (" in sentence and "dan Twente (" in sentence
        assert re.search(r"plaats \d+ van 1[34] in Twente\.$", sentence), sentence


@pytest.mark.parametrize("code", ["GM0153", "GM1774"])
def test_every_key_figure_has_ranks_a_trend_and_an_oriented_strip_with_a_scale(sheets, code):
    rows = _rows(sheets[code])
    assert len(rows) >= 8
    for row in rows:
        ranks = re.findall(r'class="fs-rank-(group|all)">(\d+)/(\d+)<', row)
        assert ranks and ranks[0][0] == "group" and int(ranks[0][2]) in (13, 14), row[:80]
        assert int(ranks[0][1]) <= int(ranks[0][2])
        if len(ranks) == 2:  # among all municipalities of the country
            assert int(ranks[1][2]) > 300
        assert 'class="fs-spark"' in row and "<polyline" in row
        assert 'class="fs-strip"' in row and len(re.findall(r"<text ", row.split('class="fs-strip"')[1])) >= 2
    assert "Positie (rechts = gunstiger)" in sheets[code]


def test_the_woondeal_share_in_numbers(sheets):
    text = _text(sheets["GM0153"])
    m = re.search(
        r"Sinds het 4e kwartaal 2022 kwamen er in Enschede ([\d.]+) woningen bij: (\d+)% van de ([\d.]+) in Twente",
        text,
    )
    assert m, text[:600]
    added, share, total = (int(x.replace(".", "")) for x in m.groups())
    assert 0 < added < total and share == round(added / total * 100)


def test_the_survey_caveat_only_for_the_small_municipality(sheets):
    reg = registry()
    assert reg["GM1774"].inhabitants < 50_000 < reg["GM0153"].inhabitants
    small, large = _text(sheets["GM1774"]), _text(sheets["GM0153"])
    assert "Enquêtecijfers (EBB): Netto arbeidsparticipatie" in small and "26.743 inwoners" not in large
    assert "Enquêtecijfers (EBB)" not in large


def _fig(polarity: str, **kw) -> KeyFigure:
    base = dict(indicator="x", label="X", period="2025", unit="percent", decimals=1, polarity=polarity)
    return KeyFigure(**{**base, "subject": 3.0, "parent": 4.0, "national": 5.0, "peers": {"a": 2.0, "b": 6.0}, **kw})


def test_right_is_better_on_every_strip():
    """A lower unemployment sits right of a higher one; a higher participation also right."""

    def dot_x(svg: str) -> float:
        return float(re.search(r'<circle cx="([\d.]+)"', svg).group(1))

    lower = strip_svg(_fig("lower_is_better"), {"s": "S", "p": "P"}, "s", "p", "nl")
    higher = strip_svg(_fig("higher_is_better"), {"s": "S", "p": "P"}, "s", "p", "nl")
    assert dot_x(lower) > 64 > dot_x(higher)  # 3 of 2..6: right when lower is better
    labels = [label for _, label in scale_ticks(_fig("higher_is_better"), 2.0, 6.0)]
    assert labels == ["2%", "4%", "6%"] or labels == ["2,0%", "4,0%", "6,0%"]


def test_a_small_survey_gap_does_not_stand_out_for_a_small_municipality():
    survey = _fig("higher_is_better", subject=70.0, national=70.6, peers={}, survey=True, gap_threshold=0.5)
    count = _fig("higher_is_better", subject=70.0, national=70.6, peers={}, indicator="y")
    assert notable([survey, count], inhabitants=20_000) == [count]
    assert len(notable([survey, count], inhabitants=200_000)) == 2
