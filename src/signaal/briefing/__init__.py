"""Stage 7 · briefing: the pages of a theme briefing, built from the figures and signals.

Notebooks call :class:`Briefing` (``from signaal.briefing import Briefing``).
"""

from .notebook import Briefing

__all__ = ["Briefing"]
