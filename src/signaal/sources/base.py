"""What every live source shares: where it is reached, what it is given and what it hands back.

A source (:class:`Source`) fetches a *unit* of catalogue indicators — the indicators it reads
in one go, such as the measures of one CBS table or the rows of one curated file — and returns
one :class:`FetchResult`: tidy observations plus what the vintage manifest says about them.
:data:`signaal.sources.SOURCES` lists the sources by kind; :func:`signaal.store.refresh.refresh`
asks each one for its units and merges the results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import pandas as pd

from ..catalogue import Catalogue, Indicator
from ..regions import Registry
from .raw import RawStore

if TYPE_CHECKING:  # the HTTP client (tenacity, requests) loads only where a source fetches
    from .http import HttpClient

DEFAULT_CBS_V3_URL = "https://opendata.cbs.nl"
DEFAULT_CBS_V4_URL = "https://datasets.cbs.nl/odata/v1"
DEFAULT_PDOK_URL = "https://api.pdok.nl"
DEFAULT_DUO_URL = "https://onderwijsdata.duo.nl"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of the live sources (no trailing slash)."""

    cbs_v3: str = DEFAULT_CBS_V3_URL
    cbs_v4: str = DEFAULT_CBS_V4_URL
    pdok: str = DEFAULT_PDOK_URL
    duo: str = DEFAULT_DUO_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Endpoints:
        environ: Mapping[str, str] = os.environ if env is None else env

        def pick(name: str, default: str) -> str:
            return (environ.get(name) or default).rstrip("/")

        return cls(
            cbs_v3=pick("SIGNAAL_CBS_V3_URL", DEFAULT_CBS_V3_URL),
            cbs_v4=pick("SIGNAAL_CBS_V4_URL", DEFAULT_CBS_V4_URL),
            pdok=pick("SIGNAAL_PDOK_URL", DEFAULT_PDOK_URL),
            duo=pick("SIGNAAL_DUO_URL", DEFAULT_DUO_URL),
        )


@dataclass
class FetchResult:
    """Tidy observations of some indicators plus what the manifest says about them.

    ``sources`` holds one provenance record per table or file, ``resolution`` one record per
    indicator (how it was found), ``files`` small files kept in the vintage beside the table
    (the DUO extract).
    """

    observations: pd.DataFrame
    sources: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def combine(cls, results: list[FetchResult]) -> FetchResult:
        """All results as one, in order. A table that two results describe ("two families, one
        table": two catalogue families that now resolve to the same CBS table) gets one record
        that lists the indicators, measures, URLs and raw folders of both."""
        frames = [r.observations for r in results if not r.observations.empty]
        out = cls(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
        for result in results:
            for table_id, record in result.sources.items():
                if table_id in out.sources:
                    merged = out.sources[table_id]
                    merged["indicators"] = sorted(set(merged["indicators"]) | set(record["indicators"]))
                    merged["measures"].update(record["measures"])
                    merged["urls"] += record["urls"]
                    merged["raw"] += record["raw"]
                else:
                    out.sources[table_id] = record
            out.resolution.update(result.resolution)
            out.warnings.extend(result.warnings)
            out.files.update(result.files)
        return out


@dataclass(frozen=True)
class Unit:
    """Indicators a source fetches in one call: ``key`` groups them, ``name`` is what messages say."""

    key: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class SourceContext:
    """Everything a source is opened with: one per refresh, shared by every source."""

    endpoints: Endpoints
    http: HttpClient
    raw: RawStore
    registry: Registry
    catalogue: Catalogue
    data_dir: Path
    force: bool = False
    progress: Callable[[str], None] = field(default=lambda message: None)

    def for_download(self) -> dict[str, Any]:
        """What a source that downloads is opened with (CBS, DUO): the servers, the HTTP
        client, the raw snapshots, the regions, ``--force`` and the progress callback."""
        return {
            "endpoints": self.endpoints,
            "http": self.http,
            "raw": self.raw,
            "registry": self.registry,
            "force": self.force,
            "progress": self.progress,
        }


class Source(Protocol):
    """A live source of catalogue indicators (one per ``source.kind`` in indicators.yaml)."""

    kind: ClassVar[str]

    @classmethod
    def open(cls, context: SourceContext) -> Source:
        """The source, set up for one refresh."""
        ...

    def unit(self, indicator: Indicator) -> Unit:
        """The unit an indicator is fetched in (indicators with the same unit share one call)."""
        ...

    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        """Fetch one unit's indicators; a failure is a one-line :class:`~signaal.errors.SignaalError`."""
        ...
