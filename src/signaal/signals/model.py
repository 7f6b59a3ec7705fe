"""What the rules produce: signals, and the rules that had nothing to say (and why).

A signal's kind and a skipped rule's status are :class:`Kind` and :class:`Status`: string
enums whose values are the Dutch words the board reads and ``signals.csv``/``signals.json``
hold (a member *is* its string: ``Kind.URGENT == "urgentie"``, and it is written as such).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from ..periods import Period


class Kind(StrEnum):
    """What a signal says to the board (PRODUCT.md §5)."""

    URGENT = "urgentie"
    OPPORTUNITY = "kans"
    NEUTRAL = "neutraal"


class Status(StrEnum):
    """Why a rule gave no signal."""

    TOO_FEW_DATA = "te weinig gegevens"  # too few periods or regions
    SKIPPED = "overgeslagen"  # e.g. no benchmark value, a method break in between
    NOT_APPLICABLE = "niet van toepassing"  # e.g. a gap between counts of different sizes


KINDS = tuple(Kind)
STATUSES = tuple(Status)


E = TypeVar("E", bound=StrEnum)


def _member(enum: type[E], value: str, what: str) -> E:
    """``value`` as a member of ``enum``; an unknown value is an error naming the valid ones."""
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"unknown {what} {value!r}; valid: {', '.join(enum)}") from None


@dataclass
class Signal:
    """One finding about one indicator for one region and period (PRODUCT.md §5).

    ``region`` is the focus region the signal is for; ``data_region`` is where the numbers
    come from (the focus region itself, or its province as a labelled proxy when the
    indicator is not published per COROP region). ``numbers`` holds plain JSON types.
    """

    indicator: str
    theme: str
    region: str
    period: str
    kind: Kind
    strength: float
    rule: str
    numbers: dict
    sentence_nl: str
    sentence_en: str
    data_region: str = ""
    title_nl: str = ""
    title_en: str = ""
    facts_nl: list[list[str]] = field(default_factory=list)  # [[label, formatted value], ...]
    facts_en: list[list[str]] = field(default_factory=list)
    direction: str = ""  # gunstig | ongunstig | '' (the finding's direction; kind: can the board act)

    def __post_init__(self) -> None:
        self.kind = _member(Kind, self.kind, "signal kind")

    def sentence(self, lang: str) -> str:
        return self.sentence_nl if lang == "nl" else self.sentence_en

    def title(self, lang: str) -> str:
        return self.title_nl if lang == "nl" else self.title_en

    def facts(self, lang: str) -> list[list[str]]:
        return self.facts_nl if lang == "nl" else self.facts_en

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Skipped:
    """A rule that gave no signal for an indicator, with the reason in Dutch and English.

    ``status`` says why in one word (:class:`Status`). ``rule`` is ``alle`` when the
    indicator as a whole has no figures for the region.
    """

    indicator: str
    theme: str
    region: str
    period: str
    rule: str
    status: Status
    reason_nl: str
    reason_en: str

    def __post_init__(self) -> None:
        self.status = _member(Status, self.status, "skip status")

    def reason(self, lang: str) -> str:
        return self.reason_nl if lang == "nl" else self.reason_en

    def to_dict(self) -> dict:
        return asdict(self)


class SignalList(list):
    """The signals of a run, strongest first, with what was skipped and for which run.

    A plain ``list`` of :class:`Signal` (so it sorts, slices and iterates as one) that also
    carries ``skipped`` (a list of :class:`Skipped`) and ``meta`` (region, quarter, vintage).
    """

    def __init__(
        self,
        signals: Iterable[Signal] = (),
        skipped: Iterable[Skipped] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(signals)
        self.skipped: list[Skipped] = list(skipped or [])
        self.meta: dict = dict(meta or {})

    def __repr__(self) -> str:  # one line: a notebook prints it, and a list of signals is long
        shown = ", ".join(f"{s.indicator}/{s.rule}" for s in self[:3]) + (", …" if len(self) > 3 else "")
        return f"<SignalList of {len(self)} signals ({shown}); {len(self.skipped)} skipped>"

    def _repr_pretty_(self, p, cycle) -> None:  # IPython prints list subclasses as lists otherwise
        p.text(repr(self))

    def of_kind(self, kind: Kind | str) -> SignalList:
        return SignalList([s for s in self if s.kind == kind], [], self.meta)

    def for_indicator(self, indicator: str) -> SignalList:
        return SignalList(
            [s for s in self if s.indicator == indicator],
            [s for s in self.skipped if s.indicator == indicator],
            self.meta,
        )


def plain(x: Any) -> Any:
    """Numbers for JSON: floats rounded to 6 significant digits, NaN/inf as None."""
    if type(x).__module__ == "numpy" and getattr(x, "ndim", None) == 0:
        x = x.item()  # a numpy scalar as the Python bool, int or float it holds (numpy need not load here)
    if isinstance(x, bool):
        return bool(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        x = float(x)
        if not math.isfinite(x):
            return None
        return float(f"{x:.6g}")
    if isinstance(x, Period):
        return str(x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x
