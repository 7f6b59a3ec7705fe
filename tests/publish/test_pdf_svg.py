"""Charts on their way into a PDF: the SVG WeasyPrint draws is the chart as written."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pypdfium2 as pdfium
import pytest

from signaal import charts
from signaal.charts.compare import rank_strip
from signaal.publish.pdf import render_pdf, styles_as_attributes, svg_as_images

NAMES = {"CR12": "Twente", "NL01": "Nederland", "PV23": "Overijssel", "CR10": "Noord-Overijssel"}


def _page(figures: str) -> str:
    return f"<!doctype html><html lang=nl><body style='margin:0'>{figures}</body></html>"


def _pixels(pdf: bytes) -> list[bytes]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=2).to_pil().tobytes() for page in doc]
    finally:
        doc.close()


def _as_image(svg: str) -> str:
    """The chart as an image exactly as written: matplotlib's styles untouched."""
    data = base64.b64encode(svg.encode()).decode()
    return f'<figure class="chart"><img alt="" src="data:image/svg+xml;base64,{data}"></figure>'


@pytest.fixture(scope="module")
def drawn() -> list[str]:
    """Charts whose SVG uses what matplotlib writes: a ``*`` rule for line joins and caps that
    some elements override (spines), ticks as ``<use>`` of styled paths, text with a quoted
    font list, a leader line and an alt text with ``>`` and ``&``."""
    table = pd.DataFrame(
        {"CR12": [4.6, 4.3, 4.1], "NL01": [4.4, 4.2, 4.0], "PV23": [4.5, 4.2, 3.9], "CR10": [3.9, 3.8, 3.6]},
        index=["2023", "2024", "2025"],
    )
    line = charts.line(table, "CR12", NAMES, "percent", 1, "nl", national="NL01", title="Werkloosheid > 4% & meer")
    values = pd.Series({f"CR{i:02d}": 3.0 + (i * 7 % 11) / 4 for i in range(1, 41)})
    strip = rank_strip(values, "CR12", {"CR12": "Twente"}, "percent", 1, "lower_is_better", national=3.9)
    return [line.svg, strip.svg]


def test_a_chart_drawn_from_attributes_is_the_same_picture(drawn):
    for svg in drawn:
        flat = styles_as_attributes(svg)
        assert "style=" not in flat and "<style" not in flat  # every style became attributes
        as_written = render_pdf(_page(_as_image(svg)), variant=None)
        as_printed = render_pdf(_page(svg_as_images(f'<figure class="chart">{svg}</figure>')), variant=None)
        assert _pixels(as_printed) == _pixels(as_written)


def test_the_alt_text_and_other_css_survive(drawn):
    flat = styles_as_attributes(drawn[0])
    assert 'aria-label="Werkloosheid > 4% &amp; meer"' in flat  # a ">" in the alt text ends no tag
    image = svg_as_images(f'<figure class="chart">{drawn[0]}</figure>')
    assert '<img class="svg-image" alt="Werkloosheid > 4% &amp; meer"' in image
    assert re.search(r'font-family="&quot;Source Sans 3&quot;, &quot;DejaVu Sans&quot;"', flat)
    other = '<svg><style type="text/css">.a{fill: red}</style><path class="a" style="fill: blue"/></svg>'
    assert styles_as_attributes(other) == other  # CSS it does not fold stays CSS
