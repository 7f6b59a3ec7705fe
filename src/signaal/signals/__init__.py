"""Signals: the rules that name urgencies and opportunities (PRODUCT.md §5).

>>> from signaal.indicators import Data
>>> from signaal.signals import compute_signals
>>> found = compute_signals(Data.open(), "CR12", "2026Q3", theme="arbeidsmarkt")
>>> found[0].sentence("nl")          # the strongest signal, in Dutch
>>> found.skipped                    # rules that had too few data, or were skipped, and why

Seven rules (``trend``, ``verandering``, ``kloof``, ``positie``, ``doel``, ``breuk``,
``klok``) live in :mod:`.rules`, each registered once with its key and weight
(``@rule("kloof", weight=0.9)``, :mod:`.registry`); what they read and return is in
:mod:`.inputs`; signals, their kinds and the statuses of skipped rules in :mod:`.model`;
settings and the strength score in :mod:`.settings`; sentences in :mod:`.sentences`; files in
:mod:`.output`; the broad-welfare compass in :mod:`.compass`.

This package computes numbers only (no matplotlib, no HTML): the signal board is
:func:`signaal.briefing.board.signal_board_html`, its charts are in
:mod:`signaal.charts.signals`, the compass page in :mod:`signaal.briefing.compass`.
The README section "Signals" documents the rules, defaults and strength score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy_attributes
from .model import KINDS, STATUSES, Kind, Signal, SignalList, Skipped, Status

if TYPE_CHECKING:
    from .engine import compute_signals
    from .output import write_signals
    from .rules import RULES

__all__ = [
    "KINDS",
    "RULES",
    "STATUSES",
    "Kind",
    "Signal",
    "SignalList",
    "Skipped",
    "Status",
    "compute_signals",
    "write_signals",
]
# the rules and the engine load scipy: imported when first used (PEP 562), so that reading a
# stored signals.json (.history, .output) does not pay for them
_WHERE = {"compute_signals": ".engine", "write_signals": ".output", "RULES": ".rules"}


__getattr__ = lazy_attributes(__name__, _WHERE)
