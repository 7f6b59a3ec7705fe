"""nbconvert exporters for briefings: ``--to signaal-html`` and ``--to signaal-pdf``.

Both are registered as ``nbconvert.exporters`` entry points, so an analyst can run
``jupyter nbconvert --to signaal-pdf executed.ipynb``; the quarterly run calls the same
classes in-process. The PDF is the very same HTML rendered by WeasyPrint (A4, page numbers,
embedded fonts, tagged PDF/UA).
"""

from __future__ import annotations

import base64
import copy
import logging
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode, default

from .. import __version__
from ..briefing.pages import META_MIMETYPE
from ..text import sample_watermark, t

TEMPLATES = str(resources.files("signaal") / "publish" / "templates")
FONTS = Path(str(resources.files("signaal") / "publish" / "fonts"))
# mimetypes that may reach the board; everything else (scripts, widgets, plain reprs) is dropped
SAFE_MIMETYPES = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown")
FONT_FACES = (
    ("SourceSans3-Regular.ttf", 400, "normal"),
    ("SourceSans3-Italic.ttf", 400, "italic"),
    ("SourceSans3-SemiBold.ttf", 600, "normal"),
    ("SourceSans3-Bold.ttf", 700, "normal"),
)


def css_string(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


@lru_cache(maxsize=2)
def font_face_css(with_fallback: bool) -> str:
    """@font-face rules for the bundled fonts as data URIs (the HTML stays self-contained)."""
    rules = []
    for name, weight, style in FONT_FACES:
        data = base64.b64encode((FONTS / name).read_bytes()).decode("ascii")
        rules.append(
            '@font-face { font-family: "Source Sans 3"; '
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); font-weight: {weight}; font-style: {style}; }}'
        )
    if with_fallback:
        import matplotlib

        dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        if dejavu.exists():
            rules.append(f'@font-face {{ font-family: "Signaal Fallback"; src: url("{dejavu.as_uri()}"); }}')
    return "\n".join(rules)


@lru_cache(maxsize=1)
def base_css() -> str:
    return (Path(TEMPLATES) / "signaal" / "signaal.css").read_text("utf-8")


@lru_cache(maxsize=8)
def extra_css(name: str) -> str:
    """A stylesheet beside ``signaal.css`` (``boardpack.css``, ``factsheet.css``, ``index.css``)."""
    return (Path(TEMPLATES) / "signaal" / name).read_text("utf-8")


def quiet_weasyprint() -> None:
    """WeasyPrint and fontTools log every unsupported CSS property; keep only errors."""
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


_CHART_SVG_RE = re.compile(r'(<figure class="chart">)\s*(<svg\b.*?</svg>)', re.S)
_ARIA_LABEL_RE = re.compile(r'\saria-label="([^"]*)"')


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


DEFAULT_FOOTER = "Signaal"


def footer_text(board: str | None) -> str:
    """The text at the foot of every page: 'Twente Board · Signaal' for a region with a
    board (``reference/regions.yaml`` ``boards:``), else 'Signaal'."""
    board = (board or "").strip()
    return f"{board} · {DEFAULT_FOOTER}" if board and board != DEFAULT_FOOTER else DEFAULT_FOOTER


def page_css(lang: str, watermark: str, footer: str = DEFAULT_FOOTER) -> str:
    """@page texts in the briefing's language: 'Pagina 3 van 9', the sample watermark and the
    footer (:func:`footer_text`; the stylesheet has no board name of its own)."""
    top_right = f"@top-right {{ content: {css_string(watermark)}; }}" if watermark else ""
    return (
        "@page { "
        f"@bottom-left {{ content: {css_string(footer or DEFAULT_FOOTER)}; }} "
        f"@bottom-right {{ content: {css_string(t('page', lang) + ' ')} counter(page) "
        f"{css_string(' ' + t('of', lang) + ' ')} counter(pages); }} {top_right} }}"
    )


def html_page(*, title: str, body: str, lang: str, css: str, body_class: str = "", watermark: str = "",
              running: str = "") -> str:
    """A self-contained page for what is composed in Python (the board pack, the signal board,
    factsheets): doctype, language, viewport, generator, inline CSS, the sample watermark (a
    fixed mark in print, a banner on screen), the running title for the page header, ``<main>``."""
    from html import escape

    classes = " ".join(c for c in ("signaal", body_class, "is-sample" if watermark else "") if c)
    mark = (
        f'<div class="watermark" aria-hidden="true">{escape(watermark)}</div>'
        f'<p class="sample-banner">{escape(watermark)}</p>'
        if watermark else ""
    )
    head_line = f'<div class="running-title" aria-hidden="true">{escape(running)}</div>' if running else ""
    return (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f'<meta name="generator" content="Signaal {escape(__version__)}">'
        f"<title>{escape(title)}</title><style>{css}</style></head>"
        f'<body class="{classes}">{mark}{head_line}<main>{body}</main></body></html>'
    )


