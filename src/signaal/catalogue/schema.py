"""The schema of the indicator catalogue (PRODUCT.md §4).

``indicators.yaml`` beside this file is the one place where an indicator is defined;
``themes.yaml`` names the themes. Both are validated here with pydantic models that forbid
unknown keys, so a typo (``polarty:``) or a missing field fails loudly with the entry's id.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..periods import Period
from .bands import check_edges

LEVEL = Literal["land", "provincie", "corop", "gemeente"]
UNITS = (
    "percent",  # 0-100, shown as 4,1%
    "count",  # people, jobs, homes: 12.345
    "euro",  # € 343.086
    "index",  # index number (2020=100)
    "km",  # kilometres
    "minutes",  # travel time
    "ratio",  # e.g. vacancies per claimant: 0,85
    "mark",  # a mark out of 10: 7,4
    "per_1000",  # per 1,000 inhabitants
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Dutch (first) and English."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Source(_Strict):
    """Where the numbers come from.

    ``cbs``: a CBS StatLine table *family* (resolved to the newest table id at refresh
    time) and a measure given by its title or key prefix, never by a table-specific key.
    ``table`` is the id last resolved, used in source lines and as the starting point.
    """

    kind: Literal["cbs", "manual", "duo", "derived", "uwv"]
    publisher: str = "CBS StatLine"
    family: str | None = None
    table: str | None = None
    api: Literal["v3", "v4"] = "v3"
    measure: str | None = None
    filters: dict[str, str] = Field(default_factory=dict)
    file: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Source:
        if self.kind == "cbs":
            missing = [k for k in ("family", "table", "measure") if not getattr(self, k)]
            if missing:
                raise ValueError(f"a CBS source needs {', '.join(missing)}")
            if not re.fullmatch(r"\d{5}(NED|ned|ENG|eng)", self.table or ""):
                raise ValueError(f"table {self.table!r} is not a CBS table id such as 86088NED")
            if re.search(r"_\d+$", self.measure or ""):
                raise ValueError(
                    f"measure {self.measure!r} carries a table-specific key suffix; "
                    "give the title or the key prefix and let the refresh resolve it"
                )
        if self.kind in ("manual", "duo") and not self.file:
            raise ValueError(f"a {self.kind} source needs the file it is read from")
        return self


class Transform(_Strict):
    """How a derived indicator is computed from other indicators in the store."""

    kind: Literal["ratio", "growth", "per_1000", "cumulative_change", "real_terms"]
    numerator: str | None = None
    denominator: str | None = None
    of: str | None = None
    since: str | None = None  # for cumulative_change: the period the count starts after
    # for real_terms: nominal money (``of``) in the prices of one year, deflated with a price
    # index (``deflator``, the CPI): value x index(prices_of) / index(year of the value)
    deflator: str | None = None
    prices_of: str | None = None

    @model_validator(mode="after")
    def _operands(self) -> Transform:
        if self.kind == "ratio" and not (self.numerator and self.denominator):
            raise ValueError("a ratio needs numerator and denominator")
        if self.kind in ("growth", "per_1000", "cumulative_change", "real_terms") and not self.of:
            raise ValueError(f"a {self.kind} transform needs 'of'")
        if self.kind == "real_terms" and not self.deflator:
            raise ValueError("a real_terms transform needs 'deflator' (the price index, e.g. cpi)")
        if self.prices_of is not None:
            Period.parse(self.prices_of)
        return self


class SignalSettings(_Strict):
    """Rule settings; anything left out takes the defaults of the signals module."""

    trend_window: int | None = Field(default=None, ge=3)
    trend_alpha: float | None = Field(default=None, gt=0, lt=1)
    change_threshold: float | None = Field(default=None, ge=0)
    gap_threshold: float | None = Field(default=None, ge=0)
    bands: dict[str, float] | None = None
    headline: bool = False
    weight: float = Field(default=1.0, gt=0)
    # optional, added for signaal.signals (README "Signals"): which rules apply (default: all
    # that make sense for the indicator), how far back "closing or widening" looks, how much
    # history the range rule needs, whether changes are absolute or relative (%), and
    # per-rule weights in the strength score (e.g. lower for nominal euro trends).
    rules: list[Literal["trend", "verandering", "kloof", "positie", "doel", "breuk", "klok"]] | None = None
    gap_window: int | None = Field(default=None, ge=1)
    range_min_periods: int | None = Field(default=None, ge=3)
    change_basis: Literal["absolute", "relative"] | None = None
    rule_weights: dict[Literal["trend", "verandering", "kloof", "positie", "doel", "breuk", "klok"], float] | None = (
        None
    )

    @field_validator("bands")
    @classmethod
    def _uwv_bands(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        """UWV tension bands: the upper edges of zeer_ruim, ruim, gemiddeld and krap (signaal.bands)."""
        return check_edges(v) if v is not None else v


class Break(_Strict):
    """A method break: the series before and after are not one series."""

    period: str
    note: Text

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        Period.parse(v)
        return v


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str
    title: Text
    short: Text | None = None  # a short name for tight places (chart rows, legends): "Utrecht Centraal"
    question: Text
    definition: Text
    unit: Literal[UNITS]  # type: ignore[valid-type]
    unit_label: Text | None = None
    decimals: int = Field(ge=0, le=3)
    polarity: Literal["higher_is_better", "lower_is_better", "neutral"]
    frequency: Literal["Y", "Q", "M"]
    source: Source
    levels: list[LEVEL] = Field(min_length=1)
    additive: bool = False
    flow: bool = False  # counted per period (homes completed per quarter), not a stock at a moment
    transform: Transform | None = None
    proxy_note: Text | None = None
    signals: SignalSettings = SignalSettings()
    breaks: list[Break] = Field(default_factory=list)
    caveats: list[Text] = Field(default_factory=list)
    chart: Literal["line", "index", "bar", "map", "band"] = "line"

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if (self.source.kind == "derived") != (self.transform is not None):
            raise ValueError("a derived source and a transform go together")
        if self.unit == "percent" and self.additive:
            raise ValueError("a percentage cannot be additive")
        if self.flow and not self.additive:
            raise ValueError("a flow is a count, so it is additive too")
        return self

    def short_title(self, lang: str) -> str:
        return (self.short or self.title).get(lang)

    @property
    def display_freq(self) -> str:
        """The frequency the briefings show and judge: monthly series as quarters, else as published."""
        return "Q" if self.frequency == "M" else self.frequency

    def question_for(self, lang: str, **names: str) -> str:
        """The question title with the region filled in: "Hoeveel Twentenaren werken?".

        Placeholders: ``{regio}`` (focus region), ``{inwoners}`` (its inhabitants, e.g.
        "Twentenaren") and ``{provincie}`` (its province, for province-only data).
        """
        text = self.question.get(lang).format_map(names)
        return text[0].upper() + text[1:]

    @field_validator("question")
    @classmethod
    def _placeholders(cls, v: Text) -> Text:
        for text in (v.nl, v.en):
            unknown = set(re.findall(r"{(\w*)}", text)) - {"regio", "inwoners", "provincie"}
            if unknown:
                raise ValueError(
                    f"unknown placeholder {{{sorted(unknown)[0]}}}; valid: {{regio}}, {{inwoners}}, {{provincie}}"
                )
        return v


class Theme(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: Text
    intro: Text
    notebook: str
    order: int


class CatalogueFile(_Strict):
    version: int
    indicators: list[Indicator]


class ThemesFile(_Strict):
    version: int
    themes: list[Theme]
