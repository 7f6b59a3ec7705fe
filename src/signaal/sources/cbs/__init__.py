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

Every step is recorded for the vintage manifest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ...catalogue import Indicator
from ...errors import SourceError, suggest
from ...files import sha256
from ...periods import Period
from ...regions import Registry, normalise_code
from .model import FREQ_KIND, Code, Measure, TableMeta, norm, period_status, scaled, total_code, unit_scale
from .v3 import V3Backend
from .v4 import V4Backend
from ..http import HttpClient, NotFound
from ..paging import fetch_pages
from ..raw import RawStore

LEVEL_PREFIX = {"land": "NL", "provincie": "PV", "corop": "CR", "gemeente": "GM"}
FREQ_WORD = {"Y": "yearly", "Q": "quarterly", "M": "monthly"}
KIND_WORD = {"JJ": "yearly", "KW": "quarterly", "MM": "monthly"}


@dataclass
class FetchResult:
    """Tidy observations of some indicators plus what the manifest says about them."""

    observations: pd.DataFrame
    sources: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---- resolution --------------------------------------------------------------------------
def _year_after(title: str, family: str) -> int:
    years = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", title[len(family):] if norm(title).startswith(norm(family)) else "")
    return max((int(y) for y in years), default=0)


def choose_edition(rows: list[dict], family: str) -> tuple[dict | None, list[dict]]:
    """The newest table of a family among catalogue rows (the server's filter is re-checked).

    Newest = not discontinued, then the highest year in the title after the family
    ("… regionale indeling 2024" beats "… 2023"), then the latest ``Modified``, then the
    highest number in the id.
    """
    fam = norm(family)
    cands = [r for r in rows if r.get("id") and norm(r.get("title")).startswith(fam)]
    dutch = [r for r in cands if str(r.get("language") or "nl").lower().startswith("nl") and not r["id"].upper().endswith("ENG")]
    cands = dutch or cands
    if not cands:
        return None, []

    def key(r: dict):
        discontinued = "gediscontinueerd" in norm(r.get("status")) or "discontinued" in norm(r.get("status"))
        number = int(re.sub(r"\D", "", r["id"]) or 0)
        return (not discontinued, _year_after(r["title"], family), str(r.get("modified") or ""), number)

    ordered = sorted(cands, key=key, reverse=True)
    return ordered[0], ordered


def resolve_measure(meta: TableMeta, wanted: str) -> tuple[Measure, str]:
    """The measure a catalogue entry means: by key, key prefix, title, then title prefix."""
    where = f"CBS table {meta.table_id}"
    w = norm(wanted)
    steps = [
        ("key", lambda m: norm(m.key) == w),
        ("key prefix", lambda m: norm(m.key_prefix) == w),
        ("title", lambda m: norm(m.title) == w),
        ("group and title", lambda m: norm(f"{m.group} / {m.title}") == w or norm(f"{m.group}/{m.title}") == w),
        ("title prefix", lambda m: norm(m.title).startswith(w)),
    ]
    for how, test in steps:
        found = [m for m in meta.measures if test(m)]
        if len(found) == 1:
            return found[0], how
        if len(found) > 1:
            listed = "; ".join(f"{m.title} ({m.key}{', in ' + m.group if m.group else ''})" for m in found[:6])
            raise SourceError(
                f"{where}: measure {wanted!r} is ambiguous ({listed}); give the key prefix or 'group / title' in indicators.yaml"
            )
    listed = ", ".join(f"{m.title} ({m.key_prefix})" for m in meta.measures[:15])
    more = f", … ({len(meta.measures)} in all)" if len(meta.measures) > 15 else ""
    raise SourceError(
        f"{where} ({meta.title}): no measure matches {wanted!r} (renamed?); measures in the table: {listed}{more}"
    )