class SignaalPreprocessor(Preprocessor):
    """Collect the briefing's metadata and keep only outputs meant for the board.

    Drops cells tagged ``remove`` (notes for analysts), stream output (prints, warnings),
    errors, plain-text reprs, scripts and widgets; code never reaches the page (the exporter
    also excludes all inputs).
    """

    def preprocess(self, nb, resources):
        meta: dict = {}
        nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if META_MIMETYPE in data:
                    meta.update(data[META_MIMETYPE])
                    continue
                if out.get("output_type") not in ("display_data", "execute_result"):
                    continue
                safe = {k: v for k, v in data.items() if k in SAFE_MIMETYPES}
                if not safe:
                    continue
                out["data"] = safe
                kept.append(out)
            cell.outputs = kept
        resources["signaal"] = meta
        return nb, resources


class SignaalHTMLExporter(HTMLExporter):
    """Board-ready HTML: our template and CSS, no code, no scripts, fonts embedded."""

    export_from_notebook = "Signaal briefing (HTML)"
    for_pdf = Bool(False, help="Add the PDF-only font fallback (local file URL).").tag(config=True)
    lang = Unicode("", help="Language of page labels; default: the briefing's own.").tag(config=True)
    svg_images = Bool(False, help="Charts as SVG images instead of inline SVG (faster in WeasyPrint).").tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return "signaal"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [TEMPLATES]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self):
        return True

    @property
    def default_config(self):
        c = super().default_config
        c.merge({"CSSHTMLHeaderPreprocessor": {"enabled": False}})
        return c

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources or {})
        nb_copy, resources = SignaalPreprocessor().preprocess(copy.deepcopy(nb), resources)
        if self.svg_images:
            for cell in nb_copy.cells:
                for out in cell.get("outputs", []):
                    html = out.get("data", {}).get("text/html")
                    if html:
                        out["data"]["text/html"] = svg_as_images("".join(html) if isinstance(html, list) else html)
        meta = resources.get("signaal", {})
        lang = self.lang or meta.get("lang") or "nl"
        watermark = meta.get("watermark", "")
        if meta.get("is_sample") and not watermark:
            watermark = sample_watermark(True, lang)
            meta["watermark"] = watermark
        title = meta.get("title") or nb.metadata.get("title") or resources.get("metadata", {}).get("name", "Briefing")
        running = " · ".join(x for x in (title, meta.get("region_name"), meta.get("quarter_label")) if x)
        self.language_code = lang  # HTMLExporter puts this into <html lang="…">
        resources["signaal_title"] = running or title
        resources["signaal_running_title"] = running or title
        resources["signaal_version"] = __version__
        resources["signaal_css"] = "\n".join(
            (font_face_css(self.for_pdf), base_css(), page_css(lang, watermark, footer_text(board_of(meta, lang))))
        )
        return super().from_notebook_node(nb_copy, resources, **kw)


def board_of(meta: dict, lang: str = "nl") -> str:
    """The board a briefing is for, from its metadata: ``meta["board"]`` when the briefing
    says so, else the board of its focus region, else 'Signaal'."""
    if meta.get("board"):
        return str(meta["board"])
    if meta.get("region"):
        from ..regions import registry

        try:
            return registry().board(meta["region"], lang)
        except Exception:  # an unknown region in an old notebook: no board name
            return DEFAULT_FOOTER
    return DEFAULT_FOOTER


def render_pdf(html: str, base_url: str | None = None, variant: str | None = "pdf/ua-1") -> bytes:
    """Render briefing HTML to PDF bytes with WeasyPrint (tagged PDF/UA by default)."""
    import weasyprint

    quiet_weasyprint()
    doc = weasyprint.HTML(string=html, base_url=base_url or ".")
    options = {"pdf_variant": variant} if variant else {}
    return doc.write_pdf(**options)


class SignaalPDFExporter(SignaalHTMLExporter):
    """The same briefing as an A4 PDF, rendered by WeasyPrint."""

    export_from_notebook = "Signaal briefing (PDF)"
    output_mimetype = "application/pdf"
    pdf_variant = Unicode("pdf/ua-1", help="WeasyPrint PDF variant ('' for plain PDF).").tag(config=True)

    @default("for_pdf")
    def _for_pdf_default(self):
        return True

    @default("svg_images")
    def _svg_images_default(self):
        return True

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self):
        return ".html.j2"

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        pdf = render_pdf(html, variant=self.pdf_variant or None)
        resources["output_extension"] = ".pdf"
        return pdf, resources
