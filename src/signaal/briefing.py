"""The notebook-facing API: one call per block of a theme briefing.

A theme notebook stays thin::

    # parameters
    region = "CR12"; quarter = ""; vintage = ""; lang = "nl"

    from signaal.briefing import Briefing
    b = Briefing("arbeidsmarkt", region=region, quarter=quarter, vintage=vintage, lang=lang,
                 topics=["netto_arbeidsparticipatie", "werkloosheid"])
    b.cover()
    b.summary()
    b.topic("netto_arbeidsparticipatie")
    b.topic("werkloosheid")
    b.sources()

Each method displays HTML in the notebook (and in the exported briefing) and returns the
page object, so tests and the board pack can use the same pieces without Jupyter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import __version__
from . import charts
from .catalogue import Indicator, catalogue
from .config import SAMPLE_WATERMARK
from .errors import DataError, InputError
from .indicators import Data
from .narrative import Context, bullets
from .pages import Cover, MetaOutput, Output, SourceRow, Sources, Summary, SummaryRow, TopicPage, long_date
from .periods import Period, parse_quarter
from .regions import registry
from .text import check_lang, t


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is not None:
        display(obj)


def resolve_quarter(data: Data, quarter: str | Period | None) -> Period:
    """The briefing quarter: as given (checked against the data), or the latest in the data."""
    latest = data.vintage.latest_quarter()
    if quarter in (None, ""):
        return latest
    q = quarter if isinstance(quarter, Period) else parse_quarter(str(quarter))
    if latest < q:
        raise InputError(
            f"quarter {q} has no data yet: vintage {data.vintage.id!r} runs to {latest}; "
            f"valid: {latest} or earlier"
        )
    return q


class Briefing:
    """A theme briefing for one focus region, quarter, vintage and language."""

    def __init__(
        self,
        theme: str,
        region: str | None = None,
        quarter: str | None = None,
        vintage: str | None = None,
        lang: str = "nl",
        topics: list[str] | None = None,
        data: Data | None = None,
        data_dir: str | Path | None = None,
        today: dt.date | None = None,
    ):
        self.lang = check_lang(lang)
        self.reg = registry()
        self.cat = catalogue()
        self.focus = self.reg.focus(region or None).code
        self.theme_id = theme
        self.theme = self.cat.themes.get(theme)
        self.data = data or Data.open(vintage or None, data_dir)
        self.quarter = resolve_quarter(self.data, quarter)
        self.today = today or dt.date.today()
        self.national = self.reg.national
        self.province = self.reg.province_of(self.focus)
        if topics:
            self.topics = list(topics)
        else:
            self.topics = [i.id for i in self.cat.for_theme(theme)] if self.theme else []
        for ind_id in self.topics:
            self.cat.get(ind_id)  # unknown indicators fail here, with suggestions
        self.shown: list[str] = []

    # ---- facts about the briefing ----------------------------------------------------
    @property
    def is_sample(self) -> bool:
        return self.data.vintage.is_sample

    @property
    def title(self) -> str:
        return self.theme.title.get(self.lang) if self.theme else self.theme_id

    def name(self, code: str) -> str:
        return t("netherlands", self.lang).capitalize() if code == self.national else self.reg[code].name(self.lang)

    def meta(self) -> dict:
        v = self.data.vintage
        return {
            "theme": self.theme_id,
            "title": self.title,
            "region": self.focus,
            "region_name": self.name(self.focus),
            "quarter": str(self.quarter),
            "quarter_label": self.quarter.label(self.lang),
            "vintage": v.id,
            "vintage_checksum": v.checksum,
            "is_sample": self.is_sample,
            "watermark": SAMPLE_WATERMARK[self.lang] if self.is_sample else "",
            "lang": self.lang,
            "date": self.today.isoformat(),
            "signaal_version": __version__,
        }

    def vintage_label(self) -> str:
        v = self.data.vintage
        return t("vintage_sample", self.lang) if v.is_sample else t("vintage_live", self.lang, id=v.id)

    def updated(self, ind: Indicator) -> str:
        """'Laatste actualisatie': the source table's modification date, else the vintage's."""
        sources = self.data.vintage.manifest.get("sources") or {}
        table = (ind.source.table or "").upper()
        for key, info in sources.items():
            if key.upper() == table and isinstance(info, dict) and info.get("modified"):
                return long_date(info["modified"], self.lang)
        created = self.data.vintage.created or self.today.isoformat()
        return long_date(created, self.lang)

    def source_line(self, ind: Indicator) -> str:
        if ind.source.table:
            return t("source_line", self.lang, publisher=ind.source.publisher, table=ind.source.table)
        return t("source_line_manual", self.lang, publisher=ind.source.publisher)

    # ---- blocks ------------------------------------------------------------------------
    def cover(self, show: bool = True) -> Cover:
        cover = Cover(
            theme_title=self.title,
            region_name=self.name(self.focus),
            quarter_label=self.quarter.label(self.lang),
            vintage_label=self.vintage_label(),
            date_label=long_date(self.today, self.lang),
            lang=self.lang,
            is_sample=self.is_sample,
            intro=self.theme.intro.get(self.lang) if self.theme else "",
        )
        if show:
            _display(MetaOutput(self.meta()))
            _display(Output(cover.html(), f"{self.title} — {self.name(self.focus)} — {self.quarter}"))
        return cover

    def summary(self, show: bool = True) -> Summary:
        rows = []
        for ind_id in self.topics:
            page = self.page(ind_id)
            rows.append(SummaryRow(topic=page.question, summary=page.bullets[0] if page.bullets else "", anchor=ind_id))
        block = Summary(rows=rows, lang=self.lang)
        if show:
            _display(Output(block.html(), t("in_het_kort", self.lang)))
        return block

    def page(self, indicator: str, chart: str | None = None) -> TopicPage:
        """Build the topic page for an indicator (without displaying it)."""
        ind = self.cat[indicator]
        shown = self.data.display_region(ind.id, self.focus)
        freq = "Q" if ind.frequency == "M" else ind.frequency
        ctx = Context(self.data, ind, shown, self.national, self.quarter, self.lang)
        names = {"_peers": t("peers", self.lang), "_break": t("method_break", self.lang)}
        province = self.province if shown != self.province else None
        peers = self.reg.peers(self.focus) if shown == self.focus else [
            c for c in self.reg.codes(self.reg[shown].level) if c != shown
        ]
        codes = [shown, self.national] + ([province] if province else []) + peers
        for c in codes:
            names[c] = self.name(c)
        table = self.data.table(ind.id, codes, freq=freq, up_to=self.quarter)
        kind = chart or ind.chart
        question = ind.question_for(
            self.lang,
            regio=self.name(self.focus),
            inwoners=self.reg.demonym(self.focus, self.lang),
            provincie=self.name(self.province) if self.province else self.name(self.national),
        )
        unit_text = ind.unit_label.get(self.lang) if ind.unit_label else ""
        subtitle_bits = [ind.title.get(self.lang)]
        chart_obj = None
        note = ""
        if not table.empty and table[shown].notna().any():
            first, last = table.index[0], table[shown].last_valid_index()
            span = f"{Period.parse(first).short_label()}–{Period.parse(last).short_label()}"
            if kind == "index":
                base_row = table.iloc[0]
                plot = table / base_row * 100
                subtitle_bits.append(f"index ({Period.parse(first).short_label()} = 100)")
                unit, decimals = "index", 0
            else:
                plot, unit, decimals = table, ind.unit, ind.decimals
                if unit_text:
                    subtitle_bits.append(unit_text)
            subtitle_bits.append(span)
            alt = t(
                "chart_alt_line", self.lang, title=ind.title.get(self.lang), first=Period.parse(first).short_label(),
                last=Period.parse(last).short_label(), regio=self.name(shown),
                value=self._fmt(ind, table[shown][last]), benchmark_name=self.name(self.national),
                benchmark=self._fmt(ind, table[self.national].get(last)) if self.national in table else "–",
            )
            if kind == "band" and ind.signals.bands:
                band_labels = {k: t(f"band_{k}", self.lang) for k in list(ind.signals.bands) + ["zeer_krap"]}
                chart_obj = charts.band(
                    table, shown, names, ind.signals.bands, band_labels, ind.decimals, self.lang,
                    national=self.national, title=alt,
                )
            else:
                chart_obj = charts.line(
                    plot, shown, names, unit, decimals, self.lang, national=self.national, province=province,
                    peers=peers, breaks=[b.period for b in ind.breaks], title=alt,
                )
            if peers and kind != "band":
                label = t("peers", self.lang) if shown == self.focus else t("other_corop", self.lang)
                peer_names = ", ".join(self.name(p) for p in peers if p in table and table[p].notna().any())
                if shown != self.focus:
                    label = "provincies" if self.lang == "nl" else "provinces"
                    peer_names = ", ".join(self.name(p) for p in peers[:12] if p in table and table[p].notna().any())
                note = f"{label.capitalize()} ({'grijs' if self.lang == 'nl' else 'grey'}): {peer_names}."
        if ind.proxy_note and shown != self.focus:
            note = (ind.proxy_note.get(self.lang) + " " + note).strip()
        page = TopicPage(
            indicator=ind.id,
            question=question,
            subtitle=" · ".join(subtitle_bits),
            chart=chart_obj,
            source_line=self.source_line(ind),
            updated_line=t("updated_line", self.lang, date=self.updated(ind)),
            bullets=bullets(ctx),
            lang=self.lang,
            note=note,
            badges=[("proxy", t("proxy_label", self.lang) + ": " + self.name(shown))] if shown != self.focus else [],
        )
        return page

    def _fmt(self, ind: Indicator, v) -> str:
        from . import formatting as fmt

        if v is None or pd.isna(v):
            return "–"
        return fmt.value(float(v), ind.unit, ind.decimals, self.lang)

    def topic(self, indicator: str, chart: str | None = None, show: bool = True) -> TopicPage:
        page = self.page(indicator, chart)
        if indicator not in self.topics:
            self.topics.append(indicator)
        self.shown.append(indicator)
        if show:
            _display(Output(page.html(), page.question))
        return page

    def sources(self, show: bool = True) -> Sources:
        used: list[str] = []
        for ind_id in self.shown or self.topics:
            for dep in [ind_id, *self.cat.dependencies(ind_id)]:
                if dep not in used:
                    used.append(dep)
        rows = []
        for ind_id in used:
            ind = self.cat[ind_id]
            src = ind.source
            source_text = src.publisher + (f" — {src.family}" if src.family else "")
            if src.kind == "derived" and ind.transform:
                parts = [p for p in (ind.transform.numerator, ind.transform.denominator, ind.transform.of) if p]
                source_text = (
                    ("Berekend uit: " if self.lang == "nl" else "Computed from: ")
                    + ", ".join(self.cat[p].title.get(self.lang) for p in parts)
                )
            rows.append(
                SourceRow(
                    indicator=ind.title.get(self.lang),
                    definition=ind.definition.get(self.lang),
                    source=source_text,
                    table=src.table or "–",
                    updated=self.updated(ind),
                )
            )
        block = Sources(rows=rows, lang=self.lang)
        if show:
            _display(Output(block.html(), t("sources_appendix", self.lang)))
        return block

    def signals(self, show: bool = True):
        """The theme's signals (urgencies and opportunities), strongest first, shown as the
        signal board that opens the briefing; returns the :class:`signaal.signals.SignalList`."""
        from .signals import compute_signals, signal_board_html

        found = compute_signals(self.data, self.focus, self.quarter, indicators=list(self.topics))
        if show:
            _display(Output(signal_board_html(found, self.lang, data=self.data), t("sig_board_title", self.lang)))
        return found


def check_data(data: Data, needed: list[str]) -> None:
    """Fail early when a vintage lacks an indicator a briefing needs."""
    have = set(data.observations["indicator"].unique())
    cat = catalogue()
    for ind_id in needed:
        missing = [d for d in cat.dependencies(ind_id) if d not in have]
        if missing:
            raise DataError(f"vintage {data.vintage.id!r} has no data for {missing[0]!r} (needed by {ind_id!r})")
