"""One ranking for every page, chart, sentence and CSV: ties shared and written out.

Regions are ranked on their values *as published* (rounded to the indicator's shown
decimals): two regions that both read 72,3% share a place, and the place is written out
("gedeeld 21e–23e van 40"), so that a page, a chart label, ``signals.csv`` and
``indicators.csv`` can never disagree about a rank again. Rank 1 is the most favourable
value (the lowest for a lower-is-better indicator, the highest otherwise)::

    ranks = rank_regions(row, "higher_is_better", decimals=1)
    ranks["CR12"].text("nl")     # '34e van 40' or 'gedeeld 21e–23e van 40'
    ranks["CR12"].short()        # '34' or '21-23' (CSV, chart)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..text import t


def ordinal(n: int, lang: str = "nl") -> str:
    """``21e`` (nl) / ``21st`` (en)."""
    if lang == "nl":
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Rank:
    """A region's place among ``n`` regions: ``low``..``high`` (equal unless shared)."""

    low: int
    high: int
    n: int

    @property
    def shared(self) -> bool:
        return self.high > self.low

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    @property
    def quartile(self) -> int:
        """1 (most favourable quarter) .. 4, from the middle of a shared place."""
        m, n = self.middle, self.n
        return 1 if m <= n / 4 else 4 if m > 3 * n / 4 else 2 if m <= n / 2 else 3

    def place(self, lang: str = "nl") -> str:
        """``34e`` or ``gedeeld 21e–23e`` (without "of n")."""
        if self.shared:
            return t("rank_shared", lang, low=ordinal(self.low, lang), high=ordinal(self.high, lang))
        return ordinal(self.low, lang)

    def text(self, lang: str = "nl") -> str:
        """``34e van 40`` / ``gedeeld 21e–23e van 40``."""
        return t("rank_of", lang, place=self.place(lang), n=self.n)

    def short(self) -> str:
        """``34`` or ``21-23``: for a CSV cell and a compact chart label."""
        return f"{self.low}-{self.high}" if self.shared else str(self.low)

    def to_dict(self) -> dict:
        return {"rank": self.low, "rank_high": self.high, "n": self.n, "rank_shared": self.shared}


def _shown(values: pd.Series, decimals: int | None) -> pd.Series:
    """The figures of ``values`` as they are ranked: rounded as shown (``None``: exact)."""
    s = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    return s.round(decimals) if decimals is not None else s


def _low_high(ranked, polarity: str) -> tuple[pd.Series, pd.Series]:
    """The first and last place each value shares (of a Series, or of each group of a grouped
    one); rank 1 the most favourable, the highest value first for a neutral indicator."""
    ascending = polarity == "lower_is_better"
    return ranked.rank(ascending=ascending, method="min"), ranked.rank(ascending=ascending, method="max")


def rank_regions(values: pd.Series, polarity: str, decimals: int | None = None) -> dict[str, Rank]:
    """Every region's :class:`Rank` among the regions of ``values`` that have a figure.

    ``decimals``: rank on the values rounded as shown (ties shared); ``None`` ranks the exact
    values (a composite score). A neutral indicator ranks the highest value first."""
    s = _shown(values, decimals)
    low, high = _low_high(s, polarity)
    n = len(s)
    return {str(code): Rank(int(lo), int(hi), n) for code, lo, hi in zip(s.index, low, high, strict=True)}


def places(values: pd.Series, polarity: str, decimals: int | None, by: list[pd.Series]) -> pd.DataFrame:
    """:func:`rank_regions` for many groups at once (``by``: keys aligned with ``values``, such
    as period and level): each figure's ``low``, ``high`` and ``n`` within its group."""
    s = _shown(values, decimals)
    groups = s.groupby([k.loc[s.index] for k in by])
    low, high = _low_high(groups, polarity)
    return pd.DataFrame({"low": low.astype(int), "high": high.astype(int), "n": groups.transform("size").astype(int)})


def short_places(found: pd.DataFrame) -> pd.Series:
    """:meth:`Rank.short` of every row of :func:`places`: ``34`` or ``21-23``."""
    low, high = found["low"].astype(str), found["high"].astype(str)
    return low.where(found["low"] == found["high"], low + "-" + high)


def rank_of(values: pd.Series, code: str, polarity: str, decimals: int | None = None) -> Rank | None:
    """The :class:`Rank` of one region (None when it has no figure)."""
    return rank_regions(values, polarity, decimals).get(code)


def ranked_order(values: pd.Series, polarity: str, decimals: int | None = None, first: str | None = None) -> list[str]:
    """The regions from most to least favourable; within a shared place ``first`` (the focus
    region) comes first, so that its dot in a chart sits at the place its label names."""
    ranks = rank_regions(values, polarity, decimals)
    return sorted(ranks, key=lambda c: (ranks[c].low, c != first, c))
