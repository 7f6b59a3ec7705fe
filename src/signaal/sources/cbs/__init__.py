"""CBS StatLine for catalogue indicators: resolve, fetch (cached by ``Modified``), tidy.

For each group of indicators that share a table family:

1. **Family → table id.** CBS re-issues regional tables per regional division ("…
   regionale indeling 2024"), so the catalogue names the *family* (a title prefix) and the
   newest table with that title is looked up in the CBS catalogue service. When the
   catalogue knows no such title, the last known id (``source.table``) is tried.
2. **Modified.** ``TableInfos`` (v3) or ``Properties`` (v4) gives the table's ``Modified``;
   raw metadata and data are kept per ``Modified``, so an unchanged table is read from
   ``data/raw`` instead of downloaded again (unless ``force``).
3. **Measures and categories.** The measure is found by key prefix or title in the table's
   metadata (``_57`` suffixes change between editions and are never written down);
   each other dimension is pinned to the filter's category or else to its total.
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
from ...catalogue.schema import Source as SourceSpec
from ...errors import SourceError
from ...files import sha256
from ...regions import Registry
from ..base import FetchResult, SourceContext, Unit
from ..http import HttpClient, NotFound, Response
from ..paging import fetch_pages
from ..raw import Bundle, RawStore
from .backend import Backend
from .model import FREQ_KIND, Code, TableMeta, unit_scale
from .resolve import (
    FREQ_WORD,
    KIND_WORD,
    Resolved,
    choose_edition,
    region_prefixes,
    resolve_categories,
    resolve_measure,
    unit_warning,
)
from .tidy import tidy
from .v3 import V3Backend
from .v4 import V4Backend

__all__ = ["CbsSource", "choose_edition", "modified_date", "resolve_categories", "resolve_measure"]


@dataclass
class Edition:
    """The table a family resolves to, how it was found, and its ``TableInfos``/``Properties``."""

    table_id: str
    how: str  # "family" or "last_known_id"
    ordered: list[dict]  # the family's editions, newest first
    info: dict
    response: Response


@dataclass
class Request:
    """One data request: the pinned categories, the period type, the region prefixes and measures."""

    codes: dict[str, Code]
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

    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        first = indicators[0].source
        assert first.family and first.table  # the catalogue schema requires both for a CBS source
        backend = self.backends[first.api]
        warnings: list[str] = []
        edition = self._edition(backend, first.family, first.table, warnings)
        meta, meta_bundle = backend.metadata(edition.table_id, edition.info, edition.response, force=self.force)
        requests, resolved = self._plan(meta, indicators, warnings)
        download = self._download(backend, meta, edition.info, requests)
        tidy_frames, resolution = [], {}
        for ind_id, r in resolved.items():
            obs, record = tidy(meta, r, download.frames[r.plan], self.registry)
            tidy_frames.append(obs)
            resolution[ind_id] = record
            if obs.empty:
                raise SourceError(
                    f"CBS table {meta.table_id}: no observations for {ind_id} (measure {r.measure.key}, "
                    f"levels {', '.join(r.indicator.levels)}); the table may lack these regions"
                )
        record = self._source_record(backend, first, edition, meta, meta_bundle, download, resolution)
        return FetchResult(
            observations=pd.concat(tidy_frames, ignore_index=True) if tidy_frames else pd.DataFrame(),
            sources={meta.table_id: record},
            resolution=resolution,
            warnings=[f"CBS {meta.table_id}: {w}" for w in warnings],
        )

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

    def _plan(
        self, meta: TableMeta, indicators: list[Indicator], warnings: list[str]
    ) -> tuple[dict[tuple, Request], dict[str, Resolved]]:
        """Resolve each indicator, then group identical selections into one request."""
        requests: dict[tuple, Request] = {}
        resolved: dict[str, Resolved] = {}
        for ind in indicators:
            assert ind.source.measure  # the catalogue schema requires it for a CBS source
            wanted = ind.source.keys.get("v4" if meta.api == "v4" else "v3") or ind.source.measure
            assert isinstance(wanted, str)  # summed measures: resolved in the next commit
            measure, matched = resolve_measure(meta, wanted)
            cats = resolve_categories(meta, {k: str(v) for k, v in ind.source.filters.items()})
            kind = FREQ_KIND[ind.frequency]
            if meta.time is not None and not any(c.code[4:6] == kind for c in meta.time.codes):
                kinds = sorted({KIND_WORD.get(c.code[4:6], c.code[4:6]) for c in meta.time.codes})
                raise SourceError(
                    f"CBS table {meta.table_id}: has no {FREQ_WORD[ind.frequency]} periods for {ind.id} "
                    f"(it has {', '.join(kinds) or 'none'}); check frequency in indicators.yaml"
                )
            prefixes = region_prefixes(meta, ind, warnings)
            sel = tuple(sorted((k, c.key) for k, (c, _) in cats.items())) + (("_kind", kind),)
            request = requests.setdefault(sel, Request(codes={k: c for k, (c, _) in cats.items()}, kind=kind))
            request.prefixes.update(prefixes)
            if measure.key not in request.measures:
                request.measures.append(measure.key)
            scale, _ = unit_scale(measure.unit)
            unit_note = unit_warning(ind, measure)
            if unit_note:
                warnings.append(unit_note)
            resolved[ind.id] = Resolved(
                indicator=ind, measure=measure, matched=matched, cats=cats, kind=kind, scale=scale, plan=sel
            )
        return requests, resolved

    def _download(self, backend: Backend, meta: TableMeta, info: dict, requests: dict[tuple, Request]) -> Download:
        """Every request's pages, from data/raw when a complete copy of this ``Modified`` is there."""
        out = Download()
        for sel, request in requests.items():
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
    def _source_record(
        backend: Backend,
        first: SourceSpec,
        edition: Edition,
        meta: TableMeta,
        meta_bundle: Bundle,
        download: Download,
        resolution: dict,
    ) -> dict:
        """The manifest's record of the table: which edition, when modified, what was asked and kept."""
        info = edition.info
        modified = str(info["modified"] or "")
        return {
            "kind": "cbs",
            "api": backend.api,
            "publisher": first.publisher,
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
            "raw": [meta_bundle.relative(), *download.bundles],
            "pages": len(download.urls),
            "rows": download.rows,
            "checksum": sha256("".join(download.page_hashes).encode()),
            "indicators": sorted(resolution),
            "measures": {i: resolution[i]["measure"] for i in sorted(resolution)},
        }


def modified_date(value: str | None) -> str:
    """``2020-08-14T02:00:00+02:00`` → ``2020-08-14`` (what the topic page prints)."""
    text = str(value or "")
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text
