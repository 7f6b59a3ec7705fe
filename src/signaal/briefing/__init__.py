"""Stage 7 · briefing: the pages of a theme briefing, built from the figures and signals.

Notebooks call :class:`Briefing` (``from signaal.briefing import Briefing``). It is loaded on
first use, so that the modules that only label a document (:mod:`.edition`, :mod:`.pages`)
do not load the charting stack (matplotlib).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy_attributes

if TYPE_CHECKING:
    from .notebook import Briefing

__all__ = ["Briefing"]
__getattr__ = lazy_attributes(__name__, {"Briefing": ".notebook"})
