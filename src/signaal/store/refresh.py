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

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import __version__, config
from ..catalogue import Catalogue, Indicator
from ..catalogue import catalogue as default_catalogue
from ..catalogue.targets import targets_path
from ..errors import CatalogueError, DataError, InputError, SignaalError, SourceError, suggest
from ..regions import Registry
from ..regions import registry as default_registry
from ..sources import SOURCES, Endpoints, FetchResult, Source, SourceContext, Unit, open_sources
from ..sources.http import HttpClient
from ..sources.manual import targets_result
from ..sources.raw import RawStore
from .validation import validate_vintage
from .vintage import SAMPLE_ID, Store, Vintage

FETCHED_KINDS = tuple(SOURCES)


@dataclass
class RefreshResult:
    vintage: Vintage
    warnings: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    carried_over: dict[str, str] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


@dataclass
class Plan:
    """What one refresh fetches (``indicators``) and what the new vintage must hold (``wanted``)."""

    indicators: list[Indicator]
    wanted: list[str]
    previous: Vintage | None
    warnings: list[str]


@dataclass
class Fetched:
    """The units that answered, and those that failed under ``keep_going``."""

    results: list[FetchResult] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    failed_indicators: list[str] = field(default_factory=list)


def select(
    catalogue: Catalogue, only: list[str] | tuple[str, ...] | None, previous: Vintage | None = None
) -> list[Indicator]:
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
            i
            for i in fetchable
            if i.id == low
            or (i.source.table or "").upper() == up
            or (i.source.file or "").lower() == low
            or i.source.kind == low
            or i.id in resolved.get(up, set())
        ]
        if not hits:
            names = sorted(
                {i.id for i in fetchable}
                | {i.source.table for i in fetchable if i.source.table}
                | {i.source.file for i in fetchable if i.source.file}
            )
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
    broken = store.broken()
    if live and broken:
        keep = (
            f"vintage {live[-1].id} is untouched; `signaal run` needs --vintage {live[-1].id} while "
            f"{', '.join(broken)} is broken"
        )
    elif live:
        keep = f"vintage {live[-1].id} is untouched and `signaal run` will use it"
    elif (store.root / SAMPLE_ID / "manifest.json").exists():
        keep = "there is no live vintage yet, so `signaal run` will use the bundled sample"
    else:
        keep = "there is no live vintage yet"
    cls = next(c for c in (SourceError, DataError, CatalogueError, InputError, SignaalError) if isinstance(exc, c))
    return cls(f"{exc}; no new vintage was written; {keep}")


def plan_refresh(store: Store, cat: Catalogue, only) -> Plan:
    """Select the indicators to fetch; refuse ``only`` (before any download) when it would leave some out."""
    try:
        previous = store.vintages()[-1] if store.vintages() else None
    except SignaalError:
        previous = None
    indicators = select(cat, only, previous)
    wanted = [i.id for i in cat.stored() if i.source.kind in FETCHED_KINDS]
    _check_only_leaves_nothing_out(only, indicators, wanted, previous)
    unfetched = sorted(i.id for i in cat.stored() if i.source.kind not in FETCHED_KINDS)
    warnings = [f"no live source yet for {i} (kind {cat[i].source.kind}); not refreshed" for i in unfetched]
    return Plan(indicators=indicators, wanted=wanted, previous=previous, warnings=warnings)


def _values_held(previous: Vintage | None) -> dict[str, int]:
    """How many values (not missing) the previous vintage holds per indicator."""
    if previous is None:
        return {}
    obs = previous.observations
    counts = obs[obs["value"].notna()].groupby("indicator").size()
    return {str(k): int(n) for k, n in counts.items()}


