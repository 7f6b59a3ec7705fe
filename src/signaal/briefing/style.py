"""The house look in a notebook: the briefing's fonts and stylesheet, loaded once.

In JupyterLab (or any notebook front end) a block shows its HTML inside the front end's own
page, where neither the bundled Source Sans 3 nor ``signaal.css`` is loaded: charts would fall
back to a wider font and clip their labels, and the signal board would lose its layout. So the
first block a notebook shows brings a ``<style>`` with both: the fonts as ``@font-face`` data
URIs and ``signaal.css`` *scoped* to the blocks (every selector under ``.signaal-nb``, the
wrapper each block's HTML gets in a notebook; rules for paper and for the exporter's page are
left out), so that nothing of JupyterLab's own look changes. The blocks then look as in the
HTML briefing, at the same width (``main``'s 190 mm).

The stylesheet's output says what it is (:data:`STYLE_MIMETYPE`); the
exporters drop it, because an exported page has the stylesheet in its head.

This module reads files only (no matplotlib): the exporters use :func:`font_face_rules` too.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tinycss2

PACKAGE = Path(str(resources.files("signaal")))
FONTS = PACKAGE / "publish" / "fonts"
BRIEFING_CSS = PACKAGE / "publish" / "templates" / "signaal" / "signaal.css"  # the exported page's stylesheet
FONT_FACES = (
    ("SourceSans3-Regular.ttf", 400, "normal"),
    ("SourceSans3-Italic.ttf", 400, "italic"),
    ("SourceSans3-SemiBold.ttf", 600, "normal"),
    ("SourceSans3-Bold.ttf", 700, "normal"),
)
STYLE_MIMETYPE = "application/vnd.signaal.style+json"  # marks the stylesheet's output
SCOPE_CLASS = "signaal-nb"
# the class twice: one class more than the front end's own rules (`.jp-RenderedHTMLCommon h2`),
# so that the briefing's rules win there as they do on the exported page
SCOPE = f".{SCOPE_CLASS}.{SCOPE_CLASS}"
PAGE_SELECTORS = ("html", "body", "main", ":root")  # the exported page's frame: the block's wrapper here
EXPORT_ONLY = (".jp-", "a.anchor-link", ".watermark", ".running-title", ".sample-banner")

# What a front end's own stylesheet does to tables and blocks that the briefing does not want
# (JupyterLab stripes and centres tables, floats definition lists, adds margins), and the wrapper
# itself: a white sheet of the exported page's width.
NOTEBOOK_RULES = f"""
{SCOPE} {{ margin: 0; padding: 4mm 6mm 6mm; background: white; color: var(--ink); box-sizing: content-box; }}
{SCOPE} table {{ margin: 0; table-layout: auto; font-size: inherit; color: inherit; }}
{SCOPE} tbody tr, {SCOPE} tbody tr:nth-child(odd), {SCOPE} tbody tr:hover {{ background: transparent; }}
{SCOPE} th, {SCOPE} td {{ line-height: 1.42; max-width: none; white-space: normal; }}
{SCOPE} h1, {SCOPE} h2, {SCOPE} h4 {{ margin-top: 0; }}
{SCOPE} .topic, {SCOPE} .summary, {SCOPE} .sources, {SCOPE} .signal-board, {SCOPE} .compass-page {{
  margin-top: 0; padding-top: 0; border-top: 0; }}
{SCOPE} img, {SCOPE} svg {{ max-width: 100%; }}
{SCOPE} dt, {SCOPE} dd {{ float: none; width: auto; clear: none; padding: 0; text-align: left; }}
"""


def wrap(html: str) -> str:
    """A block's HTML as a notebook shows it: in the wrapper the stylesheet is scoped to."""
    return f'<div class="{SCOPE_CLASS}">{html}</div>'


def unwrap(html: str) -> str:
    """A block's HTML as the exporters and the board pack use it (:func:`wrap` undone)."""
    head, tail = f'<div class="{SCOPE_CLASS}">', "</div>"
    return html[len(head) : -len(tail)] if html.startswith(head) and html.endswith(tail) else html


@lru_cache(maxsize=1)
def font_face_rules() -> str:
    """``@font-face`` rules for the bundled fonts as data URIs (a page stays self-contained)."""
    rules = []
    for name, weight, style in FONT_FACES:
        data = base64.b64encode((FONTS / name).read_bytes()).decode("ascii")
        rules.append(
            '@font-face { font-family: "Source Sans 3"; '
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); font-weight: {weight}; font-style: {style}; }}'
        )
    return "\n".join(rules)


def _scoped_selectors(prelude: str) -> str:
    """``h2, .topic .question`` → ``.signaal-nb.signaal-nb h2, .signaal-nb.signaal-nb .topic .question``;
    the page's frame (``html``, ``main``) becomes the wrapper; rules for the exported page only go."""
    scoped = []
    for selector in (s.strip() for s in prelude.split(",")):
        if not selector or selector.startswith(EXPORT_ONLY):
            continue
        scoped.append(SCOPE if selector in PAGE_SELECTORS else f"{SCOPE} {selector}")
    return ", ".join(scoped)


def _scoped_rules(rules) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = _scoped_selectors(tinycss2.serialize(rule.prelude))
            if selectors:
                out.append(f"{selectors} {{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            media = tinycss2.serialize(rule.prelude).strip()
            if media == "screen":  # a notebook is a screen: its rules apply as they are
                out += _scoped_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
        # @page and @media print are for paper; a notebook has none
    return out


@lru_cache(maxsize=1)
def notebook_css() -> str:
    """The fonts, ``signaal.css`` scoped to the blocks, and the notebook's own rules."""
    sheet = tinycss2.parse_stylesheet(BRIEFING_CSS.read_text("utf-8"), skip_comments=True, skip_whitespace=True)
    return "\n".join([font_face_rules(), *_scoped_rules(sheet), NOTEBOOK_RULES.strip()])


# ---- once per notebook -------------------------------------------------------------------
_shown_in: tuple[str | None, int | None] | None = None  # (cell id, execution count) that holds it


def _current_cell() -> tuple[str | None, int | None]:
    """The cell being run: its id when the front end says (JupyterLab sends ``cellId``), and
    the kernel's execution count."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None, None
    shell = get_ipython()
    if shell is None:
        return None, None
    cell_id = None
    kernel = getattr(shell, "kernel", None)
    try:
        parent = kernel.get_parent() if kernel is not None else {}
        cell_id = (parent.get("metadata") or {}).get("cellId")
    except Exception:  # another kernel or shell: no cell ids, execution counts only
        cell_id = None
    return cell_id, getattr(shell, "execution_count", None)


def forget_stylesheet() -> None:
    """A new notebook in the same kernel (a warm kernel): its first block brings the stylesheet."""
    global _shown_in
    _shown_in = None


def stylesheet_due() -> bool:
    """Whether the block about to be shown should bring the stylesheet: the first block of the
    notebook does; so does every block of the cell that brought it when that cell runs again
    (its old output, with the stylesheet, is cleared). A block of another cell does not."""
    global _shown_in
    cell_id, count = _current_cell()
    if _shown_in is not None:
        shown_id, shown_count = _shown_in
        if count == shown_count or not (cell_id and cell_id == shown_id):
            return False  # already in this cell's output, or in another cell's
    _shown_in = (cell_id, count)
    return True


class StyleOutput:
    """The stylesheet as a notebook output: invisible, and marked so that exporters drop it."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": f"<style>{notebook_css()}</style>", "text/plain": "", STYLE_MIMETYPE: {"css": "signaal"}}
