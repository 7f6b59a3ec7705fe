"""Curated tables in ``data/manual/``: published figures that no API serves.

The Bruto Twents Geluk marks (RaboResearch survey, PRODUCT.md §6) and the rail travel times
are typed in by hand, so every row carries the URL it was taken from and a ``note`` where a
number is not verified. One tidy layout serves every curated indicator table::

    indicator,region,period,value,source_url,note[,region_name][,status][,published]

``published`` is the day the origin published the figure, where it states one (ISO date): the
briefings print the latest as "Laatste actualisatie" — never the file's modification time.

Each row is validated on load: the indicator must be in the catalogue and say that it is read
from this file, the region must be in the registry at one of the indicator's levels, the
period must match the indicator's frequency, the value must be a plausible number for the unit
(a mark between 0 and 10, minutes above 0 …) and the source URL must be a web address.
A bad row stops the load with one line naming the file, the line and what is valid.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..catalogue import Catalogue, Indicator
from ..catalogue.targets import FILE as TARGETS_FILE
from ..catalogue.targets import load_targets
from ..errors import DataError, suggest
from ..files import read_csv_table, sha256
from ..observations import MISSING_STATUSES, STATUSES
from ..periods import Period
from ..regions import Registry
from .base import FetchResult, SourceContext, Unit
from .raw import RawStore

REQUIRED = ("indicator", "region", "period", "value", "source_url")
OPTIONAL = ("note", "region_name", "status", "published")
RANGES = {
    "mark": (0.0, 10.0),
    "percent": (0.0, 100.0),
    "minutes": (0.0, 24 * 60.0),
    "km": (0.0, 1000.0),
    "count": (0.0, math.inf),
}


class ManualRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str = Field(min_length=1)
    region: str = Field(min_length=1)
    period: str = Field(min_length=1)
    value: float
    source_url: str = Field(pattern=r"^https?://\S+$")
    note: str = ""
    region_name: str = ""
    status: str = "definitief"
    published: str = ""  # the day the origin published it (ISO date), where it says so

    @field_validator("published")
    @classmethod
    def _published(cls, v: str) -> str:
        if v:
            dt.date.fromisoformat(v)  # a ValueError is reported with the file and line
        return v

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        v = v or "definitief"
        if v not in STATUSES or v in MISSING_STATUSES:
            raise ValueError("must be definitief, voorlopig or nader_voorlopig (leave a missing figure out)")
        return v


@dataclass
class ManualTable:
    """A validated curated table: tidy observations plus its provenance."""

    file: str
    observations: pd.DataFrame
    source: dict = field(default_factory=dict)


def _row_error(path: Path, line: int, message: str) -> DataError:
    return DataError(f"{path.name} line {line}: {message}")


def load_manual(path: Path, catalogue: Catalogue, registry: Registry, raw: RawStore | None = None) -> ManualTable:
    """Read and validate one curated table; keep a copy of the exact bytes under data/raw/manual."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"curated table {path.name} not found at {path}; expected columns {', '.join(REQUIRED)}")
    table = read_csv_table(path, REQUIRED + OPTIONAL, REQUIRED, numeric=("value",))
    content = table.content

    allowed = {
        i.id: i for i in catalogue.indicators.values() if i.source.kind == "manual" and i.source.file == path.name
    }
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in table.rows:
        try:
            row = ManualRow.model_validate(record)
        except ValidationError as exc:
            first = exc.errors()[0]
            fld = ".".join(str(p) for p in first["loc"]) or "row"
            got = record.get(fld, "")
            raise _row_error(path, line, f"{fld} {got!r}: {first['msg']}") from None
        ind = allowed.get(row.indicator)
        if ind is None:
            valid = sorted(allowed) or ["(no catalogue indicator reads this file)"]
            raise _row_error(
                path, line, f"indicator {row.indicator!r} is not read from {path.name}; {suggest(row.indicator, valid)}"
            )
        if row.region not in registry:
            raise _row_error(
                path, line, f"unknown region {row.region!r}; valid: NL01, PV20-PV31, CR01-CR40 or a GM code"
            )
        region = registry.get(row.region)
        if region.level not in ind.levels:
            raise _row_error(
                path, line, f"region {region.code} is a {region.level}; {ind.id} has levels {', '.join(ind.levels)}"
            )
        try:
            period = Period.parse(row.period)
        except ValueError:
            raise _row_error(
                path, line, f"period {row.period!r} is not a period; expected e.g. 2025, 2026Q3 or 2026M09"
            ) from None
        if period.freq != ind.frequency:
            raise _row_error(
                path, line, f"period {row.period!r} does not match the {ind.frequency} frequency of {ind.id}"
            )
        low, high = RANGES.get(ind.unit, (-math.inf, math.inf))
        if not (low <= row.value <= high) or (ind.unit == "minutes" and row.value <= 0):
            raise _row_error(
                path, line, f"value {row.value:g} is out of range for unit {ind.unit} ({low:g} to {high:g})"
            )
        key = (ind.id, region.code, str(period))
        if key in seen:
            raise _row_error(path, line, f"{ind.id} {region.code} {period} is given twice (also on line {seen[key]})")
        seen[key] = line
        rows.append(
            {
                "indicator": ind.id,
                "region": region.code,
                "period": str(period),
                "value": row.value,
                "status": row.status,
                "source_url": row.source_url,
                "note": row.note,
                "published": row.published,
            }
        )

    frame = pd.DataFrame(
        rows, columns=["indicator", "region", "period", "value", "status", "source_url", "note", "published"]
    )
    published = sorted(p for p in frame["published"] if p)
    kept = raw.keep("manual", path.name, content, {"url": path.as_uri(), "file": path.name}) if raw else None
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    urls = sorted(set(frame["source_url"]))
    source = {
        "kind": "manual",
        "publisher": next((i.source.publisher for i in allowed.values()), ""),
        "file": path.name,
        "title": f"curated table {path.name}",
        "modified": mtime.date().isoformat(),  # the file's; the briefings print "published"
        "published": published[-1] if published else "",
        "retrieved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "url": urls[0] if urls else "",
        "urls": urls,
        "raw": str(kept.path.parent) if kept else "",
        "rows": int(len(frame)),
        "checksum": sha256(content),
        "indicators": sorted(set(frame["indicator"])),
        "rows_with_note": int((frame["note"].str.len() > 0).sum()),
    }
    return ManualTable(
        file=path.name, observations=frame[["indicator", "region", "period", "value", "status"]], source=source
    )


