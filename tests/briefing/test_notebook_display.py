"""What a notebook shows: the page and nothing else under it; the house look, loaded once."""

from __future__ import annotations

import re

import nbformat
import pytest
import tinycss2

from signaal.briefing.notebook import Briefing
from signaal.briefing.pages import BLOCK_MIMETYPE, STYLE_MIMETYPE
from signaal.briefing.style import SCOPE, StyleOutput, notebook_css, unwrap, wrap
from signaal.publish.exporters import board_outputs


@pytest.fixture(scope="module")
def wonen():
    return Briefing("wonen")


def test_shown_blocks_return_nothing_and_built_ones_a_short_repr(wonen):
    for call in (
        lambda **kw: wonen.cover(**kw),
        lambda **kw: wonen.signals(**kw),
        lambda **kw: wonen.summary(**kw),
        lambda **kw: wonen.topic("woz_waarde", **kw),
        lambda **kw: wonen.target("woningvoorraad", **kw),
        lambda **kw: wonen.sources(**kw),
    ):
        assert call() is None  # nothing for Jupyter to print under the block
        built = call(show=False)
        assert built is not None and len(repr(built)) < 300, repr(built)[:400]
    page = wonen.topic("woz_waarde", show=False)
    assert repr(page) == f"<TopicPage woz_waarde: {page.question!r}>"
    assert "<svg" not in repr(page.chart) and len(repr(page.chart)) < 120


def test_a_page_shows_itself_as_its_block(wonen):
    """``display(page)`` or a page as a cell's last expression: its HTML in the notebook's
    wrapper, what it is beside it, and one short line of text."""
    page = wonen.topic("woz_waarde", show=False)
    bundle = page._repr_mimebundle_()
    assert bundle["text/html"] == wrap(page.html()) and unwrap(bundle["text/html"]) == page.html()
    assert bundle[BLOCK_MIMETYPE]["indicator"] == "woz_waarde"
    assert bundle["text/plain"] == page.question


def test_the_notebook_stylesheet_is_scoped_to_the_blocks():
    css = notebook_css()
    assert css.count("@font-face") == 4 and 'font-family: "Source Sans 3"' in css
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    selectors = [
        s.strip() for r in rules if r.type == "qualified-rule" for s in tinycss2.serialize(r.prelude).split(",")
    ]
    assert len(selectors) > 80
    outside = [s for s in selectors if not s.startswith(SCOPE)]
    assert not outside, outside  # nothing of JupyterLab's own look changes
    assert not any(r.type == "at-rule" and r.lower_at_keyword in ("page", "media") for r in rules)
    for needle in (".jp-Cell", "@page", "string-set", "max-width: 190mm"):
        assert (needle in css) == (needle == "max-width: 190mm"), needle  # the HTML briefing's width
    assert f"{SCOPE} .signal {{" in css and f"{SCOPE} figure.chart svg" in css


def _output(bundle: dict) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=bundle)


def test_exports_drop_the_stylesheet_and_the_notebook_wrapper(wonen):
    page = wonen.topic("woz_waarde", show=False)
    style = StyleOutput()._repr_mimebundle_()
    assert STYLE_MIMETYPE in style and style["text/plain"] == ""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "b.topic('woz_waarde')", outputs=[_output(style), _output(page._repr_mimebundle_())]
            )
        ]
    )
    board_outputs(nb)
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1 and outputs[0].data["text/html"] == page.html()
    assert "text/plain" not in outputs[0].data


def test_the_stylesheet_comes_once_per_notebook_and_again_when_its_cell_reruns(monkeypatch):
    from signaal.briefing import style

    cell = {"id": "a", "count": 1}
    monkeypatch.setattr(style, "_shown_in", None)
    monkeypatch.setattr(style, "_current_cell", lambda: (cell["id"], cell["count"]))
    assert style.stylesheet_due()  # the first block of the notebook
    assert not style.stylesheet_due()  # a second block of the same cell
    cell.update(id="b", count=2)
    assert not style.stylesheet_due()  # another cell: the first one's output still holds it
    cell.update(id="a", count=3)
    assert style.stylesheet_due()  # the first cell again: its old output (and stylesheet) is gone
    cell.update(id=None, count=4)
    assert not style.stylesheet_due()  # no cell ids (papermill): once per kernel


def test_a_theme_without_a_catalogue_title_takes_its_notebooks_first_heading(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Een notitie zonder kop."),
            nbformat.v4.new_markdown_cell("## Woningmarkt *Twente*\n\nMet tekst."),
        ]
    )
    nbformat.write(nb, tmp_path / "woonmarkt.ipynb")
    monkeypatch.chdir(tmp_path)
    b = Briefing("woonmarkt", topics=["woz_waarde"])
    assert b.title == "Woningmarkt Twente"
    assert b.meta()["title"] == "Woningmarkt Twente"
    cover = b.cover(show=False)
    assert re.search(r'<h1 class="cover-title">Woningmarkt Twente</h1>', cover.html())
    assert Briefing("elders", topics=["woz_waarde"]).title == "elders"  # no notebook, no heading: the id
