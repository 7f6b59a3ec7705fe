"""Publishing without kernels: the board pack reads what a block is from the JSON beside it,
the briefing exporter's preprocessors come from the template's conf.json, one page shell and
one stylesheet for every page."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from signaal.briefing.pages import BLOCK_MIMETYPE, META_MIMETYPE
from signaal.publish.boardpack import read_theme, source_rows
from signaal.publish.exporters import SignaalHTMLExporter, SignaalPagePreprocessor, SignaalPreprocessor
from signaal.publish.html import base_css, extra_css, html_page, stylesheet

META = {
    "theme": "wonen",
    "title": "Wonen",
    "region": "CR12",
    "region_name": "Twente",
    "board": "Twente Board",
    "quarter_label": "3e kwartaal 2026",
    "is_sample": True,
    "watermark": "VOORBEELD",
    "lang": "nl",
}
ROW = {
    "indicator": "Woningvoorraad",
    "definition": "Woningen op 1 januari",
    "source": "CBS",
    "table": "82550NED",
    "updated": "1 juli 2026",
}


def _display(html: str, block: dict | None = None):
    data = {"text/html": html, "text/plain": "repr"}
    if block:
        data[BLOCK_MIMETYPE] = block
    return new_output("display_data", data=data)


def _notebook() -> nbformat.NotebookNode:
    """Blocks whose HTML says nothing of what they are: only their JSON does."""
    return new_notebook(
        cells=[
            new_code_cell(
                "b.cover()",
                outputs=[
                    new_output("display_data", data={META_MIMETYPE: META, "text/plain": ""}),
                    _display("<div>omslag</div>", {"kind": "cover", "intro": " Wonen in Twente. "}),
                ],
            ),
            new_code_cell(
                "b.topic('woningvoorraad')",
                outputs=[
                    _display(
                        "<div id='topic-woningvoorraad'>Q</div>",
                        {
                            "kind": "topic",
                            "id": "topic-woningvoorraad",
                            "indicator": "woningvoorraad",
                            "title": "UNIQUE-Q?",
                        },
                    ),
                    new_output("stream", name="stdout", text="print output"),
                ],
            ),
            new_code_cell(
                "b.travel_times()",
                outputs=[
                    _display(
                        "<div id='topic-reistijden'>R</div>",
                        {"kind": "topic", "id": "topic-reistijden", "indicator": None, "title": "Hoe snel?"},
                    ),
                ],
            ),
            new_code_cell(
                "display(HTML(...))", outputs=[_display('<section class="topic" data-indicator="x">own</section>')]
            ),
            new_code_cell(
                "note", metadata={"tags": ["remove"]}, outputs=[_display("<p>for analysts</p>", {"kind": "summary"})]
            ),
            new_code_cell(
                "b.sources()", outputs=[_display("<table></table>", {"kind": "sources", "rows": [ROW, ROW]})]
            ),
        ]
    )


def test_the_pack_reads_what_a_block_is_from_its_json(tmp_path):
    path = tmp_path / "wonen.ipynb"
    nbformat.write(_notebook(), path)
    parts = read_theme(path)
    assert [b.kind for b in parts.blocks] == ["cover", "topic", "topic", "other", "sources"]
    assert parts.indicators() == ["woningvoorraad"]  # the travel page shows no single indicator
    assert parts.intro == "Wonen in Twente." and parts.title == "Wonen" and parts.theme == "wonen"
    assert parts.of("topic")[0].info["title"] == "UNIQUE-Q?"
    assert [r.table for r in source_rows([parts, parts])] == ["82550NED"]  # once, by indicator and table
    assert "for analysts" not in "".join(b.html for b in parts.blocks)  # a cell tagged remove stays out


def test_briefing_exporter_declares_its_preprocessors_in_conf_json():
    exporter = SignaalHTMLExporter()
    kinds = [type(p) for p in exporter._preprocessors if p.enabled]
    assert SignaalPreprocessor in kinds and SignaalPagePreprocessor in kinds
    assert kinds.index(SignaalPreprocessor) < kinds.index(SignaalPagePreprocessor)


def test_exported_briefing_has_its_masthead_and_no_block_json_or_prints():
    html, resources = SignaalHTMLExporter().from_notebook_node(_notebook())
    assert '<html lang="nl">' in html and "<title>Wonen · Twente · 3e kwartaal 2026</title>" in html
    assert 'class="watermark"' in html and "VOORBEELD" in html and '"Twente Board · Signaal"' in html
    assert "UNIQUE-Q?" not in html and BLOCK_MIMETYPE not in html and "print output" not in html
    assert "b.topic" not in html and "for analysts" not in html
    en, _ = SignaalHTMLExporter(lang="en").from_notebook_node(_notebook())
    assert '<html lang="en">' in en and '"Page "' in en  # the page labels follow the exporter's language


def test_one_page_shell_and_one_stylesheet():
    css = stylesheet("nl", "VOORBEELD", "Twente Board", ("boardpack.css",), rules="@page { x: y; }")
    assert css.index(base_css()) < css.index(extra_css("boardpack.css")) < css.index("@page { x: y; }")
    assert '@bottom-left { content: "Twente Board · Signaal"; }' in css and '"VOORBEELD"' in css
    page = html_page(
        title="A & B", body="<p>inhoud</p>", lang="en", css=css, body_class="pack", watermark="W <1>", running="Run"
    )
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "<title>A &amp; B</title>" in page
    assert '<body class="signaal pack is-sample">' in page and "W &lt;1&gt;" in page
    assert '<div class="running-title" aria-hidden="true">Run</div>' in page
    assert re.search(r"<main>\s*<p>inhoud</p>\s*</main>", page)
    assert "@font-face" in page and "<script" not in page
