"""The curated board: what the board reads first, chosen from all signals.

- at most one signal per indicator (a real-terms series and its nominal indicator are one);
- only urgencies and opportunities (what the board can act on, :mod:`.judge`), strongest first;
- a board target off track (or missed) always leads, whatever its strength.

:func:`marks` gives an indicator's three marks side by side, as CBS's broad-welfare monitor
shows them: the trend, the latest change and the position, each with its own direction, never
netted into one badge.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Kind, Signal

VERDICTS = (Kind.URGENT, Kind.OPPORTUNITY)
MARK_RULES = ("trend", "verandering", "positie")
MIN_STRENGTH = 0.2  # weaker findings stay in signals.csv but do not make the board


def concept(signal: Signal | str, cat=None) -> str:
    """One concept per board line: ``mediaan_inkomen_reeel`` and ``mediaan_inkomen`` are one."""
    indicator = signal if isinstance(signal, str) else signal.indicator
    if cat is None:
        from ..catalogue import catalogue

        cat = catalogue()
    ind = cat.indicators.get(indicator)
    t = ind.transform if ind is not None else None
    return t.of if t is not None and t.kind == "real_terms" and t.of else indicator


def target_off_track(s: Signal) -> bool:
    """A board target that is not met and not on track: it always leads the board."""
    return s.rule == "doel" and s.kind == Kind.URGENT


def curate(
    signals: Iterable[Signal],
    limit: int = 8,
    kinds: tuple[str, ...] = VERDICTS,
    min_strength: float = MIN_STRENGTH,
    cat=None,
) -> list[Signal]:
    """The board's signals: targets off track first, then the strongest urgencies and
    opportunities (at least ``min_strength``), one per indicator, at most ``limit``."""
    ordered = sorted(signals, key=lambda s: (not target_off_track(s), -s.strength, s.indicator, s.rule))
    seen: set[str] = set()
    out: list[Signal] = []
    for s in ordered:
        if s.kind not in kinds or (s.strength < min_strength and not target_off_track(s)):
            continue
        key = concept(s, cat)
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
        if len(out) >= limit:
            break
    return out


def marks(signals: Iterable[Signal], indicator: str, cat=None) -> dict[str, Signal]:
    """The trend, latest change and position of an indicator's concept (those it has), by rule;
    for money the real-terms series' marks."""
    key = concept(indicator, cat)
    found: dict[str, Signal] = {}
    for s in signals:
        if s.rule in MARK_RULES and concept(s, cat) == key:
            best = found.get(s.rule)
            # the real-terms series before its nominal twin (which has no marks of its own anyway)
            if best is None or (best.indicator == key and s.indicator != key):
                found[s.rule] = s
    return {rule: found[rule] for rule in MARK_RULES if rule in found}
