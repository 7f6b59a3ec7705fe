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

# Region levels as CBS publishes them: the Netherlands (NL), provinces (PV), COROP regions (CR),
# labour-market regions (AM, the UWV division: WW benefits and labour-market figures) and
# municipalities (GM). An indicator lists the levels its table really has.
LEVEL = Literal["land", "provincie", "corop", "arbeidsmarktregio", "gemeente"]
API = Literal["v3", "v4"]
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


class Share(_Strict):
    """A percentage computed from two categories of one dimension (young people in work =
    the category "working" / all young people): ``numerator / denominator × 100``."""

    dimension: str  # the dimension's key or title
    numerator: str  # a category code or exact title
    denominator: str  # a category code or exact title (often the total)


_MEASURE_NOTE = (
    "give the title (both APIs resolve it) or the key prefix, and an exact key only in `keys` "
    "where two measures share a prefix or a title"
)


def _check_cbs_part(where: str, table: str | None, measure, keys: dict) -> None:
    """What a CBS table reference must hold: a real table id, a measure, no suffix in the measure."""
    if not re.fullmatch(r"\d{5}(NED|ned|ENG|eng)", table or ""):
        raise ValueError(f"{where}table {table!r} is not a CBS table id such as 86088NED")
    for m in measure if isinstance(measure, list) else [measure]:
        if re.search(r"_\d+$", m or ""):
            raise ValueError(f"{where}measure {m!r} carries a table-specific key suffix; {_MEASURE_NOTE}")
    if keys and isinstance(measure, list):
        raise ValueError(f"{where}`keys` names one measure per API; a summed measure list takes titles only")


class SourcePart(_Strict):
    """Another CBS table that gives some of an indicator's levels (the province figures of a
    price index whose main table is COROP-only). Resolved with the same rules as the main table."""

    family: str
    table: str
    measure: str | list[str]
    keys: dict[API, str] = Field(default_factory=dict)
    filters: dict[str, str | list[str]] = Field(default_factory=dict)
    region_dimension: str | None = None
    levels: list[LEVEL] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> SourcePart:
        _check_cbs_part(f"also {self.table}: ", self.table, self.measure, self.keys)
        return self


