"""nbconvert exporters for briefings: ``--to signaal-html`` and ``--to signaal-pdf``.

Both are registered as ``nbconvert.exporters`` entry points, so an analyst can run
``jupyter nbconvert --to signaal-pdf executed.ipynb``; the quarterly run calls the same
classes in-process. The PDF is the very same HTML rendered by WeasyPrint (A4, page numbers,
embedded fonts, tagged PDF/UA).

The template (``templates/signaal``: ``conf.json`` and ``index.html.j2``) declares its
preprocessors in ``conf.json``, as nbconvert's own templates do: :class:`SignaalPreprocessor`
keeps what is meant for the board, :class:`SignaalPagePreprocessor` sets up the page around it.
"""

from __future__ import annotations

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode, default

from .. import __version__
from ..briefing.pages import META_MIMETYPE, first_heading
from ..briefing.style import STYLE_MIMETYPE, unwrap
from ..errors import InputError
from ..regions import registry
from ..text import sample_watermark

# the page furniture moved to .html and .pdf; these names are still imported from here
from .html import DEFAULT_FOOTER, TEMPLATES, extra_css, font_face_css, footer_text, page_css, stylesheet  # noqa: E402, F401
from .pdf import render_pdf, svg_as_images

# mimetypes that may reach the board; everything else (scripts, widgets, plain reprs) is dropped
SAFE_MIMETYPES = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown")


def board_outputs(nb, keep: tuple[str, ...] = SAFE_MIMETYPES) -> dict:
    """Keep, in place, only what is meant for the board, and return the briefing's metadata
    (its ``META_MIMETYPE`` outputs).

    Drops cells tagged ``remove`` (notes for analysts), stream output (prints, warnings),
    errors, the notebook's stylesheet (a page has its own), and every mimetype not in ``keep``
    (plain-text reprs, scripts, widgets); an output with nothing left goes. A block's HTML
    loses its notebook wrapper. Code never reaches the page (the exporter excludes all inputs)."""
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
            if out.get("output_type") not in ("display_data", "execute_result") or STYLE_MIMETYPE in data:
                continue
            safe = {k: v for k, v in data.items() if k in keep}
            if not safe:
                continue
            if "text/html" in safe:
                html = safe["text/html"]
                safe["text/html"] = unwrap("".join(html) if isinstance(html, list) else html)
            out["data"] = safe
            kept.append(out)
        cell.outputs = kept
    return meta


class SignaalPreprocessor(Preprocessor):
    """Refuse a notebook that never ran (:func:`check_executed`), keep only the outputs meant
    for the board (:func:`board_outputs`) and collect the briefing's metadata into
    ``resources["signaal"]``. Declared in the template's
    ``conf.json``, as nbconvert's own templates declare theirs."""

    def preprocess(self, nb, resources):
        check_executed(nb, resources.get("metadata", {}).get("name"))  # after --execute, if asked
        resources["signaal_heading"] = first_heading(nb.cells)  # before cells tagged 'remove' go
        # what the notebook says about itself, over what the caller knows (the run's edition)
        resources["signaal"] = {**(resources.get("signaal_defaults") or {}), **board_outputs(nb)}
        return nb, resources


class SignaalPagePreprocessor(Preprocessor):
    """The page around the briefing, from its metadata (which ``Edition.meta`` wrote): the
    language, title and running title, the sample watermark, the stylesheet with the board in
    the footer; and, for the PDF, charts as SVG images. The exporter's own settings (its
    ``lang``, ``for_pdf`` and ``svg_images`` traits) come in ``resources["signaal_options"]``."""

    def preprocess(self, nb, resources):
        options = resources.get("signaal_options") or {}
        if options.get("svg_images"):
            for cell in nb.cells:
                for out in cell.get("outputs", []):
                    html = out.get("data", {}).get("text/html")
                    if html:
                        out["data"]["text/html"] = svg_as_images("".join(html) if isinstance(html, list) else html)
        meta = resources.setdefault("signaal", {})
        lang = options.get("lang") or meta.get("lang") or "nl"
        watermark = meta.get("watermark", "")
        if meta.get("is_sample") and not watermark:
            watermark = sample_watermark(True, lang)
            meta["watermark"] = watermark
        title = (
            meta.get("title")
            or nb.metadata.get("title")
            or resources.get("signaal_heading")
            or resources.get("metadata", {}).get("name", "Briefing")
        )
        running = " · ".join(x for x in (title, meta.get("region_name"), meta.get("quarter_label")) if x)
        resources["language_code"] = lang  # <html lang="…">
        resources["signaal_title"] = running or title
        resources["signaal_running_title"] = running or title
        resources["signaal_version"] = __version__
        for_pdf = bool(options.get("for_pdf"))
        resources["signaal_css"] = stylesheet(lang, watermark, board_of(meta, lang), for_pdf=for_pdf)
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
        # the preprocessors of conf.json (SignaalPreprocessor, SignaalPagePreprocessor) do the rest
        resources = dict(resources or {})
        resources["signaal_options"] = {"lang": self.lang, "for_pdf": self.for_pdf, "svg_images": self.svg_images}
        return super().from_notebook_node(nb, resources, **kw)


class NotExecutedError(InputError):
    """A notebook that was never run: its page would be blank."""


def check_executed(nb, name: str | None = None) -> None:
    """Refuse a notebook whose code cells never ran (no outputs, no execution counts): its
    briefing would be an empty page. On the command line (``jupyter nbconvert --to
    signaal-pdf``) this is one line on stderr and exit code 1."""
    code = [c for c in nb.cells if c.get("cell_type") == "code" and (c.get("source") or "").strip()]
    if not code or any(c.get("outputs") or c.get("execution_count") for c in code):
        return
    what = f"{name}.ipynb" if name else "the notebook"
    message = (
        f"{what} was never executed (no cell has run, so the briefing would be blank); run it first: "
        f"Run All in JupyterLab and save, `signaal run --themes {name or '<theme>'}`, or "
        f"`jupyter nbconvert --execute --to signaal-pdf {what}`"
    )
    from nbconvert.nbconvertapp import NbConvertApp  # the command line, or the run in-process

    if NbConvertApp.initialized():
        raise SystemExit(f"signaal: error: {message}")
    raise NotExecutedError(message)


def board_of(meta: dict, lang: str = "nl") -> str:
    """The board a briefing is for, from its metadata: ``meta["board"]`` when the briefing
    says so, else the board of its focus region, else 'Signaal'."""
    if meta.get("board"):
        return str(meta["board"])
    if meta.get("region"):
        try:
            return registry().board(meta["region"], lang)
        except Exception:  # an unknown region in an old notebook: no board name
            return DEFAULT_FOOTER
    return DEFAULT_FOOTER


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
