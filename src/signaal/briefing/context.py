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
        """'Bron: …' under a page's chart. In the bundled sample it says which figures are real
        (their table and retrieval date), which were derived (summed from their members) and
        which are synthetic; a live vintage's figures are all real and say nothing extra."""
        table = self.table_id(ind)
        line = (
            t("source_line", self.lang, publisher=ind.source.publisher, table=table)
            if table
            else t("source_line_manual", self.lang, publisher=ind.source.publisher)
        )
        if not self.data.vintage.is_sample:
            return line
        kinds = self.data.figure_kinds(ind.id)
        real_table = self.data.real_table(ind.id)
        real = [lvl for lvl, k in kinds.items() if k != "synthetic"]
        synthetic = [lvl for lvl, k in kinds.items() if k == "synthetic"]
        if real and real_table and not synthetic:
            line = t(
                "source_line_real",
                self.lang,
                publisher=ind.source.publisher,
                table=real_table,
                retrieved=self._retrieved(real_table),
            )
        elif real and real_table:
            line = t(
                "source_line_mixed",
                self.lang,
                publisher=ind.source.publisher,
                table=ind.source.table or table or real_table,
                real_table=real_table,
                real_levels=self._levels_text(real),
                synthetic_levels=self._levels_text(synthetic),
                retrieved=self._retrieved(real_table),
            )
        else:
            line += t("source_synthetic_suffix", self.lang)
            if ind.transform is not None and ind.transform.deflator and real_table:
                line += t("source_deflator", self.lang, table=real_table)
        return line + self._derived_text(ind)

    def _levels_text(self, levels: list[str]) -> str:
        words = [t(f"level_plural_{lvl}", self.lang) for lvl in levels]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {t('and', self.lang)} " + words[-1]

    def _retrieved(self, table: str) -> str:
        info = (self.data.vintage.manifest.get("sources") or {}).get(table) or {}
        if info.get("retrieved"):
            return t("source_retrieved", self.lang, date=long_date(info["retrieved"], self.lang))
        return t("source_retrieved_unknown", self.lang)

    def _derived_text(self, ind: Indicator) -> str:
        """' · Nederland en provincies: opgeteld uit de COROP-gebieden (afgeleid door Signaal)'."""
        stored = self.cat.dependencies(ind.id)[0] if ind.transform is not None else ind.id
        derived = self.data.provenance.derived_from(stored)
        by_source: dict[str, list[str]] = {}
        for level, members in derived.items():
            by_source.setdefault(members, []).append(level)
        return "".join(
            t("source_derived", self.lang, levels=self._levels_text(levels), members=t(f"level_plural_{m}", self.lang))
            for m, levels in by_source.items()
        )

    def real_figures(self, ind: Indicator) -> bool:
        """A page of the bundled sample whose figures are all real or derived from real ones
        (it goes without the sample watermark); never for a live vintage (no watermark at all)."""
        if not self.data.vintage.is_sample:
            return False
        kinds = self.data.figure_kinds(ind.id)
        return bool(kinds) and "synthetic" not in kinds.values()

    def updated(self, ind: Indicator) -> str:
        """'Laatste actualisatie': the day the source released the figures, as the data records
        it — CBS's ``Modified`` of the table the indicator was read from (the table its family
        resolved to in this vintage), a curated table's ``published`` date as its origin states
        it — never a file's modification time, the vintage's date or the run's. Where the source
        states none, it says so; synthetic figures of the sample have no release date."""
        manifest = self.data.vintage.manifest
        info = source_info(manifest, ind.id, ind.source.table or ind.source.file)
        if not info and ind.transform is not None:  # a derived indicator: its first input's source
            dep = self.cat[self.cat.dependencies(ind.id)[0]]
            info = source_info(manifest, dep.id, dep.source.table or dep.source.file)
        date = info.get("published") if info.get("kind") == "manual" else info.get("modified")
        if date:
            return long_date(date, self.lang)
        if info.get("real"):
            return t("updated_unknown", self.lang)
        if self.data.vintage.is_sample and self.data.is_synthetic(ind.id, self.data.display_region(ind.id, self.focus)):
            return t("updated_synthetic", self.lang)
        return t("updated_not_stated", self.lang)

    def reference_period(self, ind: Indicator) -> str:
        """The latest period the page shows ('het 1e kwartaal 2026', '2025'), '' without one."""
        where = self.data.display_region(ind.id, self.focus)
        series = self.data.series(ind.id, where, freq=ind.display_freq, up_to=self.quarter)
        return Period.parse(str(series.index[-1])).phrase(self.lang) if not series.empty else ""

    def updated_line(self, ind: Indicator) -> str:
        """'Laatste actualisatie: 22 april 2026 · cijfers tot en met het 1e kwartaal 2026'."""
        line = t("updated_line", self.lang, date=self.updated(ind))
        period = self.reference_period(ind)
        return line + (t("updated_period", self.lang, period=period) if period else "")

    def targets_path(self) -> Path | None:
        """The board targets table (``manual/doelen.csv``) of this briefing's data folder."""
        if self.data_dir:
            return self.data_dir / "manual" / "doelen.csv"
        env = os.environ.get("SIGNAAL_DATA_DIR")
        return Path(env) / "manual" / "doelen.csv" if env else None
