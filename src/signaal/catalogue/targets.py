"""Board targets: data, per focus region, from ``data/manual/doelen.csv``.

Targets belong to a region's board (Twente Board's "participation at least the Dutch level",
the Woondeal Twente's 14,100 homes), so they are data with a source URL per row, not part of
the generic indicator catalogue. Kinds:

- ``benchmark``: the region's value at least (or, for lower-is-better indicators, at most) the
  benchmark region's value;
- ``level``: at least ``value``;
- ``cumulative``: the indicator (a stock) grows by at least ``value`` between ``start`` and ``by``.

A row that cannot be evaluated is refused when the file is loaded (file, line and the bad
value), not skipped later: a mistyped benchmark region would otherwise turn a board target
into "overgeslagen" without anyone noticing. How far a region is on its way to a target is
:func:`signaal.indicators.targets.progress`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .. import config
from ..errors import DataError, suggest
from ..files import read_csv_table
from ..periods import Period
from ..regions import registry
from . import catalogue

FILE = "doelen.csv"
REQUIRED = ("id", "region", "indicator", "kind", "label_nl", "label_en", "source_url")
COLUMNS = (
    "id",
    "region",
    "indicator",
    "kind",
    "benchmark",
    "value",
    "start",
    "by",
    "label_nl",
    "label_en",
    "source_url",
    "note_nl",
    "note_en",
)


def targets_path(data_dir: Path | None = None) -> Path:
    """Where a data folder keeps its board targets: ``<data>/manual/doelen.csv`` (by default the
    data folder of :func:`signaal.config.data_dir`)."""
    return Path(data_dir or config.data_dir()) / "manual" / FILE


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    region: str
    indicator: str
    kind: Literal["benchmark", "level", "cumulative"]
    benchmark: str | None = None
    value: float | None = None
    start: str | None = None
    by: str | None = None
    label_nl: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    source_url: str = Field(pattern=r"^https?://")
    note_nl: str | None = None  # a remark shown with the target (e.g. "two thirds affordable")
    note_en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data):
        return {k: (None if v == "" else v) for k, v in data.items()} if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _complete(self) -> Target:
        if self.kind == "benchmark" and not self.benchmark:
            raise ValueError("a benchmark target names its benchmark region (e.g. NL01)")
        if self.kind in ("level", "cumulative") and self.value is None:
            raise ValueError(f"a {self.kind} target needs a value")
        if self.kind == "cumulative" and not (self.start and self.by):
            raise ValueError("a cumulative target needs start and by")
        for p in (self.start, self.by):
            if p is not None:
                Period.parse(p)
        return self

    def label(self, lang: str) -> str:
        return self.label_nl if lang == "nl" else self.label_en

    def note(self, lang: str) -> str | None:
        return self.note_nl if lang == "nl" else (self.note_en or None)


def load_targets(path: Path | None = None) -> list[Target]:
    """All targets, validated (unknown region, benchmark region or indicator, a cumulative target on
    an indicator that does not add up → DataError naming the file, the line and the value)."""
    path = Path(path) if path else targets_path()
    if not path.exists():
        return []
    table = read_csv_table(path, COLUMNS, REQUIRED, numeric=("value",))
    reg, cat = registry(), catalogue()
    out = []
    for n, row in table.rows:
        try:
            target = Target.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "row"
            raise DataError(f"{path.name} line {n}: {field}: {first['msg']}") from None
        where = f"{path.name} line {n}"
        for column, code in (("region", target.region), ("benchmark", target.benchmark)):
            if code is not None and code not in reg:
                raise DataError(f"{where}: {column}: unknown region {code!r}; {suggest(code, list(reg.regions))}")
        if target.indicator not in cat:
            raise DataError(
                f"{where}: unknown indicator {target.indicator!r}; {suggest(target.indicator, list(cat.indicators))}"
            )
        if target.kind == "cumulative" and not cat[target.indicator].additive:
            additive = [i for i, ind in cat.indicators.items() if ind.additive]
            raise DataError(
                f"{where}: a cumulative target adds up its indicator, but {target.indicator!r} is not "
                f"additive (a count); {suggest(target.indicator, additive, limit=8)}"
            )
        out.append(target)
    ids = [t.id for t in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise DataError(f"{path.name}: target id {sorted(dupes)[0]!r} appears twice")
    return out


def targets_for(region: str, indicator: str | None = None, path: Path | None = None) -> list[Target]:
    return [t for t in load_targets(path) if t.region == region and (indicator is None or t.indicator == indicator)]
