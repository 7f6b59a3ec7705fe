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

Each method displays HTML in the notebook (and in the exported briefing), with what the block
is beside it for the board pack, and returns the page object, so tests and the board pack can
use the same pieces without Jupyter. :class:`Briefing` only wires the calls: the masthead
facts are an :class:`~signaal.briefing.edition.Edition`, the pages are built in
:mod:`.topic`, :mod:`.special`, :mod:`.summary` and :mod:`.compass`, over a
:class:`~signaal.briefing.context.PageContext`. Nothing here knows about a particular region:
names, peers and targets come from the registry, the region settings and the targets table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..catalogue import catalogue
from ..indicators.data import Data
from ..periods import Period
from ..regions import registry
from ..text import check_lang, t
from .board import signal_board_html
from .compass import compass_page
from .context import PageContext
from .edition import Edition
from .pages import BOARD_BLOCK, Cover, MetaOutput, Output, Sources, Summary, TopicPage
from .special import institutions_page, target_page, travel_times_page
from .summary import sources_block, summary_block
from .topic import topic_page


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is not None:
        display(obj)


def _show(page, text: str) -> None:
    """A page in the notebook: its HTML, and what it is (``page.block()``) beside it."""
    _display(Output(page.html(), text, page.block()))


class Briefing:
    """A theme briefing for one focus region, quarter, vintage and language."""

    def __init__(
        self,
        theme: str,
        region: str | None = None,
        quarter: str | Period | None = None,
        vintage: str | None = None,
        lang: str = "nl",
        topics: list[str] | None = None,
        data: Data | None = None,
        data_dir: str | Path | None = None,
        today: dt.date | None = None,
    ):
        lang = check_lang(lang)
        cat = catalogue()
        focus = registry().focus(region or None).code
        self.theme_id = theme
        self.theme = cat.themes.get(theme)
        data = data or Data.open(vintage or None, data_dir)
        self.edition = Edition.of(data, focus, quarter, lang, today)
        if not topics:
            topics = [i.id for i in cat.for_theme(theme)] if self.theme else []
        for ind_id in topics:
            cat.get(ind_id)  # unknown indicators fail here, with suggestions
        self.ctx = PageContext(self.edition, data, data_dir, list(topics))

    # ---- what the briefing is ----------------------------------------------------------
    @property
    def data(self) -> Data:
        return self.ctx.data

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
    def topics(self) -> list[str]:
        return self.ctx.topics

    @property
    def shown(self) -> list[str]:
        """The indicators shown so far (the sources appendix lists these)."""
        return self.ctx.shown

    @property
    def title(self) -> str:
        return self.theme.title.get(self.lang) if self.theme else self.theme_id

    def meta(self) -> dict:
        return self.edition.meta(self.theme_id, self.title)

    def found_signals(self):
        return self.ctx.found_signals()

    def page(self, indicator: str, chart: str | None = None) -> TopicPage:
        """Build the topic page for an indicator (without displaying it)."""
        return topic_page(self.ctx, indicator, chart)

    # ---- blocks, one per notebook call -----------------------------------------------------
    def cover(self, show: bool = True) -> Cover:
        cover = self.edition.cover(self.title, self.theme.intro.get(self.lang) if self.theme else "")
        if show:
            _display(MetaOutput(self.meta()))
            _show(cover, f"{self.title} — {self.edition.focus_name} — {self.quarter}")
        return cover

    def signals(self, show: bool = True):
        """The theme's signals (urgencies and opportunities), strongest first, shown as the
        signal board that opens the briefing; returns the :class:`signaal.signals.SignalList`."""
        found = self.ctx.found_signals()
        if show:
            html = signal_board_html(found, self.lang, data=self.data)
            _display(Output(html, t("sig_board_title", self.lang), BOARD_BLOCK))
        return found

    def summary(self, show: bool = True) -> Summary:
        block = summary_block(self.ctx)
        if show:
            _show(block, t("in_het_kort", self.lang))
        return block

    def topic(self, indicator: str, chart: str | None = None, show: bool = True) -> TopicPage:
        page = self.page(indicator, chart)
        self.ctx.mark_shown(indicator)
        if show:
            _show(page, page.question)
        return page

    def target(self, indicator: str, show: bool = True) -> TopicPage | None:
        """Progress toward a dated cumulative board target (e.g. the Woondeal), with the pace
        needed. Shows nothing when the focus region has no such target or the briefing's
        quarter does not reach past the target's start."""
        page = target_page(self.ctx, indicator)
        if page is not None and show:
            _show(page, page.question)
        return page

    def travel_times(
        self, indicators: list[str] | None = None, distances: list[str] | None = None, show: bool = True
    ) -> TopicPage | None:
        """Rail travel times from the focus region's stations (a curated table), next to the CBS
        distance-to-facility figures for the region and the Netherlands. Shows nothing when no
        travel times are kept for the focus region (its distances have topic pages of their own)."""
        page = travel_times_page(self.ctx, indicators, distances)
        if page is not None and show:
            _show(page, page.question)
        return page

    def institutions(self, indicators: list[str] | None = None, show: bool = True) -> TopicPage:
        """Students per institution (DUO) in the focus region: one line per institution."""
        page = institutions_page(self.ctx, indicators)
        if show:
            _show(page, page.question)
        return page

    def compass(self, show: bool = True) -> str:
        """The broad-welfare page: the published Bruto Twents Geluk marks as published, then our
        own compass (income, work, personal development across the 40 COROP regions) with its
        sub-indicators and sensitivity analysis. Returns the HTML."""
        page = compass_page(self.ctx)
        if show:
            _show(page, page.question)
        return page.html()

    def sources(self, show: bool = True) -> Sources:
        block = sources_block(self.ctx)
        if show:
            _show(block, t("sources_appendix", self.lang))
        return block