def check_numbers(result: FetchResult, unit: str, earlier: dict[str, int], previous: Vintage | None) -> None:
    """Refuse what a source gave when it is not numbers: text where numbers belong (a table
    whose format changed, an error page in the cells), or an indicator without one value
    where the previous vintage had values. Without an earlier value: a warning."""
    for ind_id, record in result.resolution.items():
        reasons = (record.get("missing") or {}) if isinstance(record, dict) else {}
        text = {k[len("symbol ") :]: n for k, n in reasons.items() if str(k).startswith("symbol ")}
        if text:
            table = record.get("source") or unit
            raise SourceError(
                f"{table}: {ind_id} has text where numbers belong in {sum(text.values())} cell(s), "
                f"e.g. {next(iter(text))}; did the table's format change?"
            )
    obs = result.observations
    if obs.empty:
        return
    values = obs.assign(has=obs["value"].notna()).groupby("indicator")["has"].agg(["sum", "size"])
    for ind_id, (held, rows) in values.iterrows():
        if held:
            continue
        statuses = ", ".join(
            f"{k} {n}" for k, n in obs.loc[obs["indicator"] == ind_id, "status"].value_counts().items()
        )
        if earlier.get(str(ind_id)):
            assert previous is not None
            raise SourceError(
                f"{unit}: {ind_id} has {rows} rows and not one value ({statuses}), while vintage {previous.id} "
                f"has {earlier[str(ind_id)]}; --keep-going carries the earlier values over"
            )
        result.warnings.append(f"{unit}: {ind_id} has {rows} rows and not one value ({statuses})")


def fetch_units(
    indicators: list[Indicator],
    sources: dict[str, Source],
    *,
    keep_going: bool,
    say: Callable[[str], None],
    previous: Vintage | None = None,
) -> Fetched:
    """Each unit from its source, kind by kind, its numbers checked (:func:`check_numbers`);
    under ``keep_going`` a failed unit is listed, not raised."""
    units: dict[Unit, tuple[Source, list[Indicator]]] = {}
    for kind, source in sources.items():
        for ind in indicators:
            if ind.source.kind == kind:
                units.setdefault(source.unit(ind), (source, []))[1].append(ind)
    out = Fetched()
    earlier = _values_held(previous)
    for unit, (source, group) in units.items():
        say(f"{unit.name}: {', '.join(i.id for i in group)}")
        try:
            result = source.fetch(group)
            check_numbers(result, unit.name, earlier, previous)
            out.results.append(result)
        except SignaalError as exc:
            if not keep_going:
                raise
            out.failed[unit.name] = str(exc)
            out.failed_indicators.extend(i.id for i in group)
            say(f"{unit.name}: FAILED ({exc})")
    return out


def carry_over(previous: Vintage | None, ids: list[str], present: set[str]) -> tuple[FetchResult, dict[str, str]]:
    """The rows, resolution and source records of ``ids`` from the previous vintage (tables in
    ``present`` keep this refresh's record); and which indicators came from where."""
    carried: dict[str, str] = {}
    frames: list[pd.DataFrame] = []
    result = FetchResult(pd.DataFrame())
    if not ids or previous is None:
        return result, carried
    prev_obs = previous.observations
    resolution = previous.manifest.get("resolution") or {}
    for ind_id in ids:
        rows = prev_obs[prev_obs["indicator"] == ind_id]
        if rows.empty:
            continue
        frames.append(rows)
        carried[ind_id] = previous.id
        if ind_id in resolution:
            result.resolution[ind_id] = {**resolution[ind_id], "carried_over_from": previous.id}
        for table_id, info in (previous.manifest.get("sources") or {}).items():
            if ind_id in (info.get("indicators") or []) and table_id not in present and table_id not in result.sources:
                result.sources[table_id] = {**info, "carried_over_from": previous.id}
    result.observations = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return result, carried


def assemble(plan: Plan, fetched: Fetched, data_dir: Path) -> tuple[FetchResult, list[str], dict[str, str]]:
    """What this refresh fetched, the board targets' record and what it carries over, as one result."""
    so_far = FetchResult.combine([*fetched.results, targets_result(targets_path(data_dir))])
    refreshed = sorted({i.id for i in plan.indicators} - set(fetched.failed_indicators))
    carry = [i for i in plan.wanted if i not in refreshed]
    carried_result, carried = carry_over(plan.previous, carry, set(so_far.sources))
    if not refreshed:
        raise SourceError("every source failed: " + "; ".join(f"{k}: {v}" for k, v in fetched.failed.items()))
    return FetchResult.combine([so_far, carried_result]), refreshed, carried