def resolve_categories(meta: TableMeta, filters: dict[str, str]) -> dict[str, tuple[Code, str]]:
    """Pin every non-region, non-time dimension: the filter's category, else the total."""
    where = f"CBS table {meta.table_id}"
    dims = {d.key: d for d in meta.others}
    by_title = {norm(d.title): d for d in meta.others}
    chosen: dict[str, tuple[Code, str]] = {}
    for name, value in filters.items():
        dim = dims.get(name) or by_title.get(norm(name)) or next((d for d in meta.others if norm(d.key) == norm(name)), None)
        if dim is None:
            raise SourceError(
                f"{where}: filter on unknown dimension {name!r}; {suggest(name, [d.key for d in meta.others] or ['(none)'])}"
            )
        code = next((c for c in dim.codes if c.code == str(value).strip()), None) or next(
            (c for c in dim.codes if norm(c.title) == norm(value)), None
        )
        if code is None:
            raise SourceError(
                f"{where}: filter {dim.key}={value!r} matches no category; {suggest(str(value), [c.title for c in dim.codes])}"
            )
        chosen[dim.key] = (code, "filter")
    for dim in meta.others:
        if dim.key in chosen:
            continue
        code = total_code(dim)
        if code is None:
            raise SourceError(
                f"{where}: dimension {dim.key} has no total category; add a filter for it in indicators.yaml "
                f"({suggest('', [c.title for c in dim.codes])})"
            )
        chosen[dim.key] = (code, "total")
    return chosen


def _unit_warning(ind: Indicator, measure: Measure, rest: str) -> str | None:
    """A warning when CBS's unit does not look like the catalogue's."""
    u = norm(measure.unit)
    expected = {
        "percent": ("%", "procent"),
        "euro": ("euro",),
        "km": ("km", "kilometer"),
        "index": ("index", "=100"),
        "per_1000": ("per 1 000", "per 1000", "promille"),
    }.get(ind.unit)
    if expected and not any(e in u for e in expected):
        return f"{ind.id}: CBS unit {measure.unit!r} of {measure.key} does not look like the catalogue unit {ind.unit!r}"
    if ind.unit == "count" and ("%" in u or "euro" in u):
        return f"{ind.id}: CBS unit {measure.unit!r} of {measure.key} is not a count"
    return None