class ManualSource:
    """The curated tables in ``data/manual`` as a source: one unit per file."""

    kind: ClassVar[str] = "manual"

    def __init__(self, *, folder: Path, catalogue: Catalogue, registry: Registry, raw: RawStore | None = None):
        self.folder = Path(folder)
        self.catalogue = catalogue
        self.registry = registry
        self.raw = raw

    @classmethod
    def open(cls, context: SourceContext) -> ManualSource:
        return cls(
            folder=context.data_dir / "manual", catalogue=context.catalogue, registry=context.registry, raw=context.raw
        )

    def unit(self, indicator: Indicator) -> Unit:
        file = indicator.source.file
        assert file  # the catalogue schema requires a file for a manual source
        return Unit(("manual", file), f"manual {file}")

    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        """The rows of some of a file's indicators (the file is validated as a whole)."""
        file = indicators[0].source.file
        assert file  # the catalogue schema requires a file for a manual source
        table = load_manual(self.folder / file, self.catalogue, self.registry, self.raw)
        wanted = {i.id for i in indicators}
        obs = table.observations
        return FetchResult(
            observations=obs[obs["indicator"].isin(wanted)],
            sources={table.file: {**table.source, "indicators": sorted(wanted & set(table.source["indicators"]))}},
            resolution={
                i.id: {"source": table.file, "rows": int((obs["indicator"] == i.id).sum())} for i in indicators
            },
        )


def targets_result(path: Path) -> FetchResult:
    """The board targets file (``doelen.csv``) as a manifest record, validated; nothing when absent.

    Targets are not observations, but a vintage records the file they were read from like the
    curated tables, so a briefing can cite it."""
    path = Path(path)
    if not path.exists():
        return FetchResult(pd.DataFrame())
    targets = load_targets(path)
    record = {
        "kind": "manual",
        "file": TARGETS_FILE,
        "title": "board targets",
        "rows": len(targets),
        "checksum": sha256(path.read_bytes()),
        "urls": sorted({t.source_url for t in targets}),
        "modified": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat(),
        "indicators": sorted({t.indicator for t in targets}),
    }
    return FetchResult(pd.DataFrame(), sources={TARGETS_FILE: record})
