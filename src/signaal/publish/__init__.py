"""Publishing: nbconvert exporters (HTML, PDF via WeasyPrint) and the briefing template.

The exporters and ``render_pdf`` load nbconvert and WeasyPrint, so they are imported when first
used (PEP 562): a run that reuses every document never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy_attributes

if TYPE_CHECKING:
    from .exporters import SignaalHTMLExporter, SignaalPDFExporter
    from .pdf import render_pdf

__all__ = ["SignaalHTMLExporter", "SignaalPDFExporter", "render_pdf"]
_WHERE = {"SignaalHTMLExporter": ".exporters", "SignaalPDFExporter": ".exporters", "render_pdf": ".pdf"}


__getattr__ = lazy_attributes(__name__, _WHERE)
