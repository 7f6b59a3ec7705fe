"""CBS StatLine for catalogue indicators: resolve, fetch (cached by ``Modified``), tidy.

For each group of indicators that share a table family (and for the other tables some of them
read a level from, ``source.also``):

1. **Family → table id.** CBS re-issues regional tables per regional division ("…
   regionale indeling 2024"), so the catalogue names the *family* (a title prefix) and the
   newest table with that title is looked up in the CBS catalogue service. When the
   catalogue knows no such title, the last known id (``source.table``) is tried.
2. **Modified.** ``TableInfos`` (v3) or ``Properties`` (v4) gives the table's ``Modified``;
   raw metadata and data are kept per ``Modified``, so an unchanged table is read from
   ``data/raw`` instead of downloaded again (unless ``force``).
3. **Measures and categories.** The measure is found by title (both APIs), key prefix or the
   key the catalogue gives for the API, in the table's metadata (``_57`` suffixes change
   between editions); each other dimension is pinned to the filter's categories (a list is
   added up), a share's two categories, or else its total; the region dimension, the levels
   and the period type must be there. A mismatch stops here, before any observation is asked
   for, with the alternatives the metadata offers (``signaal data check`` runs the same steps).
4. **Request.** One request per distinct selection, filtered on the region levels the
   indicators need (``startswith(RegioS,'CR')``), the pinned categories and the period type,
   so tables are never pulled whole. Pages are followed and stored one by one.
5. **Tidy.** Padded codes stripped, ``NL00`` → ``NL01``, regions outside the registry or
   the indicator's levels dropped (and counted), periods to store notation with their status,
   units such as "1 000 banen" applied as a scale, symbols → missing with a status.

Every step is recorded for the vintage manifest. Steps 1 and 3 are in :mod:`.resolve`, step 5
in :mod:`.tidy`, the two APIs' dialects in :mod:`.v3` and :mod:`.v4` (shared parts in :mod:`.backend`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from ...catalogue import Indicator
from ...errors import SourceError
from ...files import sha256
from ...regions import Registry
from ..base import FetchResult, SourceContext, Unit
from ..http import HttpClient, NotFound, Response
from ..paging import fetch_pages
from ..raw import Bundle, RawStore
from .backend import Backend
from .model import Code, TableMeta
from .resolve import (
    Resolved,
    Wanted,
    choose_edition,
    request_codes,
    resolve,
    resolve_categories,
    resolve_measure,
    wanted,
)
from .tidy import tidy
from .v3 import V3Backend
from .v4 import V4Backend

__all__ = [
    "CbsSource",
    "Opened",
    "choose_edition",
    "modified_date",
    "resolve",
    "resolve_categories",
    "resolve_measure",
    "wanted",
]


@dataclass
class Edition:
    """The table a family resolves to, how it was found, and its ``TableInfos``/``Properties``."""

    table_id: str
    how: str  # "family" or "last_known_id"
    ordered: list[dict]  # the family's editions, newest first
    info: dict
    response: Response


@dataclass
class Opened:
    """A table as a family resolves to it: the backend, the edition, its metadata (kept per
    ``Modified`` in ``bundle``) and what was noticed on the way (a newer edition …)."""

    backend: Backend
    edition: Edition
    meta: TableMeta
    bundle: Bundle
    warnings: list[str] = field(default_factory=list)


@dataclass
class Request:
    """One data request: the pinned categories, the period type, the region prefixes and measures."""

    meta: TableMeta  # the table as the request reads it (its region dimension)
    codes: dict[str, list[Code]]
    kind: str
    prefixes: set[str] = field(default_factory=set)
    measures: list[str] = field(default_factory=list)


@dataclass
class Download:
    """What the data requests of one table brought: frames per request and their provenance."""

    frames: dict[tuple, pd.DataFrame] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    bundles: list[str] = field(default_factory=list)
    page_hashes: list[str] = field(default_factory=list)
    cached: bool = True
    rows: int = 0


class CbsSource:
    """Fetch catalogue indicators from CBS (both APIs) for the regions of the registry."""

    kind: ClassVar[str] = "cbs"

    def __init__(
        self,
        *,
        endpoints,
        http: HttpClient,
        raw: RawStore,
        registry: Registry,
        force: bool = False,
        progress: Callable[[str], None] | None = None,
    ):
        self.backends = {"v3": V3Backend(endpoints.cbs_v3, http, raw), "v4": V4Backend(endpoints.cbs_v4, http, raw)}
        self.http = http
        self.raw = raw
        self.registry = registry
        self.force = force
        self.progress = progress or (lambda message: None)

    @classmethod
    def open(cls, context: SourceContext) -> CbsSource:
        return cls(**context.for_download())

    def unit(self, indicator: Indicator) -> Unit:
        """Indicators with the same api, family and last known table are fetched together."""
        s = indicator.source
        assert s.family and s.table  # the catalogue schema requires both for a CBS source
        return Unit(("cbs", s.api, s.family, s.table.upper()), f"CBS {s.table.upper()} ({s.api})")

    def open_table(self, api: str, family: str, known: str) -> Opened:
        """Family → the newest table (else the last known id), and its metadata: no observations."""
        backend = self.backends[api]
        warnings: list[str] = []
        edition = self._edition(backend, family, known, warnings)
        meta, bundle = backend.metadata(edition.table_id, edition.info, edition.response, force=self.force)
        return Opened(backend, edition, meta, bundle, warnings)

    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        """The unit's table, then the tables of ``source.also`` (each asked once), resolved
        from their metadata before any observation is asked for."""
        groups: dict[tuple, list[Wanted]] = {}
        for ind in indicators:
            for w in wanted(ind):
                groups.setdefault((w.api, w.family, w.table.upper()), []).append(w)
        frames: list[pd.DataFrame] = []
        sources: dict[str, dict] = {}
        resolution: dict[str, dict] = {}
        warnings: list[str] = []
        planned = []
        for ws in groups.values():  # every table resolved before any observation is asked for
            opened = self.open_table(ws[0].api, ws[0].family, ws[0].table)
            planned.append((ws, opened, {w.indicator.id: resolve(opened.meta, w) for w in ws}))
        for ws, opened, resolved in planned:
            obs, records, source = self._read(opened, resolved)
            frames.append(obs)
            sources[opened.meta.table_id] = source
            for w in ws:
                ind_id = w.indicator.id
                if w.part:
                    resolution.setdefault(ind_id, {}).setdefault("also", {})[opened.meta.table_id] = records[ind_id]
                else:
                    resolution[ind_id] = records[ind_id] | resolution.get(ind_id, {})
            notes = [n for r in resolved.values() for n in r.notes]
            warnings += [f"CBS {opened.meta.table_id}: {x}" for x in [*opened.warnings, *notes]]
        return FetchResult(
            observations=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
            sources=sources,
            resolution=resolution,
            warnings=warnings,
        )

    def _read(self, opened: Opened, resolved: dict[str, Resolved]) -> tuple[pd.DataFrame, dict[str, dict], dict]:
        """Download what the resolved entries ask of one table and tidy it per indicator."""
        meta = opened.meta
        requests = self._requests(resolved)
        download = self._download(opened.backend, opened.edition.info, requests)
        tidy_frames, records = [], {}
        for ind_id, r in resolved.items():
            obs, record = tidy(r, download.frames[r.plan], self.registry)
            tidy_frames.append(obs)
            records[ind_id] = record
            if obs.empty:
                raise SourceError(
                    f"CBS table {meta.table_id}: no observations for {ind_id} (measure {r.measure.key}, "
                    f"levels {', '.join(r.wanted.levels)}); the table may lack these regions"
                )
        first = next(iter(resolved.values())).wanted
        source = self._source_record(opened, first, download, records)
        return pd.concat(tidy_frames, ignore_index=True), records, source

    def _edition(self, backend: Backend, family: str, known: str, warnings: list[str]) -> Edition:
        """Family → the newest table with that title (else the last known id), and its info."""
        best, ordered = choose_edition(backend.search(family), family)
        if best is not None:
            table_id, how = best["id"], "family"
            if table_id.upper() != known.upper():
                warnings.append(f"family {family!r} now resolves to table {table_id} (indicators.yaml names {known})")
        else:
            table_id, how = known, "last_known_id"
            warnings.append(f"the CBS catalogue lists no table titled {family!r}…; used the last known id {known}")
        try:
            info, response = backend.info(table_id)
        except NotFound as exc:
            if how == "family":
                raise SourceError(
                    f"{backend.source} table {table_id} (family {family!r}) is listed in the catalogue "
                    f"but does not answer: not found at {exc.url}"
                ) from None
            raise SourceError(
                f"{backend.source} table {table_id} (family {family!r}) no longer exists: not found at {exc.url}, and the "
                f"CBS catalogue lists no table whose title starts with the family; update source.family/table in indicators.yaml"
            ) from None
        return Edition(table_id, how, ordered, info, response)

    @staticmethod
    def _requests(resolved: dict[str, Resolved]) -> dict[tuple, Request]:
        """Group identical selections (region dimension, pinned categories, period type) into one request."""
        requests: dict[tuple, Request] = {}
        for r in resolved.values():
            request = requests.setdefault(r.plan, Request(meta=r.meta, codes=request_codes(r), kind=r.kind))
            request.prefixes.update(r.prefixes)
            for m in r.measures:
                if m.key not in request.measures:
                    request.measures.append(m.key)
        return requests

    def _download(self, backend: Backend, info: dict, requests: dict[tuple, Request]) -> Download:
        """Every request's pages, from data/raw when a complete copy of this ``Modified`` is there."""
        out = Download()
        for sel, request in requests.items():
            meta = request.meta
            url = backend.data_url(
                meta,
                prefixes=sorted(request.prefixes),
                codes=request.codes,
                kind=request.kind,
                measures=request.measures,
            )
            key = "data-" + sha256(url.encode())[:16]  # a mirror gets its own bundle
            bundle = self.raw.bundle(backend.raw_source, meta.table_id, info["modified"], key, force=self.force)
            was_complete = bundle.complete is not None
            out.cached &= was_complete

            def on_page(n: int, cached: bool, _t=meta.table_id) -> None:
                self.progress(f"{backend.source} {_t}: page {n}{' (cached)' if cached else ''}")

            pages = fetch_pages(
                self.http,
                bundle,
                "data",
                url,
                source=backend.source,
                table=meta.table_id,
                sidecar={"modified": info["modified"]},
                on_page=on_page,
            )
            frame = backend.observations(meta, pages, request.measures)
            if not was_complete:
                bundle.finish({"table": meta.table_id, "url": url, "pages": len(pages), "rows": int(len(frame))})
            out.frames[sel] = frame
            out.urls.extend(p.meta["url"] for p in pages)
            out.page_hashes.extend(p.meta["sha256"] for p in pages)
            out.bundles.append(bundle.relative())
            out.rows += sum(len(p.json().get("value", [])) for p in pages)
        return out

    @staticmethod
    def _source_record(opened: Opened, first: Wanted, download: Download, records: dict[str, dict]) -> dict:
        """The manifest's record of the table: which edition, when modified, what was asked and kept."""
        backend, edition, meta = opened.backend, opened.edition, opened.meta
        info = edition.info
        modified = str(info["modified"] or "")
        return {
            "kind": "cbs",
            "api": backend.api,
            "publisher": first.indicator.source.publisher,
            "title": meta.title,
            "family": first.family,
            "catalogue_table": first.table,
            "table": meta.table_id,
            "resolved_by": edition.how,
            "editions": [r["id"] for r in edition.ordered[:8]],
            "modified": modified_date(modified),
            "modified_raw": modified,
            "version": info.get("version", ""),
            "status": info.get("status", ""),
            "retrieved": edition.response.retrieved,
            "cached": download.cached,
            "url": download.urls[0] if download.urls else "",
            "urls": download.urls,
            "raw": [opened.bundle.relative(), *download.bundles],
            "pages": len(download.urls),
            "rows": download.rows,
            "checksum": sha256("".join(download.page_hashes).encode()),
            "indicators": sorted(records),
            "measures": {i: records[i]["measure"] for i in sorted(records)},
        }


def modified_date(value: str | None) -> str:
    """``2020-08-14T02:00:00+02:00`` → ``2020-08-14`` (what the topic page prints)."""
    text = str(value or "")
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text
