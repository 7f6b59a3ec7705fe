"""What the rules produce: signals, and the rules that had nothing to say (and why)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

KINDS = ("urgentie", "kans", "neutraal")
STATUSES = ("te weinig gegevens", "overgeslagen", "niet van toepassing")


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
    kind: Literal["urgentie", "kans", "neutraal"]
    strength: float
    rule: str
    numbers: dict
    sentence_nl: str
    sentence_en: str
    data_region: str = ""
    title_nl: str = ""
    title_en: str = ""
    facts_nl: list[list[str]] = field(default_factory=list)   # [[label, formatted value], ...]
    facts_en: list[list[str]] = field(default_factory=list)

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

    ``status``: ``te weinig gegevens`` (too few periods or regions), ``overgeslagen``
    (skipped: e.g. no benchmark value, a method break in between) or ``niet van
    toepassing`` (the rule does not apply, e.g. a gap between counts of different sizes).
    ``rule`` is ``alle`` when the indicator as a whole has no figures for the region.
    """

    indicator: str
    theme: str
    region: str
    period: str
    rule: str
    status: str
    reason_nl: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_nl if lang == "nl" else self.reason_en

    def to_dict(self) -> dict:
        return asdict(self)


class SignalList(list):
    """The signals of a run, strongest first, with what was skipped and for which run.

    A plain ``list`` of :class:`Signal` (so it sorts, slices and iterates as one) that also
    carries ``skipped`` (a list of :class:`Skipped`) and ``meta`` (region, quarter, vintage).
    """

    def __init__(self, signals=(), skipped=None, meta=None):
        super().__init__(signals)
        self.skipped: list[Skipped] = list(skipped or [])
        self.meta: dict = dict(meta or {})

    def of_kind(self, kind: str) -> "SignalList":
        return SignalList([s for s in self if s.kind == kind], [], self.meta)

    def for_indicator(self, indicator: str) -> "SignalList":
        return SignalList(
            [s for s in self if s.indicator == indicator],
            [s for s in self.skipped if s.indicator == indicator],
            self.meta,
        )
