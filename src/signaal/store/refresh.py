"""``signaal data refresh``: every catalogue indicator from its live source into a new vintage.

The refresh runs one way (PRODUCT.md §2): curated tables in ``data/manual`` are validated,
DUO and CBS are fetched through one polite HTTP session (raw responses kept under
``data/raw``; a CBS table whose ``Modified`` has not changed is read from there), the tidy
observations are validated as a whole, and only then is a new vintage written — atomically,
by :meth:`signaal.store.Store.write_vintage`. So a refresh that fails (no network, a 429 storm,
a renamed measure …) writes nothing: the previous vintages are untouched, the error says which
one ``signaal run`` will use, and the pages downloaded so far stay in ``data/raw`` so that the
next refresh resumes after them.

``only`` refreshes some indicators (by indicator id, table id, file name or source kind); the
other indicators are carried over from the newest live vintage, so every vintage is whole.
``keep_going`` does the same for sources that fail, and lists them.

Every vintage is whole because :meth:`Store.resolve` gives ``signaal run`` the newest one: a
vintage that lacked indicators would silently break every briefing that shows them. So a
refresh that would leave an indicator out (``only`` on a fresh checkout, where there is no
earlier vintage to carry the rest over from; a failed source under ``keep_going`` that no
earlier vintage holds) writes nothing and says how many indicators would be missing and what
to run instead. ``only`` is checked before anything is downloaded; under ``keep_going`` the
pages that did arrive stay in ``data/raw`` for the next refresh.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .. import __version__, config
from ..catalogue import Catalogue, Indicator, catalogue as default_catalogue
from ..catalogue.targets import load_targets
from ..errors import CatalogueError, DataError, InputError, SignaalError, SourceError, suggest
from ..files import sha256
from ..regions import Registry, registry as default_registry
from ..sources import Endpoints
from ..sources.cbs import CbsSource
from ..sources.duo import DuoSource
from ..sources.http import HttpClient
from ..sources.manual import load_manual
from ..sources.raw import RawStore
from .vintage import SAMPLE_ID, Store, Vintage
from .validation import validate_vintage

FETCHED_KINDS = ("manual", "duo", "cbs")


@dataclass
class RefreshResult:
    vintage: Vintage
    warnings: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    carried_over: dict[str, str] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


def _unit_key(ind: Indicator) -> tuple:
    s = ind.source
    if s.kind == "cbs":
        return ("cbs", s.api, s.family, s.table.upper())
    return (s.kind, s.file)


def _unit_name(key: tuple) -> str:
    if key[0] == "cbs":
        return f"CBS {key[3]} ({key[1]})"
    return f"{key[0]} {key[1]}"


def select(catalogue: Catalogue, only: list[str] | tuple[str, ...] | None, previous: Vintage | None = None) -> list[Indicator]:
    """The stored indicators a refresh fetches; ``only`` narrows it by id, table, file or kind."""
    fetchable = [i for i in catalogue.stored() if i.source.kind in FETCHED_KINDS]
    tokens = [t.strip() for item in (only or []) for t in str(item).split(",") if t.strip()]
    if not tokens:
        return fetchable
    resolved = {}
    if previous is not None:
        for table, info in (previous.manifest.get("sources") or {}).items():
            resolved[table.upper()] = set(info.get("indicators") or [])
    chosen: list[Indicator] = []
    for token in tokens:
        low, up = token.lower(), token.upper()
        hits = [
            i for i in fetchable
            if i.id == low
            or (i.source.table or "").upper() == up
            or (i.source.file or "").lower() == low
            or i.source.kind == low
            or i.id in resolved.get(up, set())
        ]
        if not hits:
            names = sorted({i.id for i in fetchable} | {i.source.table for i in fetchable if i.source.table}
                           | {i.source.file for i in fetchable if i.source.file})
            derived = token in catalogue.indicators and catalogue[token].transform is not None
            why = " (a derived indicator: refresh what it is computed from)" if derived else ""
            raise InputError(f"--only {token!r} matches no indicator, table or file{why}; {suggest(token, names)}")
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def _held(vintage: Vintage | None) -> set[str]:
    """The indicators a vintage holds (from its manifest; from its table for a hand-made one)."""
    if vintage is None:
        return set()
    listed = vintage.manifest.get("indicators")
    return set(listed) if listed is not None else set(vintage.observations["indicator"].unique())


def _some(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def _no_carry_source(previous: Vintage | None) -> str:
    if previous is None:
        return "there is no earlier live vintage to carry them over from"
    return f"the newest vintage {previous.id} does not hold them either"


def _check_only_leaves_nothing_out(only, chosen: list[Indicator], wanted: list[str], previous: Vintage | None) -> None:
    """Refuse ``--only`` before any download when the new vintage could not hold every indicator."""
    tokens = [t.strip() for item in (only or []) for t in str(item).split(",") if t.strip()]
    if not tokens:
        return
    chosen_ids, held = {i.id for i in chosen}, _held(previous)
    lacking = [i for i in wanted if i not in chosen_ids and i not in held]
    if lacking:
        raise InputError(
            f"--only {','.join(tokens)} would leave {len(lacking)} of {len(wanted)} indicators out of the new vintage "
            f"({_some(lacking)}): {_no_carry_source(previous)}; every vintage holds every indicator, so run "
            f"`signaal data refresh` without --only first (or add them to --only)"
        )


def _failure(exc: SignaalError, store: Store) -> SignaalError:
    """The same error, plus what the user still has: the previous vintage or the sample."""
    try:
        live = store.vintages()
    except SignaalError:
        live = []
    if live:
        keep = f"vintage {live[-1].id} is untouched and `signaal run` will use it"
    elif (store.root / SAMPLE_ID / "manifest.json").exists():
        keep = "there is no live vintage yet, so `signaal run` will use the bundled sample"
    else:
        keep = "there is no live vintage yet"
    cls = next(c for c in (SourceError, DataError, CatalogueError, InputError, SignaalError) if isinstance(exc, c))
    return cls(f"{exc}; no new vintage was written; {keep}")


def refresh(
    data_dir: Path | None = None,
    *,
    only: list[str] | tuple[str, ...] | None = None,
    force: bool = False,
    keep_going: bool = False,
    catalogue: Catalogue | None = None,
    registry: Registry | None = None,
    endpoints: Endpoints | None = None,
    http: HttpClient | None = None,
    progress: Callable[[str], None] | None = None,
    vintage_id: str | None = None,
    manual_dir: Path | None = None,
) -> RefreshResult:
    """Fetch, validate and write one new vintage; raise a one-line error and write nothing on failure."""
    started = time.monotonic()
    data_dir = Path(data_dir or config.data_dir())
    store = Store(data_dir)
    cat = catalogue or default_catalogue()
    reg = registry or default_registry()
    endpoints = endpoints or Endpoints.from_env()
    say = progress or (lambda message: None)
    manual_dir = Path(manual_dir or data_dir / "manual")
    raw = RawStore(data_dir / "raw")

    try:
        previous = store.vintages()[-1] if store.vintages() else None
    except SignaalError:
        previous = None
    indicators = select(cat, only, previous)
    wanted_all = [i.id for i in cat.stored() if i.source.kind in FETCHED_KINDS]
    _check_only_leaves_nothing_out(only, indicators, wanted_all, previous)
    unfetched = sorted(i.id for i in cat.stored() if i.source.kind not in FETCHED_KINDS)

    units: OrderedDict[tuple, list[Indicator]] = OrderedDict()
    for kind in FETCHED_KINDS:
        for ind in indicators:
            if ind.source.kind == kind:
                units.setdefault(_unit_key(ind), []).append(ind)

    own_http = http is None
    http = http or HttpClient(on_retry=lambda m: say(f"retry: {m}"))
    frames: list[pd.DataFrame] = []
    sources: dict = {}
    resolution: dict = {}
    warnings: list[str] = [f"no live source yet for {i} (kind {cat[i].source.kind}); not refreshed" for i in unfetched]
    extra_files: dict[str, bytes] = {}
    failed: dict[str, str] = {}
    failed_indicators: list[str] = []
    try:
        cbs = CbsSource(endpoints=endpoints, http=http, raw=raw, registry=reg, force=force, progress=say)
        duo = DuoSource(endpoints=endpoints, http=http, raw=raw, registry=reg, force=force, progress=say)
        for key, group in units.items():
            name = _unit_name(key)
            say(f"{name}: {', '.join(i.id for i in group)}")
            try:
                if key[0] == "manual":
                    table = load_manual(manual_dir / key[1], cat, reg, raw)
                    wanted = {i.id for i in group}
                    frames.append(table.observations[table.observations["indicator"].isin(wanted)])
                    sources[table.file] = {**table.source, "indicators": sorted(wanted & set(table.source["indicators"]))}
                    for i in group:
                        resolution[i.id] = {"source": table.file, "rows": int((table.observations["indicator"] == i.id).sum())}
                elif key[0] == "duo":
                    result = duo.fetch(group)
                    frames.append(result.observations)
                    sources.update(result.sources)
                    resolution.update(result.resolution)
                    warnings.extend(result.warnings)
                    extra_files[key[1]] = result.extract
                else:
                    result = cbs.fetch(group)
                    frames.append(result.observations)
                    for table_id, record in result.sources.items():
                        if table_id in sources:  # two families resolving to one table: merge the records
                            merged = sources[table_id]
                            merged["indicators"] = sorted(set(merged["indicators"]) | set(record["indicators"]))
                            merged["measures"].update(record["measures"])
                            merged["urls"] += record["urls"]
                            merged["raw"] += record["raw"]
                        else:
                            sources[table_id] = record
                    resolution.update(result.resolution)
                    warnings.extend(result.warnings)
            except SignaalError as exc:
                if not keep_going:
                    raise
                failed[name] = str(exc)
                failed_indicators.extend(i.id for i in group)
                say(f"{name}: FAILED ({exc})")
        targets_file = manual_dir / "doelen.csv"
        if targets_file.exists():
            targets = load_targets(targets_file)
            sources["doelen.csv"] = {
                "kind": "manual", "file": "doelen.csv", "title": "board targets", "rows": len(targets),
                "checksum": sha256(targets_file.read_bytes()), "urls": sorted({t.source_url for t in targets}),
                "modified": dt.datetime.fromtimestamp(targets_file.stat().st_mtime, dt.timezone.utc).date().isoformat(),
                "indicators": sorted({t.indicator for t in targets}),
            }

        # carry over what this refresh did not (or could not) fetch
        refreshed = sorted({i.id for i in indicators} - set(failed_indicators))
        carry = [i for i in wanted_all if i not in refreshed]
        carried: dict[str, str] = {}
        if carry and previous is not None:
            prev_obs = previous.observations
            for ind_id in carry:
                rows = prev_obs[prev_obs["indicator"] == ind_id]
                if rows.empty:
                    continue
                frames.append(rows)
                carried[ind_id] = previous.id
                if ind_id in (previous.manifest.get("resolution") or {}):
                    resolution[ind_id] = {**previous.manifest["resolution"][ind_id], "carried_over_from": previous.id}
                for table_id, info in (previous.manifest.get("sources") or {}).items():
                    if ind_id in (info.get("indicators") or []) and table_id not in sources:
                        sources[table_id] = {**info, "carried_over_from": previous.id}
        if not refreshed:
            raise SourceError("every source failed: " + "; ".join(f"{k}: {v}" for k, v in failed.items()))

        combined = pd.concat([f for f in frames if not f.empty], ignore_index=True) if frames else pd.DataFrame()
        present = set(combined["indicator"]) if "indicator" in combined.columns else set()
        missing = [i for i in wanted_all if i not in present]
        if missing:
            lost = [i for i in missing if i in failed_indicators]
            if lost:
                raise SourceError(
                    f"{len(missing)} of {len(wanted_all)} indicators would be missing from the new vintage "
                    f"({_some(missing)}): their sources failed and {_no_carry_source(previous)} ("
                    + "; ".join(f"{k}: {v}" for k, v in failed.items())
                    + "); every vintage holds every indicator, so fix the source or refresh again when it answers"
                )
            raise SourceError(
                f"{len(missing)} of {len(wanted_all)} indicators would be missing from the new vintage: their source "
                f"gave no observations ({_some(missing)})"
            )
        rounding = {}
        for ind_id, res in resolution.items():
            measure = res.get("measure") if isinstance(res, dict) else None
            if isinstance(measure, dict) and measure.get("decimals") is not None:
                rounding[ind_id] = float(measure.get("scale") or 1.0) * 10.0 ** (-int(measure["decimals"]))
        obs, checks = validate_vintage(combined, cat, reg, rounding=rounding)
        warnings.extend(checks.warnings)
        manifest = {
            "is_sample": False,
            "title": "Signaal live vintage",
            "sources": sources,
            "resolution": resolution,
            "refresh": {
                "only": list(only or []),
                "force": force,
                "keep_going": keep_going,
                "previous": previous.id if previous else None,
                "refreshed": refreshed,
                "carried_over": carried,
                "failed": failed,
                "requests": http.requests_made,
                "seconds": round(time.monotonic() - started, 2),
                "endpoints": {"cbs_v3": endpoints.cbs_v3, "cbs_v4": endpoints.cbs_v4, "pdok": endpoints.pdok, "duo": endpoints.duo},
            },
            "validation": {"warnings": warnings, "checks": checks.checks},
            "signaal_version": __version__,
        }
        new_id = vintage_id or Store.new_id()
        if not vintage_id:
            base, n = new_id, 2
            while (store.vintages_dir / new_id).exists():
                new_id, n = f"{base}-{n}", n + 1
        vintage = store.write_vintage(obs, manifest, vintage_id=new_id, extra_files=extra_files)
    except SignaalError as exc:
        raise _failure(exc, store) from None
    finally:
        if own_http:
            http.close()
    return RefreshResult(vintage=vintage, warnings=warnings, failed=failed, carried_over=carried, refreshed=refreshed,
                         requests=http.requests_made, seconds=time.monotonic() - started)
