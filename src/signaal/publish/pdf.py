"""HTML to PDF with WeasyPrint: the rendering, charts as SVG images, quiet logs."""

from __future__ import annotations

import base64
import logging
import re

_CHART_SVG_RE = re.compile(r'(<figure class="chart">)\s*(<svg\b.*?</svg>)', re.S)
_ARIA_LABEL_RE = re.compile(r'\saria-label="([^"]*)"')


def quiet_weasyprint() -> None:
    """WeasyPrint and fontTools log every unsupported CSS property; keep only errors."""
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


def svg_as_images(html: str) -> str:
    """Charts (``<figure class="chart"><svg …>``) as ``<img src="data:image/svg+xml…">`` for
    WeasyPrint.

    Inline SVG is part of the HTML tree, so WeasyPrint parses every path and glyph of every
    chart as HTML and runs the CSS cascade over it before drawing it; a briefing's charts hold
    tens of thousands of elements. As an image the same SVG is parsed once by WeasyPrint's SVG
    reader and drawn the same way (still vectors, with the chart's description as ``alt``),
    which makes a board pack's layout several times faster. The HTML page keeps inline SVG.
    Only use this on SVG as the chart functions wrote it (an HTML sanitiser lower-cases
    ``viewBox``, which XML does not forgive).
    """

    def to_img(m: re.Match) -> str:
        svg = m.group(2)
        head = svg[: svg.index(">")]
        if 'xmlns="http://www.w3.org/2000/svg"' not in head:
            svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        if "xlink:" in svg and "xmlns:xlink=" not in head:
            svg = svg.replace("<svg", '<svg xmlns:xlink="http://www.w3.org/1999/xlink"', 1)
        label = _ARIA_LABEL_RE.search(head)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        alt = label.group(1) if label else ""
        return f'{m.group(1)}<img class="svg-image" alt="{alt}" src="data:image/svg+xml;base64,{data}">'

    return _CHART_SVG_RE.sub(to_img, html)


def render_pdf(html: str, base_url: str | None = None, variant: str | None = "pdf/ua-1") -> bytes:
    """Render briefing HTML to PDF bytes with WeasyPrint (tagged PDF/UA by default)."""
    import weasyprint  # slow to import; only where a PDF is made

    quiet_weasyprint()
    doc = weasyprint.HTML(string=html, base_url=base_url or ".")
    options = {"pdf_variant": variant} if variant else {}
    return doc.write_pdf(**options)
