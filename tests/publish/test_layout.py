"""Page layout with the real stylesheets (WeasyPrint): a table row is never split over two
pages, a chart stays with its notes, and in the board pack a theme's title and intro sit on
the page of its first content, where two compact topic pages share a page."""

from __future__ import annotations

import pytest

from signaal.publish.html import html_page, stylesheet

pytestmark = pytest.mark.slow


def _layout(body: str, extra: tuple[str, ...] = ()):
    import weasyprint

    css = stylesheet("nl", "", "Twente Board", extra, for_pdf=True)
    return weasyprint.HTML(string=html_page(title="t", body=body, lang="nl", css=css)).render()


def _pages_of(document, predicate) -> dict[int, list[int]]:
    """For every element the predicate picks (by its position in the document), the pages it is on."""
    found: dict[int, list[int]] = {}

    def walk(box, page_no):
        element = getattr(box, "element", None)
        if element is not None and predicate(box):
            found.setdefault(id(element), [])
            if page_no not in found[id(element)]:
                found[id(element)].append(page_no)
        for child in getattr(box, "children", []) or []:
            walk(child, page_no)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)
    return found


def test_a_table_row_is_never_split_over_two_pages():
    """The review's "In het kort" split a row: the question on one page, its answer on the next."""
    long = "Een samenvatting die over meerdere regels loopt, zodat een rij hoog wordt. " * 5
    rows = "".join(f'<tr><th scope="row">Vraag {i}?</th><td>{long}</td><td></td></tr>' for i in range(24))
    body = f'<section class="summary"><h2>In het kort</h2><table class="summary-table"><tbody>{rows}</tbody></table></section>'
    document = _layout(body)
    assert len(document.pages) >= 2
    spans = _pages_of(document, lambda box: box.element_tag == "tr")
    assert spans and all(len(pages) == 1 for pages in spans.values())


def test_a_chart_stays_with_its_notes():
    filler = "<p>" + "Tekst. " * 400 + "</p>"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="500pt" height="300pt"><rect width="500" height="300"/></svg>'
    topic = (
        f'<section class="topic" id="topic-x"><h2 class="question">Hoeveel?</h2><figure class="chart">{svg}</figure>'
        '<p class="chart-note">Noot bij de grafiek.</p><p class="source">Bron: CBS StatLine.</p>'
        '<p class="updated">Laatste actualisatie: 1 juli 2026</p></section>'
    )
    document = _layout(filler + topic)
    tags = _pages_of(
        document, lambda box: box.element_tag in ("figure",) or "chart-note" in str(box.element.get("class"))
    )
    assert len({pages[0] for pages in tags.values()}) == 1  # the figure and its note on one page


def test_a_theme_in_the_pack_opens_on_its_first_content_page_and_compact_topics_share_pages():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="500pt" height="160pt"><rect width="500" height="160"/></svg>'

    def topic(i: int) -> str:
        return (
            f'<section class="topic compact" id="t{i}"><h2 class="question">Vraag {i}?</h2>'
            f'<p class="subtitle">Onderwerp</p><figure class="chart">{svg}</figure><p class="source">Bron</p>'
            '<div class="toelichting"><h3>Toelichting</h3><ul><li>Een zin.</li><li>Nog een zin.</li></ul></div></section>'
        )

    section = (
        '<section class="pack-section pack-theme" id="pack-x"><h1 class="pack-section-title">Wonen</h1>'
        '<p class="pack-theme-intro">Inleiding.</p>' + "".join(topic(i) for i in range(4)) + "</section>"
    )
    document = _layout(section, ("boardpack.css",))
    assert len(document.pages) == 2  # title, intro and the first topic together; two topics a page
    first = _pages_of(
        document, lambda box: box.element_tag in ("h1", "section") and box.element.get("id") in ("t0", None)
    )
    assert all(pages == [1] for pages in first.values())
