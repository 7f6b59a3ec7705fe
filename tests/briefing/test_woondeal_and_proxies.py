"""Housing numbers that add up and questions that name the region of their figures (issue 13)."""

from __future__ import annotations

import datetime as dt

from signaal import formatting as fmt
from signaal.briefing import Briefing
from signaal.briefing.edition import Edition
from signaal.catalogue import catalogue
from signaal.periods import Period


def _number(text: str) -> int:
    return int(text.replace(".", "").replace("−", "-").replace("+", ""))


def test_the_woondeal_page_bridges_new_builds_and_other_changes_to_the_net_additions():
    page = Briefing("wonen", region="CR12", quarter="2026Q3", vintage="sample", lang="nl").target(
        "woningvoorraad", show=False
    )
    assert page is not None and page.figures is not None
    head, rows = page.figures
    start, built, other, end, net = (_number(row[1]) for row in rows)
    assert start + built + other == end and end - start == net
    assert rows[1][0] == "+ nieuwbouwwoningen" and "sloop" in rows[2][0] and "Woondeal" in rows[4][0]
    done = page.bullets[0]  # the figure the target counts is the bridge's net addition
    assert f"kwamen er {fmt.number(net, 0, 'nl')} woningen bij" in done
    assert any(line.startswith("Zo telt het op:") for line in page.bullets)


def test_a_proxy_region_is_named_in_the_question():
    cat = catalogue()
    nl = Edition("CR12", Period.parse("2026Q3"), "nl", vintage="sample", is_sample=True, today=dt.date(2026, 11, 28))
    assert nl.question(cat["ww_uitkeringen"]) == "Hoeveel mensen in arbeidsmarktregio Twente hebben een WW-uitkering?"
    assert nl.question(cat["spanning"]) == "Hoe krap is de arbeidsmarkt in Overijssel?"
    assert nl.question(cat["ww_kortdurend"]).startswith("Hoeveel mensen in Overijssel ")
    en = nl.in_language("en")
    assert "the Twente labour-market region" in en.question(cat["ww_uitkeringen"])
    # a region without a labour-market region of its own: the province its page shows
    zwolle = Edition(
        "CR10", Period.parse("2026Q3"), "nl", vintage="sample", is_sample=True, today=dt.date(2026, 11, 28)
    )
    assert zwolle.question(cat["ww_uitkeringen"]) == "Hoeveel mensen in Overijssel hebben een WW-uitkering?"
