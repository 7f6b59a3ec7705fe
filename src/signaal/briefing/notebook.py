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

Each block method shows its block in the notebook (and so in the exported briefing): its HTML
as the PDF will show it, with what the block is beside it for the board pack. It returns
nothing, so that nothing but the page appears under the cell. ``show=False`` builds the block
without showing it and returns the page object instead (for tests, the board pack and your
own use); a page object shows itself when it is a cell's last expression or is passed to
``display()``, and its text form is one short line. The first block a notebook shows also
loads the briefing's fonts and stylesheet (:mod:`.style`), so that Run All in JupyterLab looks
like the HTML briefing.

The numbers behind a page: ``b.frame("woz_waarde")`` (a tidy DataFrame, see
:func:`signaal.indicators.frame.frame`).

:class:`Briefing` only wires the calls: the masthead facts are an
:class:`~signaal.briefing.edition.Edition`, the pages are built in :mod:`.topic`,
:mod:`.special`, :mod:`.summary` and :mod:`.compass`, over a
:class:`~signaal.briefing.context.PageContext`. Nothing here knows about a particular region:
names, peers and targets come from the registry, the region settings and the targets table.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from ..catalogue import catalogue
from ..indicators.data import Data
from ..indicators.frame import frame
from ..periods import Period
from ..regions import registry
from ..text import check_lang, t
from .board import signal_board_html
from .compass import compass_page
from .context import PageContext
from .edition import Edition
from .pages import BOARD_BLOCK, CompassPage, Cover, MetaOutput, Output, Sources, Summary, TopicPage, first_heading
from .special import institutions_page, target_page, travel_times_page
from .style import StyleOutput, stylesheet_due
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


def _show(block) -> None:
    """A block in the notebook: its HTML, and what it is beside it (``page.block()``); the
    first block of a notebook brings the stylesheet."""
    if stylesheet_due():
        _display(StyleOutput())
    _display(block)


def heading_title(theme: str) -> str:
    """The first heading of the theme's notebook, for a theme ``themes.yaml`` does not name:
    ``<theme>.ipynb`` in the kernel's folder (papermill and JupyterLab start the kernel in the
    notebook's folder), else the notebook JupyterLab says it runs (``JPY_SESSION_NAME``)."""
    candidates = [Path.cwd() / f"{theme}.ipynb"]
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        candidates.append(Path(session))
    for path in candidates:
        try:
            return first_heading(json.loads(path.read_text("utf-8")).get("cells") or [])
        except (OSError, ValueError, AttributeError):
            continue
    return ""


