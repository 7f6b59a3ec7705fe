"""Publishing: nbconvert exporters (HTML, PDF via WeasyPrint) and the briefing template.

The exporters and ``render_pdf`` load nbconvert and WeasyPrint, so they are imported when first
used (PEP 562): a run that reuses every document never loads them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .exporters import SignaalHTMLExporter, SignaalPDFExporter
    from .pdf import render_pdf

__all__ = ["SignaalHTMLExporter", "SignaalPDFExporter", "render_pdf"]
_WHERE = {"SignaalHTMLExporter": ".exporters", "SignaalPDFExporter": ".exporters", "render_pdf": ".pdf"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
