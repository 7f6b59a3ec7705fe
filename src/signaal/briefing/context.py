"""What the page builders of one briefing share: its edition, data, signals and sources.

:class:`PageContext` is the state behind :class:`~signaal.briefing.Briefing`: the edition
(names and labels), the data, the topics the briefing covers and the indicators it has
shown (for the sources appendix), the signals of its topics (computed once, on first use),
and how a page cites its numbers (the source line and the "last updated" date).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..catalogue import Catalogue, Indicator, catalogue
from ..indicators.data import Data
from ..periods import Period
from ..regions import Registry, registry
from ..store.diff import source_info, table_id
from ..text import t
from .edition import Edition
from .narrative import Context
from .pages import long_date


class PageContext:
    def __init__(self, edition: Edition, data: Data, data_dir: str | Path | None, topics: list[str]):
        self.edition = edition
        self.data = data
        self.data_dir = Path(data_dir) if data_dir else None
        self.cat: Catalogue = catalogue()
        self.reg: Registry = registry()
        self.topics = topics  # the briefing's indicators (a page outside them joins them)
        self.shown: list[str] = []  # the indicators shown so far, for the sources appendix
        self._signals = None

    @property
    def lang(self) -> str:
        return self.edition.lang

    @property
    def focus(self) -> str:
        return self.edition.focus

    @property
    def quarter(self) -> Period:
        return self.edition.quarter

    @property
    def national(self) -> str:
        return self.edition.national

    @property
    def province(self) -> str | None:
        return self.edition.province

    def name(self, code: str) -> str:
        return self.edition.name(code)

    def names(self, codes) -> dict[str, str]:
        """Legend names of ``codes`` (those in the registry), with the chart's own keys."""
        names = {
            "_peers": t("peers", self.lang),
            "_break": t("method_break", self.lang),
            "_national": self.name(self.national),
        }
        for c in codes:
            if c in self.reg:
                names[c] = self.name(c)
        return names

    def mark_shown(self, *indicators: str) -> None:
        for ind in indicators:
            if ind not in self.topics:
                self.topics.append(ind)
            if ind not in self.shown:
                self.shown.append(ind)

    # ---- signals -------------------------------------------------------------------------
    def found_signals(self):
        """The signals of the briefing's topics (computed once; see :mod:`signaal.signals`)."""
        if self._signals is None:
            from ..signals import compute_signals

            self._signals = compute_signals(self.data, self.focus, self.quarter, indicators=list(self.topics))
        return self._signals

    def signal_lines(self, indicator: str, limit: int = 2) -> list[str]:
        """The indicator's strongest signal sentences (verdicts first, then neutral findings)."""
        found = sorted(self.found_signals().for_indicator(indicator), key=lambda s: (s.kind == "neutraal", -s.strength))
        lines: list[str] = []
        for sig in found:
            sentence = sig.sentence(self.lang)
            if sentence not in lines:
                lines.append(sentence)
            if len(lines) == limit:
                break
        return lines

    def narrative(self, ind: Indicator) -> Context:
        """What the "Toelichting" bullets of an indicator's page are written from."""
        shown = self.data.display_region(ind.id, self.focus)
        return Context(self.data, ind, shown, self.national, self.quarter, self.lang, focus=self.focus)

    # ---- sources -------------------------------------------------------------------------
    def table_id(self, ind: Indicator) -> str | None:
        """The table the numbers came from in this vintage (see :func:`signaal.store.diff.table_id`)."""
        return table_id(self.data.vintage.manifest, ind)

    def source_line(self, ind: Indicator) -> str:
        table = self.table_id(ind)
        if table:
            return t("source_line", self.lang, publisher=ind.source.publisher, table=table)
        return t("source_line_manual", self.lang, publisher=ind.source.publisher)

    def updated(self, ind: Indicator) -> str:
        """'Laatste actualisatie': the modification date of the source table the indicator was
        read from (the table its family resolved to in this vintage), else the vintage's date."""
        manifest = self.data.vintage.manifest
        info = source_info(manifest, ind.id, ind.source.table or ind.source.file)
        if not info and ind.transform is not None:  # a derived indicator: its first input's source
            dep = self.cat[self.cat.dependencies(ind.id)[0]]
            info = source_info(manifest, dep.id, dep.source.table or dep.source.file)
        if info.get("modified"):
            return long_date(info["modified"], self.lang)
        created = self.data.vintage.created or self.edition.today.isoformat()
        return long_date(created, self.lang)

    def updated_line(self, ind: Indicator) -> str:
        return t("updated_line", self.lang, date=self.updated(ind))

    def targets_path(self) -> Path | None:
        """The board targets table (``manual/doelen.csv``) of this briefing's data folder."""
        if self.data_dir:
            return self.data_dir / "manual" / "doelen.csv"
        env = os.environ.get("SIGNAAL_DATA_DIR")
        return Path(env) / "manual" / "doelen.csv" if env else None
