"""The edition of a briefing: for which region, quarter, language, data vintage and day.

Every document of a quarter labels itself from an :class:`Edition` — the theme briefings
(through the notebook's metadata, :meth:`Edition.meta`), the board pack, the factsheets, the
signal board's page and the quarter's ``index.html`` — so that they name the region, its
board, the quarter, the data version, the sample watermark and the date alike::

    edition = Edition.of(data, "CR12", "2026Q3", "nl")       # with the data at hand
    edition = Edition("CR12", Period.parse("2026Q3"), "nl", vintage="sample", is_sample=True)
    edition.focus_name, edition.quarter_label, edition.vintage_label, edition.watermark
    edition.board, edition.kicker, edition.date_label

An edition holds plain values (it pickles, so a worker process can be handed one); names
come from the region registry and the labels, in the edition's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import __version__
from ..catalogue import Indicator
from ..periods import Period
from ..regions import Registry, registry
from ..store.provenance import Provenance
from ..text import check_lang, sample_watermark, t, vintage_label
from .pages import Cover, long_date

if TYPE_CHECKING:
    from ..indicators.data import Data


@dataclass(frozen=True)
class Edition:
    focus: str  # the focus region (a COROP code)
    quarter: Period
    lang: str = "nl"
    vintage: str = ""  # the data vintage's id
    is_sample: bool = False  # the bundled sample data (pages carry a watermark)
    today: dt.date = field(default_factory=dt.date.today)
    checksum: str = ""  # the vintage's checksum (recorded in the notebook's metadata)
    mixed: bool = False  # the sample mixes real CBS figures and synthetic ones (pages say which)

    @classmethod
    def of(
        cls,
        data: Data,
        region: str | None = None,
        quarter: str | Period | None = None,
        lang: str = "nl",
        today: dt.date | None = None,
    ) -> Edition:
        """The edition of ``data``'s vintage: ``region`` (default: the default focus region),
        ``quarter`` checked against the data (default: its latest)."""
        lang = check_lang(lang)
        focus = registry().focus(region or None).code
        v = data.vintage
        mixed = v.is_sample and Provenance.of(v.manifest).mixes_real_and_synthetic
        return cls(
            focus=focus,
            quarter=v.resolve_quarter(quarter),
            lang=lang,
            vintage=v.id,
            is_sample=v.is_sample,
            today=today or dt.date.today(),
            checksum=v.checksum,
            mixed=mixed,
        )

    def in_language(self, lang: str) -> Edition:
        return replace(self, lang=check_lang(lang))

    # ---- names ---------------------------------------------------------------------
    @property
    def reg(self) -> Registry:
        return registry()

    @property
    def national(self) -> str:
        return self.reg.national

    @property
    def province(self) -> str | None:
        return self.reg.province_of(self.focus)

    def name(self, code: str) -> str:
        return self.reg.display_name(code, self.lang)

    @property
    def focus_name(self) -> str:
        return self.name(self.focus)

    @property
    def board(self) -> str:
        """The board the documents are for (``regions.yaml`` ``boards:``), else 'Signaal'."""
        return self.reg.board(self.focus, self.lang)

    # ---- the masthead ----------------------------------------------------------------
    @property
    def kicker(self) -> str:
        """'Twente Board · Signaleren' above a cover's title."""
        return t("cover_kicker", self.lang, board=self.board)

    @property
    def quarter_label(self) -> str:
        return self.quarter.label(self.lang)

    @property
    def vintage_label(self) -> str:
        if self.is_sample and self.mixed:
            return t("vintage_sample_mixed", self.lang)
        return vintage_label(self.is_sample, self.vintage, self.lang)

    @property
    def watermark(self) -> str:
        """The sample watermark ('' for real data). In a sample that mixes real and synthetic
        figures a page with real figures only goes without it (see ``real-figures`` in the CSS)."""
        return sample_watermark(self.is_sample, self.lang)

    @property
    def date_label(self) -> str:
        return long_date(self.today, self.lang)

    def cover(self, title: str, intro: str = "") -> Cover:
        """A cover for a document of this edition (a theme briefing, the board pack)."""
        return Cover(
            theme_title=title,
            region_name=self.focus_name,
            quarter_label=self.quarter_label,
            vintage_label=self.vintage_label,
            date_label=self.date_label,
            lang=self.lang,
            is_sample=self.is_sample,
            intro=intro,
            kicker=self.kicker,
            mixed=self.mixed,
        )

    def meta(self, theme: str, title: str) -> dict:
        """What a briefing notebook records about itself (``MetaOutput``): the exporters take
        its title, watermark, language and board from here."""
        return {
            "theme": theme,
            "title": title,
            "region": self.focus,
            "region_name": self.focus_name,
            "board": self.board,
            "quarter": str(self.quarter),
            "quarter_label": self.quarter_label,
            "vintage": self.vintage,
            "vintage_checksum": self.checksum,
            "is_sample": self.is_sample,
            "mixed": self.mixed,
            "watermark": self.watermark,
            "lang": self.lang,
            "date": self.today.isoformat(),
            "signaal_version": __version__,
        }

    def question(self, ind: Indicator) -> str:
        """The indicator's question about the focus region ('Hoeveel Twentenaren werken?')."""
        return ind.question_for(
            self.lang,
            regio=self.focus_name,
            inwoners=self.reg.demonym(self.focus, self.lang),
            provincie=self.name(self.province) if self.province else self.name(self.national),
            arbeidsmarktregio=self.labour_market_name(),
        )

    def labour_market_name(self) -> str:
        """The labour-market region that covers the focus region, as a title names it
        ("arbeidsmarktregio Twente"); where it has none, its province (which the figures of
        such a page then show, see ``Data.display_region``)."""
        am = self.reg.labour_market_region(self.focus) if self.reg[self.focus].level == "corop" else None
        if not am:
            return self.name(self.province) if self.province else self.focus_name
        return t("labour_market_region_name", self.lang, name=self.name(am).removesuffix(" (AM)"))
