"""The rule registry: every rule declares its key and weight once, where it is defined.

    @rule("kloof", weight=0.9)
    def gap(inp: Inputs) -> Finding | Skip: ...

The key is the rule's name in ``signals.csv``, the catalogue's ``rules:`` and the README; the
weight is how much the rule counts towards a signal's strength (README "Strength"). Rules run
in the order they are registered, which is the order of their definitions in :mod:`.rules`.
Importing ``signaal.signals`` imports :mod:`.rules`, so the registry is full before anyone
reads it; :func:`registered` fails loudly if it is not.

This module imports nothing of its own package, so that :mod:`.settings` (defaults and
strength) can read the weights while the rules themselves import the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

# inputs -> Finding | Skip | list of them | None (see .inputs); typed loosely to keep this a leaf
RuleFunction = Callable[..., Any]
F = TypeVar("F", bound=RuleFunction)


@dataclass(frozen=True)
class Rule:
    key: str
    weight: float
    function: RuleFunction


_REGISTRY: dict[str, Rule] = {}


def rule(key: str, *, weight: float) -> Callable[[F], F]:
    """Register the decorated function as the rule ``key`` with strength weight ``weight``."""

    def register(function: F) -> F:
        if key in _REGISTRY:
            raise ValueError(
                f"signal rule {key!r} is registered twice: by {_REGISTRY[key].function.__name__} "
                f"and by {function.__name__}"
            )
        _REGISTRY[key] = Rule(key, weight, function)
        return function

    return register


def registered() -> MappingProxyType[str, Rule]:
    """The registered rules by key, in the order they run (read-only)."""
    if not _REGISTRY:
        raise RuntimeError("no signal rules registered: import signaal.signals (which imports its rules) first")
    return MappingProxyType(_REGISTRY)


def rule_keys() -> tuple[str, ...]:
    """The keys of the registered rules, in the order they run."""
    return tuple(registered())


def rule_weights() -> dict[str, float]:
    """Each registered rule's default strength weight (an indicator may override them)."""
    return {key: r.weight for key, r in registered().items()}