def check_whole(observations: pd.DataFrame, plan: Plan, fetched: Fetched) -> None:
    """Refuse a vintage that would lack an indicator (every vintage holds every indicator)."""
    present = set(observations["indicator"]) if "indicator" in observations.columns else set()
    missing = [i for i in plan.wanted if i not in present]
    if not missing:
        return
    if any(i in fetched.failed_indicators for i in missing):
        raise SourceError(
            f"{len(missing)} of {len(plan.wanted)} indicators would be missing from the new vintage "
            f"({_some(missing)}): their sources failed and {_no_carry_source(plan.previous)} ("
            + "; ".join(f"{k}: {v}" for k, v in fetched.failed.items())
            + "); every vintage holds every indicator, so fix the source or refresh again when it answers"
        )
    raise SourceError(
        f"{len(missing)} of {len(plan.wanted)} indicators would be missing from the new vintage: their source "
        f"gave no observations ({_some(missing)})"
    )


def _rounding(resolution: dict) -> dict[str, float]:
    """The rounding step of each CBS measure (scale × 10^-decimals), for the additivity checks."""
    rounding = {}
    for ind_id, res in resolution.items():
        measure = res.get("measure") if isinstance(res, dict) else None
        if isinstance(measure, dict) and measure.get("decimals") is not None:
            rounding[ind_id] = float(measure.get("scale") or 1.0) * 10.0 ** (-int(measure["decimals"]))
    return rounding


def _new_id(store: Store, vintage_id: str | None) -> str:
    """The id asked for, else the time now (with ``-2``, ``-3`` … when that folder exists)."""
    if vintage_id:
        return vintage_id
    new_id = base = Store.new_id()
    n = 2
    while (store.vintages_dir / new_id).exists():
        new_id, n = f"{base}-{n}", n + 1
    return new_id


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
) -> RefreshResult:
    """Fetch, validate and write one new vintage; raise a one-line error and write nothing on failure.

    select → fetch each unit → carry over → validate → write.
    """
    started = time.monotonic()
    data_dir = Path(data_dir or config.data_dir())
    store = Store(data_dir)
    cat = catalogue or default_catalogue()
    endpoints = endpoints or Endpoints.from_env()
    say = progress or (lambda message: None)
    plan = plan_refresh(store, cat, only)
    own_http = http is None
    http = http or HttpClient(on_retry=lambda m: say(f"retry: {m}"))
    context = SourceContext(
        endpoints=endpoints,
        http=http,
        raw=RawStore(data_dir / "raw"),
        registry=registry or default_registry(),
        catalogue=cat,
        data_dir=data_dir,
        force=force,
        progress=say,
    )
    try:
        fetched = fetch_units(
            plan.indicators, open_sources(context), keep_going=keep_going, say=say, previous=plan.previous
        )
        result, refreshed, carried = assemble(plan, fetched, data_dir)
        check_whole(result.observations, plan, fetched)
        obs, checks = validate_vintage(
            result.observations, cat, context.registry, rounding=_rounding(result.resolution)
        )
        warnings = [*plan.warnings, *result.warnings, *checks.warnings]
        manifest = {
            "is_sample": False,
            "title": "Signaal live vintage",
            "sources": result.sources,
            "resolution": result.resolution,
            "refresh": {
                "only": list(only or []),
                "force": force,
                "keep_going": keep_going,
                "previous": plan.previous.id if plan.previous else None,
                "refreshed": refreshed,
                "carried_over": carried,
                "failed": fetched.failed,
                "requests": http.requests_made,
                "seconds": round(time.monotonic() - started, 2),
                "endpoints": {
                    "cbs_v3": endpoints.cbs_v3,
                    "cbs_v4": endpoints.cbs_v4,
                    "pdok": endpoints.pdok,
                    "duo": endpoints.duo,
                },
            },
            "validation": {"warnings": warnings, "checks": checks.checks},
            "signaal_version": __version__,
        }
        vintage = store.write_vintage(obs, manifest, vintage_id=_new_id(store, vintage_id), extra_files=result.files)
    except SignaalError as exc:
        raise _failure(exc, store) from None
    finally:
        if own_http:
            http.close()
    return RefreshResult(
        vintage=vintage,
        warnings=warnings,
        failed=fetched.failed,
        carried_over=carried,
        refreshed=refreshed,
        requests=http.requests_made,
        seconds=time.monotonic() - started,
    )