# ---- fetching ------------------------------------------------------------------------------
class CbsSource:
    """Fetch catalogue indicators from CBS (both APIs) for the regions of the registry."""

    def __init__(self, *, endpoints, http: HttpClient, raw: RawStore, registry: Registry, force: bool = False,
                 progress: Callable[[str], None] | None = None):
        self.backends = {"v3": V3Backend(endpoints.cbs_v3, http, raw), "v4": V4Backend(endpoints.cbs_v4, http, raw)}
        self.http = http
        self.raw = raw
        self.registry = registry
        self.force = force
        self.progress = progress or (lambda message: None)
        self._levels = {code: r.level for code, r in registry.regions.items()}

    # one group = indicators with the same api, family and last known table
    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        first = indicators[0].source
        backend = self.backends[first.api]
        family, known = first.family, first.table
        warnings: list[str] = []

        rows = backend.search(family)
        best, ordered = choose_edition(rows, family)
        if best is not None:
            table_id, how = best["id"], "family"
            if table_id.upper() != known.upper():
                warnings.append(f"family {family!r} now resolves to table {table_id} (indicators.yaml names {known})")
        else:
            table_id, how = known, "last_known_id"
            warnings.append(f"the CBS catalogue lists no table titled {family!r}…; used the last known id {known}")
        try:
            info, info_response = backend.info(table_id)
        except NotFound as exc:
            if how == "family":
                raise SourceError(f"{backend.source} table {table_id} (family {family!r}) is listed in the catalogue "
                                  f"but does not answer: not found at {exc.url}") from None
            raise SourceError(
                f"{backend.source} table {table_id} (family {family!r}) no longer exists: not found at {exc.url}, and the "
                f"CBS catalogue lists no table whose title starts with the family; update source.family/table in indicators.yaml"
            ) from None
        meta, meta_bundle = backend.metadata(table_id, info, info_response, force=self.force)

        # resolve each indicator, then group identical selections into one request
        plans: dict[tuple, dict] = {}
        per_ind: dict[str, dict] = {}
        for ind in indicators:
            measure, matched = resolve_measure(meta, ind.source.measure)
            cats = resolve_categories(meta, dict(ind.source.filters))
            kind = FREQ_KIND[ind.frequency]
            if meta.time is not None and not any(c.code[4:6] == kind for c in meta.time.codes):
                kinds = sorted({KIND_WORD.get(c.code[4:6], c.code[4:6]) for c in meta.time.codes})
                raise SourceError(
                    f"CBS table {meta.table_id}: has no {FREQ_WORD[ind.frequency]} periods for {ind.id} "
                    f"(it has {', '.join(kinds) or 'none'}); check frequency in indicators.yaml"
                )
            prefixes = self._prefixes(meta, ind, warnings)
            sel = tuple(sorted((k, c.key) for k, (c, _) in cats.items())) + (("_kind", kind),)
            plan = plans.setdefault(sel, {"codes": {k: c for k, (c, _) in cats.items()}, "kind": kind,
                                          "prefixes": set(), "measures": []})
            plan["prefixes"].update(prefixes)
            if measure.key not in plan["measures"]:
                plan["measures"].append(measure.key)
            scale, rest = unit_scale(measure.unit)
            unit_note = _unit_warning(ind, measure, rest)
            if unit_note:
                warnings.append(unit_note)
            per_ind[ind.id] = {
                "indicator": ind, "measure": measure, "matched": matched, "cats": cats, "kind": kind,
                "scale": scale, "plan": sel,
            }

        frames: dict[tuple, pd.DataFrame] = {}
        urls, bundles, page_hashes, cached_all, raw_rows = [], [], [], True, 0
        for sel, plan in plans.items():
            url = backend.data_url(meta, prefixes=sorted(plan["prefixes"]), codes=plan["codes"], kind=plan["kind"],
                                   measures=plan["measures"])
            key = "data-" + sha256(url.encode())[:16]  # a mirror gets its own bundle
            bundle = self.raw.bundle(backend.raw_source, meta.table_id, info["modified"], key, force=self.force)
            was_complete = bundle.complete is not None
            cached_all &= was_complete

            def on_page(n: int, cached: bool, _t=meta.table_id) -> None:
                self.progress(f"{backend.source} {_t}: page {n}{' (cached)' if cached else ''}")

            pages = fetch_pages(self.http, bundle, "data", url, source=backend.source, table=meta.table_id,
                                sidecar={"modified": info["modified"]}, on_page=on_page)
            frame = backend.observations(meta, pages, plan["measures"])
            if not was_complete:
                bundle.finish({"table": meta.table_id, "url": url, "pages": len(pages), "rows": int(len(frame))})
            frames[sel] = frame
            urls.extend(p.meta["url"] for p in pages)
            page_hashes.extend(p.meta["sha256"] for p in pages)
            bundles.append(bundle.relative())
            raw_rows += sum(len(p.json().get("value", [])) for p in pages)

        tidy, resolution = [], {}
        for ind_id, r in per_ind.items():
            obs, record = self._tidy(meta, r, frames[r["plan"]])
            tidy.append(obs)
            resolution[ind_id] = record
            if obs.empty:
                raise SourceError(
                    f"CBS table {meta.table_id}: no observations for {ind_id} (measure {r['measure'].key}, "
                    f"levels {', '.join(r['indicator'].levels)}); the table may lack these regions"
                )

        modified = str(info["modified"] or "")
        source_record = {
            "kind": "cbs",
            "api": backend.api,
            "publisher": first.publisher,
            "title": meta.title,
            "family": family,
            "catalogue_table": known,
            "table": meta.table_id,
            "resolved_by": how,
            "editions": [r["id"] for r in ordered[:8]],
            "modified": modified_date(modified),
            "modified_raw": modified,
            "version": info.get("version", ""),
            "status": info.get("status", ""),
            "retrieved": info_response.retrieved,
            "cached": cached_all,
            "url": urls[0] if urls else "",
            "urls": urls,
            "raw": [meta_bundle.relative(), *bundles],
            "pages": len(urls),
            "rows": raw_rows,
            "checksum": sha256("".join(page_hashes).encode()),
            "indicators": sorted(per_ind),
            "measures": {i: resolution[i]["measure"] for i in sorted(per_ind)},
        }
        return FetchResult(
            observations=pd.concat(tidy, ignore_index=True) if tidy else pd.DataFrame(),
            sources={meta.table_id: source_record},
            resolution=resolution,
            warnings=[f"CBS {meta.table_id}: {w}" for w in warnings],
        )

    def _prefixes(self, meta: TableMeta, ind: Indicator, warnings: list[str]) -> list[str]:
        if meta.geo is None:
            if "land" not in ind.levels:
                raise SourceError(
                    f"CBS table {meta.table_id} has no region dimension, but {ind.id} needs levels {', '.join(ind.levels)}"
                )
            return []
        present = {normalise_code(c.code)[:2] for c in meta.geo.codes}
        out = []
        for level in ind.levels:
            prefix = LEVEL_PREFIX[level]
            if prefix in present:
                out.append(prefix)
            else:
                warnings.append(f"{ind.id}: the table has no regions at level {level} ({prefix}…)")
        if not out:
            raise SourceError(
                f"CBS table {meta.table_id}: none of the levels of {ind.id} ({', '.join(ind.levels)}) are in its "
                f"region dimension {meta.geo.key}"
            )
        return out

    def _tidy(self, meta: TableMeta, r: dict, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
        ind: Indicator = r["indicator"]
        measure: Measure = r["measure"]
        sub = frame[frame["measure"] == measure.key]
        for dim_key, (code, _how) in r["cats"].items():
            sub = sub[sub[dim_key].astype(str).str.strip() == code.code]
        sub = sub[sub["period"].astype(str).str.strip().str[4:6] == r["kind"]]

        if meta.geo is not None:
            regions = sub["geo"].astype(str).map(normalise_code)
        else:
            regions = pd.Series(self.registry.national, index=sub.index)
        levels = regions.map(self._levels)
        keep = levels.isin(ind.levels)
        dropped = Counter(regions[~keep].tolist())
        sub, regions = sub[keep], regions[keep]

        status_of = {c.code: period_status(c.status, c.title) for c in meta.time.codes} if meta.time else {}
        periods, statuses = [], []
        skipped_periods = 0
        for code in sub["period"].astype(str).str.strip().tolist():
            try:
                periods.append(str(Period.from_cbs(code)))
            except ValueError:
                periods.append(None)
                skipped_periods += 1
            statuses.append(status_of.get(code, "definitief"))

        values = np.array([np.nan if v is None else float(v) for v in sub["value"].tolist()], dtype="float64")
        missing = [m if isinstance(m, str) and m else None for m in sub["missing"].tolist()]
        final_status = [m if m else s for m, s in zip(missing, statuses)]
        values = np.array([
            np.nan if (m or np.isnan(v)) else scaled(v, r["scale"], measure.decimals) for v, m in zip(values, missing)
        ], dtype="float64")
        obs = pd.DataFrame({
            "indicator": ind.id, "region": regions.values, "period": periods, "value": values, "status": final_status,
        })
        obs = obs[obs["period"].notna()].reset_index(drop=True)
        dupes = obs.duplicated(["region", "period"], keep=False)
        if dupes.any():
            first = obs[dupes].iloc[0]
            raise SourceError(
                f"CBS table {meta.table_id}: more than one value for {ind.id} {first.region} {first.period}; "
                f"a dimension is not pinned to one category"
            )
        reasons = Counter(x for x in sub["reason"].tolist() if isinstance(x, str) and x)
        scale, rest = unit_scale(measure.unit)
        record = {
            "source": meta.table_id,
            "api": meta.api,
            "measure": {
                "key": measure.key, "title": measure.title, "group": measure.group, "matched_by": r["matched"],
                "unit": measure.unit, "scale": scale, "decimals": measure.decimals,
            },
            "categories": {k: {"code": c.code, "title": c.title, "how": how} for k, (c, how) in r["cats"].items()},
            "period_type": r["kind"],
            "rows": int(len(obs)),
            "levels": dict(Counter(self._levels[c] for c in obs["region"]).most_common()),
            "missing": dict(reasons.most_common()),
            "dropped_regions": sorted(dropped)[:40],
            "dropped_rows": int(sum(dropped.values())),
            "skipped_periods": skipped_periods,
            "catalogue_unit": ind.unit,
        }
        return obs, record


def modified_date(value: str | None) -> str:
    """``2020-08-14T02:00:00+02:00`` → ``2020-08-14`` (what the topic page prints)."""
    text = str(value or "")
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text
