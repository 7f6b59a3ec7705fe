"""Stage 7 · briefing: the pages of a theme briefing, built from the figures and signals.

Notebooks call :class:`Briefing` (``from signaal.briefing import Briefing``). It is loaded on
first use, so that the modules that only label a document (:mod:`.edition`, :mod:`.pages`)
do not load the charting stack (matplotlib).
"""

from __future__ import annotations

__all__ = ["Briefing"]


def __getattr__(name: str):
    if name == "Briefing":
        from .notebook import Briefing

        return Briefing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
