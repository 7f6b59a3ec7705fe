"""Periods: years, quarters and months, in the store's notation and in CBS's.

The store writes periods as ``2025`` (a year), ``2026Q3`` (a quarter) and ``2026M09`` (a
month). CBS writes ``2025JJ00``, ``2026KW03`` and ``2026MM09``. Everything else in Signaal
uses :class:`Period`, which orders naturally within a frequency and knows the quarter it
falls in, so that "the latest data up to quarter Q" is one comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

from .errors import InputError

FREQUENCIES = ("Y", "Q", "M")
_PER_YEAR = {"Y": 1, "Q": 4, "M": 12}
_STORE_RE = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[QM])(?P<num>\d{1,2}))?$")
_CBS_RE = re.compile(r"^(?P<year>\d{4})(?P<kind>JJ|KW|MM|X0|W1)(?P<num>\d{2})$")
_CBS_KIND = {"JJ": "Y", "KW": "Q", "MM": "M"}
_MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@total_ordering
@dataclass(frozen=True)
class Period:
    """A calendar period: ``freq`` is ``Y``, ``Q`` or ``M``; ``num`` is 0 for a year."""

    freq: str
    year: int
    num: int = 0

    def __post_init__(self) -> None:
        if self.freq not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.freq!r}; valid: Y, Q, M")
        if self.freq == "Y" and self.num != 0:
            raise ValueError("a year has no sub-period number")
        if self.freq != "Y" and not 1 <= self.num <= _PER_YEAR[self.freq]:
            raise ValueError(f"{self.freq} number {self.num} out of range")

    # ---- construction -------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse the store's notation: ``2025``, ``2026Q3``, ``2026M09``."""
        m = _STORE_RE.match(str(text).strip())
        if not m:
            raise ValueError(f"not a period: {text!r} (expected 2025, 2026Q3 or 2026M09)")
        year = int(m["year"])
        if m["kind"] is None:
            return cls("Y", year)
        return cls(m["kind"], year, int(m["num"]))

    @classmethod
    def from_cbs(cls, code: str) -> Period:
        """Parse a CBS period code: ``2024JJ00``, ``2024KW03``, ``2024MM09``."""
        m = _CBS_RE.match(str(code).strip())
        if not m or m["kind"] not in _CBS_KIND:
            raise ValueError(f"unsupported CBS period code {code!r} (expected JJ, KW or MM)")
        freq = _CBS_KIND[m["kind"]]
        return cls(freq, int(m["year"]), 0 if freq == "Y" else int(m["num"]))

    @classmethod
    def from_date(cls, day: dt.date, freq: str) -> Period:
        if freq == "Y":
            return cls("Y", day.year)
        if freq == "Q":
            return cls("Q", day.year, (day.month - 1) // 3 + 1)
        return cls("M", day.year, day.month)

    # ---- notation -----------------------------------------------------------------
    def __str__(self) -> str:
        if self.freq == "Y":
            return f"{self.year}"
        if self.freq == "Q":
            return f"{self.year}Q{self.num}"
        return f"{self.year}M{self.num:02d}"

    def to_cbs(self) -> str:
        kind = {"Y": "JJ", "Q": "KW", "M": "MM"}[self.freq]
        return f"{self.year}{kind}{self.num:02d}"

    def label(self, lang: str = "nl") -> str:
        """Human label: ``3e kwartaal 2026`` / ``Q3 2026`` / ``september 2026``."""
        if self.freq == "Y":
            return str(self.year)
        if self.freq == "Q":
            return f"{self.num}e kwartaal {self.year}" if lang == "nl" else f"Q{self.num} {self.year}"
        months = _MONTHS_NL if lang == "nl" else _MONTHS_EN
        return f"{months[self.num - 1]} {self.year}"

    def phrase(self, lang: str = "nl") -> str:
        """The label as it reads inside a sentence: Dutch quarters take an article
        ("sinds het 4e kwartaal 2022"); years and months do not."""
        from .text import t

        return t(f"sig_period_{self.freq}", lang, label=self.label(lang))

    def short_label(self) -> str:
        """Compact axis label: ``2026`` / ``2026-K3`` style is avoided; ``'26 Q3``."""
        if self.freq == "Y":
            return str(self.year)
        if self.freq == "Q":
            return f"{self.year} Q{self.num}"
        return f"{self.year}-{self.num:02d}"

    # ---- arithmetic ---------------------------------------------------------------
    @property
    def ordinal(self) -> int:
        return self.year * _PER_YEAR[self.freq] + max(self.num, 1) - 1

    @classmethod
    def _from_ordinal(cls, freq: str, ordinal: int) -> Period:
        per = _PER_YEAR[freq]
        year, rest = divmod(ordinal, per)
        return cls(freq, year, 0 if freq == "Y" else rest + 1)

    def shift(self, steps: int) -> Period:
        return self._from_ordinal(self.freq, self.ordinal + steps)

    def year_earlier(self) -> Period:
        return self.shift(-_PER_YEAR[self.freq])

    @property
    def per_year(self) -> int:
        return _PER_YEAR[self.freq]

    def start(self) -> dt.date:
        month = {"Y": 1, "Q": (self.num - 1) * 3 + 1, "M": self.num}[self.freq]
        return dt.date(self.year, month, 1)

    def end(self) -> dt.date:
        nxt = self.shift(1).start()
        return nxt - dt.timedelta(days=1)

    def quarter(self) -> Period:
        """The quarter this period ends in (a year ends in its Q4)."""
        return Period.from_date(self.end(), "Q")

    def within(self, quarter: Period) -> bool:
        """True when this period ends on or before the end of ``quarter``."""
        return self.end() <= quarter.end()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.end(), _PER_YEAR[self.freq]) < (other.end(), _PER_YEAR[other.freq])


_QUARTER_ARG_RE = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(text: str) -> Period:
    """Parse a quarter given by a user (``2026Q3``); one-line error for anything else."""
    raw = str(text).strip()
    m = _QUARTER_ARG_RE.match(raw.upper())
    if not m:
        why = ""
        m5 = re.match(r"^(\d{4})Q(\d+)$", raw.upper())
        if m5:
            why = f" (a year has quarters 1-4, not {m5.group(2)})"
        raise InputError(f"malformed quarter {raw!r}{why}; valid: a four-digit year, 'Q' and 1-4, e.g. 2026Q3")
    return Period("Q", int(m.group(1)), int(m.group(2)))


def current_quarter(today: dt.date | None = None) -> Period:
    return Period.from_date(today or dt.date.today(), "Q")
