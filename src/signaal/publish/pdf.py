"""HTML to PDF with WeasyPrint: the rendering, charts as SVG images, quiet logs."""

from __future__ import annotations

import base64
import functools
import logging
import re
from html import escape

_CHART_SVG_RE = re.compile(r'(<figure class="chart">)\s*(<svg\b.*?</svg>)', re.S)
_ARIA_LABEL_RE = re.compile(r'\saria-label="([^"]*)"')
_STYLE_ELEMENT_RE = re.compile(r'<style type="text/css">\s*\*\s*\{([^{}]*)\}\s*</style>')
_TAG_RE = re.compile(r'<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(/?)>')  # attributes in double quotes
_STYLE_ATTR_RE = re.compile(r'\sstyle="([^"]*)"')


def quiet_weasyprint() -> None:
    """WeasyPrint and fontTools log every unsupported CSS property; keep only errors."""
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


@functools.lru_cache(maxsize=4096)
def _declarations(style: str) -> tuple[tuple[str, str], ...]:
    """A style attribute's declarations, parsed by WeasyPrint's own SVG reader."""
    from weasyprint.svg.css import parse_declarations

    normal, _important = parse_declarations(style)  # no "!important": styles_as_attributes checks
    return tuple(normal)


def styles_as_attributes(svg: str) -> str:
    """A chart's SVG with its CSS written as presentation attributes, for WeasyPrint.

    matplotlib styles every element with a ``style`` attribute and the whole chart with one
    ``* {…}`` rule; WeasyPrint parses each element's style with tinycss2 each time it draws
    it (a chart has a few hundred, most of them with one of a handful of styles). Here each
    distinct style is parsed once and written as attributes, the ``*`` rule on every element
    below the root, the element's own declarations over it, as the cascade would give them;
    the picture is the same. An SVG with other CSS is left as it is."""
    rule = _STYLE_ELEMENT_RE.search(svg)
    if "!important" in svg or svg.count("<style") != (1 if rule else 0):
        return svg  # CSS that attributes cannot say, or that is not matplotlib's one rule
    base = _declarations(rule.group(1)) if rule else ()
    if rule:
        svg = svg[: rule.start()] + svg[rule.end() :]
    root = True

    def attributes(m: re.Match) -> str:
        nonlocal root
        name, attrs, close = m.group(1), m.group(2) or "", m.group(3)
        own = _STYLE_ATTR_RE.search(attrs)
        found = _declarations(own.group(1)) if own else ()
        values = dict(() if root else base)
        root = False
        values.update(found)
        if own:
            attrs = attrs[: own.start()] + attrs[own.end() :]
        extra = "".join(f' {k}="{escape(v)}"' for k, v in values.items())
        return f"<{name}{attrs}{extra}{close}>"

    return _TAG_RE.sub(attributes, svg)


def svg_as_images(html: str) -> str:
    """Charts (``<figure class="chart"><svg …>``) as ``<img src="data:image/svg+xml…">`` for
    WeasyPrint.

    Inline SVG is part of the HTML tree, so WeasyPrint parses every path and glyph of every
    chart as HTML and runs the CSS cascade over it before drawing it; a briefing's charts hold
    tens of thousands of elements. As an image the same SVG is parsed once by WeasyPrint's SVG
    reader and drawn the same way (still vectors, with the chart's description as ``alt``),
    which makes a board pack's layout several times faster; its styles are written as
    attributes (:func:`styles_as_attributes`). The HTML page keeps inline SVG.
    Only use this on SVG as the chart functions wrote it (an HTML sanitiser lower-cases
    ``viewBox``, which XML does not forgive).
    """

    def to_img(m: re.Match) -> str:
        svg = styles_as_attributes(m.group(2))
        start = _TAG_RE.match(svg)  # the whole start tag: a ">" in the alt text does not end it
        head = start.group() if start else svg[: svg.index(">")]
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
