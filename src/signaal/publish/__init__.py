"""Publishing: nbconvert exporters (HTML, PDF via WeasyPrint) and the briefing template."""

from .exporters import SignaalHTMLExporter, SignaalPDFExporter
from .pdf import render_pdf

__all__ = ["SignaalHTMLExporter", "SignaalPDFExporter", "render_pdf"]
