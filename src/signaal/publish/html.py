"""The page shell and the stylesheet every Signaal page shares.

:func:`html_page` renders ``templates/signaal/page.html.j2`` (the shell the quarter's index
extends too, and whose head and marks the briefing template shares) for what is composed in
Python: the board pack, the signal board's page, the factsheets. :func:`stylesheet` is the one
way the CSS of a page is put together: the bundled fonts, ``signaal.css``, the ``@page`` texts
in the page's language (page numbers, the sample watermark, the board in the footer) and the
stylesheets of the document kind (``boardpack.css``, ``factsheet.css``).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from .. import __version__
from ..text import t

TEMPLATES = str(resources.files("signaal") / "publish" / "templates")
FONTS = Path(str(resources.files("signaal") / "publish" / "fonts"))
PAGE_TEMPLATE = "page.html.j2"
FONT_FACES = (
    ("SourceSans3-Regular.ttf", 400, "normal"),
    ("SourceSans3-Italic.ttf", 400, "italic"),
    ("SourceSans3-SemiBold.ttf", 600, "normal"),
    ("SourceSans3-Bold.ttf", 700, "normal"),
)
DEFAULT_FOOTER = "Signaal"


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
        import matplotlib  # only for the path of its DejaVu font (the PDF's fallback glyphs)

        dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        if dejavu.exists():
            rules.append(f'@font-face {{ font-family: "Signaal Fallback"; src: url("{dejavu.as_uri()}"); }}')
    return "\n".join(rules)


@lru_cache(maxsize=1)
def base_css() -> str:
    return (Path(TEMPLATES) / "signaal" / "signaal.css").read_text("utf-8")


@lru_cache(maxsize=8)
def extra_css(name: str) -> str:
    """A stylesheet beside ``signaal.css`` (``boardpack.css``, ``factsheet.css``)."""
    return (Path(TEMPLATES) / "signaal" / name).read_text("utf-8")


def footer_text(board: str | None) -> str:
    """The text at the foot of every page: 'Twente Board · Signaal' for a region with a
    board (``reference/regions.yaml`` ``boards:``), else 'Signaal'."""
    board = (board or "").strip()
    return f"{board} · {DEFAULT_FOOTER}" if board and board != DEFAULT_FOOTER else DEFAULT_FOOTER


def watermark_image(watermark: str) -> str:
    """The sample watermark as a page background: a data URI of an A4-sized SVG with the text
    set diagonally and faintly, so that a page can go without it (see :func:`page_css`)."""
    from html import escape as xml_escape
    from urllib.parse import quote

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
        '<text x="105" y="150" text-anchor="middle" font-family="Source Sans 3, sans-serif" font-weight="700" '
        f'font-size="11" fill="#d55e00" fill-opacity="0.09" transform="rotate(-32 105 150)">{xml_escape(watermark)}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


def page_css(lang: str, watermark: str, footer: str = DEFAULT_FOOTER) -> str:
    """@page texts in the briefing's language: 'Pagina 3 van 9', the sample watermark and the
    footer (:func:`footer_text`; the stylesheet has no board name of its own).

    The watermark is the text in the top-right corner and a diagonal background on every page,
    except a page with real figures only (a topic page of the bundled sample whose figures are
    all real: named page ``real-figures``)."""
    top_right = f"@top-right {{ content: {css_string(watermark)}; }}" if watermark else ""
    background = f'background: url("{watermark_image(watermark)}") no-repeat center / 100% 100%; ' if watermark else ""
    real = " @page real-figures { background: none; @top-right { content: none; } }" if watermark else ""
    return (
        "@page { "
        f"{background}"
        f"@bottom-left {{ content: {css_string(footer or DEFAULT_FOOTER)}; }} "
        f"@bottom-right {{ content: {css_string(t('page', lang) + ' ')} counter(page) "
        f"{css_string(' ' + t('of', lang) + ' ')} counter(pages); }} {top_right} }}{real}"
    )


def stylesheet(
    lang: str, watermark: str, board: str | None, extra: Sequence[str] = (), *, for_pdf: bool = False, rules: str = ""
) -> str:
    """The CSS of a page: the bundled fonts (``for_pdf``: with the PDF's fallback font),
    ``signaal.css``, the ``@page`` texts (:func:`page_css` with the board's footer), the
    stylesheets named in ``extra`` and the document's own ``rules`` last."""
    parts = [font_face_css(for_pdf), base_css(), page_css(lang, watermark, footer_text(board))]
    parts += [extra_css(name) for name in extra]
    return "\n".join(parts + ([rules] if rules else []))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja environment of Signaal's own pages (autoescaping every value)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(TEMPLATES) / "signaal")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html_page(
    *, title: str, body: str, lang: str, css: str, body_class: str = "", watermark: str = "", running: str = ""
) -> str:
    """A self-contained page for what is composed in Python (the board pack, the signal board,
    factsheets): doctype, language, viewport, generator, inline CSS, the sample watermark (a
    fixed mark in print, a banner on screen), the running title for the page header, ``<main>``
    with ``body`` (HTML, as it is)."""
    classes = " ".join(c for c in ("signaal", body_class, "is-sample" if watermark else "") if c)
    return (
        environment()
        .get_template(PAGE_TEMPLATE)
        .render(
            lang=lang,
            title=title,
            version=__version__,
            css=css,
            classes=classes,
            watermark=watermark,
            running=running,
            body=body,
        )
    )