class Briefing:
    """A theme briefing for one focus region, quarter, vintage and language.

    In a notebook each block method (``cover``, ``signals``, ``summary``, ``topic``, ``target``,
    ``travel_times``, ``institutions``, ``compass``, ``sources``) shows its block and returns
    nothing; ``show=False`` returns the block instead. The figures behind any page, as a tidy
    pandas DataFrame::

        df = b.frame("woz_waarde")                  # region, region_name, period, value, unit, status
        df.attrs["table"]                           # the CBS table id, with source and date beside it
    """

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
        self._heading: str | None = None

    def __repr__(self) -> str:
        return f"<Briefing {self.theme_id} {self.focus} {self.quarter} {self.lang}>"

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
        """The theme's title: from ``catalogue/themes.yaml``, else the notebook's first heading,
        else the theme id."""
        if self.theme:
            return self.theme.title.get(self.lang)
        if self._heading is None:
            self._heading = heading_title(self.theme_id)
        return self._heading or self.theme_id

    def meta(self) -> dict:
        """What the notebook records about the briefing (title, region, quarter, vintage,
        watermark, language, board): the exporters label the page with it."""
        return self.edition.meta(self.theme_id, self.title)

    def found_signals(self):
        """The theme's signals (a :class:`signaal.signals.SignalList`), without showing them."""
        return self.ctx.found_signals()

    def page(self, indicator: str, chart: str | None = None) -> TopicPage:
        """Build the topic page for an indicator without showing it (``b.page(...)`` as a cell's
        last expression shows it; ``page.chart.svg`` is its figure)."""
        return topic_page(self.ctx, indicator, chart)

    def frame(self, indicator: str, regions: str | list[str] | None = None) -> pd.DataFrame:
        """The figures behind a page as a tidy DataFrame, from this briefing's vintage, up to
        its quarter, with region names in its language::

            df = b.frame("woz_waarde")                 # every region
            df = b.frame("woz_waarde", ["CR12", "NL01"])
            df.attrs["table"], df.attrs["source"]      # ('85036NED', 'CBS StatLine')

        Columns: ``indicator, region, region_name, level, period`` (pandas Periods), ``value,
        unit, status``; the source in ``df.attrs`` (see :func:`signaal.indicators.frame.frame`,
        the same as ``signaal.frame``)."""
        return frame(indicator, regions, up_to=self.quarter, lang=self.lang, data=self.data)

    # ---- blocks, one per notebook call -----------------------------------------------------
    # Shown (the default): the block appears under the cell and the method returns None, so
    # nothing else does. show=False: nothing appears and the block is returned.
    def cover(self, show: bool = True) -> Cover | None:
        """The cover: the theme's title, the region and quarter, the data's vintage, the date
        and (on sample data) the sample notice. Also records the briefing's metadata (title,
        watermark, board) for the exporters, so it comes first. The figures behind any later
        page: ``b.frame(indicator)``."""
        cover = self.edition.cover(self.title, self.theme.intro.get(self.lang) if self.theme else "")
        if not show:
            return cover
        _display(MetaOutput(self.meta()))
        _show(Output(cover.html(), f"{self.title} — {self.edition.focus_name} — {self.quarter}", cover.block()))
        return None

    def signals(self, show: bool = True):
        """The signal board that opens the briefing: the theme's urgencies and opportunities,
        strongest first, each with its numbers and a small chart. ``show=False`` returns the
        :class:`signaal.signals.SignalList` instead (also ``b.found_signals()``); the figures of
        a signal's indicator: ``b.frame(signal.indicator)``."""
        found = self.ctx.found_signals()
        if not show:
            return found
        html = signal_board_html(found, self.lang, data=self.data)
        _show(Output(html, t("sig_board_title", self.lang), BOARD_BLOCK))
        return None

    def summary(self, show: bool = True) -> Summary | None:
        """ "In het kort": one line per topic of the briefing (``topics=[...]``), linking to its page."""
        block = summary_block(self.ctx)
        return self._block(block, show)

    def topic(self, indicator: str, chart: str | None = None, show: bool = True) -> TopicPage | None:
        """The page of one indicator (Twente Index convention): its question as title, one
        figure (the trend against the Netherlands, province and peers; beneath it the
        municipalities and the rank among the 40 COROP regions), the source and date lines and
        two to four "Toelichting" bullets. ``chart`` overrides the catalogue's main chart:
        ``"line"``, ``"index"`` (first period = 100), ``"bar"`` (a flow as columns), ``"band"``
        (tension bands) or ``"map"`` (municipalities on a map). The figures behind it:
        ``b.frame(indicator)``."""
        page = self.page(indicator, chart)
        self.ctx.mark_shown(indicator)
        return self._block(page, show)

    def target(self, indicator: str, show: bool = True) -> TopicPage | None:
        """Progress toward a dated cumulative board target (e.g. the Woondeal), with the pace
        needed. Shows nothing when the focus region has no such target or the briefing's
        quarter does not reach past the target's start. The figures: ``b.frame(indicator)``."""
        page = target_page(self.ctx, indicator)
        return self._block(page, show) if page is not None else None

    def travel_times(
        self, indicators: list[str] | None = None, distances: list[str] | None = None, show: bool = True
    ) -> TopicPage | None:
        """Rail travel times from the focus region's stations (a curated table), next to the CBS
        distance-to-facility figures for the region and the Netherlands. Shows nothing when no
        travel times are kept for the focus region (its distances have topic pages of their own).
        The distances as a DataFrame: ``b.frame("afstand_treinstation")``."""
        page = travel_times_page(self.ctx, indicators, distances)
        return self._block(page, show) if page is not None else None

    def institutions(self, indicators: list[str] | None = None, show: bool = True) -> TopicPage | None:
        """Students per institution (DUO) in the focus region: one line per institution. The
        figures: ``b.frame(indicator)`` for each of its indicators."""
        return self._block(institutions_page(self.ctx, indicators), show)

    def compass(self, show: bool = True) -> CompassPage | None:
        """The broad-welfare page: the published Bruto Twents Geluk marks as published, then our
        own compass (income, work, personal development across the 40 COROP regions) with its
        sub-indicators and sensitivity analysis. The figures of a sub-indicator:
        ``b.frame("mediaan_inkomen")``."""
        return self._block(compass_page(self.ctx), show)

    def sources(self, show: bool = True) -> Sources | None:
        """The sources appendix: every indicator shown so far, with its definition, publisher,
        table id and date (generated from the catalogue and the vintage); ``b.frame(indicator)``
        carries the same source and table id in ``df.attrs``."""
        return self._block(sources_block(self.ctx), show)

    @staticmethod
    def _block(block, show: bool):
        if not show:
            return block
        _show(block)
        return None