class Source(_Strict):
    """Where the numbers come from.

    ``cbs``: a CBS StatLine table *family* (resolved to the newest table id at refresh
    time) and a measure given by its title (which both APIs resolve) or key prefix, never by
    a table-specific key. ``table`` is the id last resolved, used in source lines and as the
    starting point. Where reality needs more:

    - ``keys``: the measure's key per API (``{v3: AfstandTotZiekenhuis_7}``), used instead of
      ``measure`` on that API: a key prefix, or an exact key where two measures share a prefix;
    - ``measure`` as a list: the sum of those measures (hbo bachelor + hbo/wo master);
    - ``filters``: a category per dimension (code or exact title); a list is the sum of those
      categories (hbo + wo); every dimension without a total needs one;
    - ``share``: a percentage of two categories of one dimension;
    - ``region_dimension``: the region dimension where a table has two (home and work region)
      or one under another name (``Regiokenmerken``);
    - ``also``: other tables for some of the levels.

    ``verified``: whether the measure and the dimension pins were resolved against a real CBS
    answer (a fixture in the tests); ``unverified`` says what was not (required when false).
    """

    kind: Literal["cbs", "manual", "duo", "derived", "uwv"]
    publisher: str = "CBS StatLine"
    family: str | None = None
    table: str | None = None
    api: API = "v3"
    measure: str | list[str] | None = None
    keys: dict[API, str] = Field(default_factory=dict)
    filters: dict[str, str | list[str]] = Field(default_factory=dict)
    share: Share | None = None
    region_dimension: str | None = None
    also: list[SourcePart] = Field(default_factory=list)
    file: str | None = None
    url: str | None = None
    verified: bool | None = None
    unverified: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Source:
        if self.kind == "cbs":
            missing = [k for k in ("family", "table", "measure") if not getattr(self, k)]
            if missing:
                raise ValueError(f"a CBS source needs {', '.join(missing)}")
            _check_cbs_part("", self.table, self.measure, self.keys)
            if self.verified is None:
                raise ValueError("a CBS source says `verified: true` or `verified: false` (and what is unverified)")
        elif self.keys or self.share or self.region_dimension or self.also:
            raise ValueError(f"keys, share, region_dimension and also belong to a CBS source, not a {self.kind} one")
        if self.verified is False and not self.unverified:
            raise ValueError(
                "`verified: false` needs `unverified`: what has not been checked against real CBS metadata"
            )
        if self.kind in ("manual", "duo") and not self.file:
            raise ValueError(f"a {self.kind} source needs the file it is read from")
        return self

    def filter_text(self, name: str) -> str:
        """A filter as text (a summed list joined with '+'): for DUO and the sources appendix."""
        value = self.filters.get(name, "")
        return "+".join(value) if isinstance(value, list) else value


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
    # the minimum relevant size of a finding (README "Signals"): of a difference between levels,
    # in the indicator's unit (default per unit, money 2% of the national level), and of a
    # change (in % for counts, money and index numbers; default per unit). Smaller is never an
    # urgency or an opportunity, however significant.
    relevant: float | None = Field(default=None, gt=0)
    relevant_change: float | None = Field(default=None, gt=0)

    @field_validator("bands")
    @classmethod
    def _uwv_bands(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        """UWV tension bands: the upper edges of zeer_ruim, ruim, gemiddeld and krap (signaal.bands)."""
        return check_edges(v) if v is not None else v


class Meaning(_Strict):
    """What a difference in an indicator comes to in people, homes, jobs or euros (the board's
    front page: "3,4 procentpunt minder hoogopgeleiden: ongeveer 16.000 mensen"), computed
    from a count in the data (``per``), never typed: a percentage is a share of it (of the
    population aged 15 to 75, of households), an amount in euros is per one of it (product per
    inhabitant), a % change of a count is a change of the count itself."""

    per: str  # the indicator whose figure (same region, latest year) a difference is taken of
    noun: Text  # what is counted: "mensen", "huishoudens", "banen" (not used for euros)


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
    meaning: Meaning | None = None  # what a difference comes to in people, homes or euros

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if (self.source.kind == "derived") != (self.transform is not None):
            raise ValueError("a derived source and a transform go together")
        if self.unit == "percent" and self.additive:
            raise ValueError("a percentage cannot be additive")
        if self.flow and not self.additive:
            raise ValueError("a flow is a count, so it is additive too")
        if self.source.share is not None and self.unit != "percent":
            raise ValueError("a share of two categories is a percentage: unit must be percent")
        seen: list[str] = []
        for part in self.source.also:
            outside = [lvl for lvl in part.levels if lvl not in self.levels or lvl in seen]
            if outside:
                raise ValueError(
                    f"source.also {part.table}: level {outside[0]} is not one of the indicator's levels "
                    "or is given by another table"
                )
            seen.extend(part.levels)
        if self.source.also and not [lvl for lvl in self.levels if lvl not in seen]:
            raise ValueError("source.also gives every level; the main table must give at least one")
        return self

    @property
    def main_levels(self) -> list[str]:
        """The levels the main source table gives (the others come from ``source.also``)."""
        other = {lvl for part in self.source.also for lvl in part.levels}
        return [lvl for lvl in self.levels if lvl not in other]

    def short_title(self, lang: str) -> str:
        return (self.short or self.title).get(lang)

    @property
    def display_freq(self) -> str:
        """The frequency the briefings show and judge: monthly series as quarters, else as published."""
        return "Q" if self.frequency == "M" else self.frequency

    def question_for(self, lang: str, **names: str) -> str:
        """The question title with the region filled in: "Hoeveel Twentenaren werken?".

        Placeholders: ``{regio}`` (focus region), ``{inwoners}`` (its inhabitants, e.g.
        "Twentenaren"), ``{provincie}`` (its province, for province-only data) and
        ``{arbeidsmarktregio}`` (the labour-market region that stands in for it).
        """
        text = self.question.get(lang).format_map(names)
        return text[0].upper() + text[1:]

    @field_validator("question")
    @classmethod
    def _placeholders(cls, v: Text) -> Text:
        for text in (v.nl, v.en):
            unknown = set(re.findall(r"{(\w*)}", text)) - {"regio", "inwoners", "provincie", "arbeidsmarktregio"}
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
