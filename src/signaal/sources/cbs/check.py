"""``signaal data check``: every catalogue CBS indicator against the tables' live metadata.

A pre-flight check that reads metadata only (``TableInfos``/``Properties``, the measures, the
dimensions and their codes; never an observation) and takes the same path as a refresh
(:meth:`CbsSource.open_table` and :func:`.resolve.resolve`), so what it calls ``ok`` is what a
refresh reads. Per indicator it reports the resolved table (id, title, ``Modified``, whether
CBS has discontinued it), the measure (key, title, unit, scale), every other dimension and
what it is pinned to, the levels the table has (how many NL/LD/PV/CR/AM/GM codes), the period
range and types, and a status:

- ``ok``: the entry resolves cleanly against the metadata just read (whatever ``verified``
  says; ``verified`` is a field of its own);
- ``warn``: it resolves, but something needs a look: the family now resolves to another table
  (a new "regionale indeling"), the table is discontinued, the measure's title is not the one
  the catalogue gives, the unit does not look like the catalogue's; or a source without a live
  fetcher (``kind: uwv``); a derived indicator whose inputs warn;
- ``fail``: it does not resolve (the reason names the alternatives the metadata offers), or the
  table does not answer.

Metadata is kept per ``Modified`` in ``data/raw`` as in a refresh, so a second check asks only
for each table's ``Modified``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...catalogue import Catalogue, Indicator
from ...errors import InputError, SignaalError, suggest
from . import CbsSource, Opened
from .resolve import Resolved, Wanted, is_discontinued, level_counts, period_kinds, resolve, wanted
from .tidy import record, store_period

STATUSES = ("ok", "warn", "fail")
CHECKED_KINDS = ("cbs", "derived", "uwv")


@dataclass
class TableCheck:
    """One table an indicator reads, as the check found it."""

    table: str
    status: str = "ok"
    reason: str = ""
    info: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        base = {"table": self.table, "status": self.status, "reason": self.reason}
        return base | {"measure_key": None, "measure_title": None, "levels": {}} | self.info


def _worst(statuses: list[str]) -> str:
    return max(statuses, key=STATUSES.index) if statuses else "ok"


def _table_info(opened: Opened) -> dict:
    """What the check says about a table whatever the entry asks of it."""
    meta, edition = opened.meta, opened.edition
    kinds = period_kinds(meta)
    codes = [c.code for c in meta.time.codes] if meta.time else []
    stored = [p for p in (store_period(c) for c in codes) if p]
    return {
        "api": meta.api,
        "title": meta.title.strip(),
        "modified": str(edition.info.get("modified") or ""),
        "table_status": str(edition.info.get("status") or ""),
        "discontinued": is_discontinued(edition.info.get("status")),
        "resolved_by": edition.how,
        "levels": level_counts(meta),
        "periods": {
            "first": codes[0] if codes else None,
            "last": codes[-1] if codes else None,
            "count": len(codes),
            "types": kinds,
            "first_stored": min(stored) if stored else None,
        },
        "dimensions_seen": [f"{d.key} ({d.title})" for d in meta.dimensions],
    }


def _resolved_info(r: Resolved) -> dict:
    rec = record(r)
    m = rec["measure"]
    meta = r.meta
    kinds = [c.code for c in meta.time.codes if c.code[4:6] == r.kind] if meta.time else []
    return {
        "measure_key": m["key"],
        "measure_title": m["title"],
        "measure_group": m["group"],
        "matched_by": m["matched_by"],
        "unit": m["unit"],
        "scale": m["scale"],
        "measures_added": rec.get("measures_added"),
        "dimensions": [
            {"key": k, "code": v["code"], "title": v["title"], "how": v["how"]} for k, v in rec["categories"].items()
        ]
        + (
            [{"key": r.share[0], "code": "share", "title": f"{r.share[1].title} / {r.share[2].title}", "how": "share"}]
            if r.share
            else []
        ),
        "region_dimension": rec["region_dimension"],
        "period_type": r.kind,
        "period_range": [kinds[0], kinds[-1]] if kinds else None,
    }


class Checker:
    """Open each table once (however many indicators read it) and check every entry against it."""

    def __init__(self, source: CbsSource, api: str | None = None, progress: Callable[[str], None] | None = None):
        self.source = source
        self.api = api
        self.progress = progress or (lambda message: None)
        self._opened: dict[tuple, Opened | SignaalError] = {}

    def _open(self, w: Wanted) -> Opened:
        key = (w.api, w.family, w.table.upper())
        if key not in self._opened:
            self.progress(f"{w.table} ({w.api})")
            try:
                self._opened[key] = self.source.open_table(w.api, w.family, w.table)
            except SignaalError as exc:
                self._opened[key] = exc
        got = self._opened[key]
        if isinstance(got, SignaalError):
            raise got
        return got

    def table(self, w: Wanted) -> TableCheck:
        out = TableCheck(table=w.table)
        try:
            opened = self._open(w)
        except SignaalError as exc:
            out.status, out.reason = "fail", str(exc)
            return out
        out.table = opened.meta.table_id
        out.info = _table_info(opened)
        notes = list(opened.warnings)
        if out.info["discontinued"]:
            notes.append(f"table {opened.meta.table_id} is discontinued ({out.info['table_status']})")
        try:
            r = resolve(opened.meta, w)
        except SignaalError as exc:
            out.status, out.reason = "fail", str(exc)
            return out
        out.info |= _resolved_info(r)
        notes += r.notes
        if notes:
            out.status, out.reason = "warn", "; ".join(notes)
        return out

    def indicator(self, ind: Indicator) -> dict:
        tables = [self.table(w) for w in wanted(ind, self.api)]
        main, also = tables[0], tables[1:]
        status = _worst([t.status for t in tables])
        reasons = [t.reason if t is main else f"{t.table}: {t.reason}" for t in tables if t.reason]
        return {
            "indicator": ind.id,
            "kind": "cbs",
            "verified": bool(ind.source.verified),
            "unverified": ind.source.unverified or "",
            "family": ind.source.family,
            "catalogue_table": ind.source.table,
            "levels_wanted": list(ind.levels),
            **main.as_dict(),
            "status": status,
            "reason": "; ".join(reasons) or "resolves cleanly against the metadata",
            "also": [t.as_dict() for t in also],
        }


def _derived(ind: Indicator, cat: Catalogue, rows: dict[str, dict]) -> dict:
    inputs = [i for i in cat.dependencies(ind.id) if i in rows]
    statuses = [rows[i]["status"] for i in inputs]
    status = _worst(statuses)
    bad = [f"{i} ({rows[i]['status']})" for i in inputs if rows[i]["status"] != "ok"]
    verified = ind.source.verified if ind.source.verified is not None else all(rows[i]["verified"] for i in inputs)
    return {
        "indicator": ind.id,
        "kind": "derived",
        "status": status,
        "verified": bool(verified),
        "unverified": ind.source.unverified or "",
        "table": None,
        "measure_key": None,
        "measure_title": None,
        "levels": {},
        "reason": f"computed from {', '.join(inputs)}" + (f"; not ok: {', '.join(bad)}" if bad else ""),
    }


def _not_fetched(ind: Indicator) -> dict:
    return {
        "indicator": ind.id,
        "kind": ind.source.kind,
        "status": "warn",
        "verified": bool(ind.source.verified),
        "unverified": ind.source.unverified or "",
        "table": None,
        "measure_key": None,
        "measure_title": None,
        "levels": {},
        "reason": f"no live source (kind {ind.source.kind}): {ind.source.unverified or 'not fetched by a refresh'}",
    }


def select(cat: Catalogue, only: list[str] | None) -> list[Indicator]:
    """The indicators to check: CBS, derived and not-yet-fetched ones; ``only`` by id or table."""
    checked = [i for i in cat.indicators.values() if i.source.kind in CHECKED_KINDS]
    tokens = [t.strip() for item in (only or []) for t in str(item).split(",") if t.strip()]
    if not tokens:
        return checked
    chosen: list[Indicator] = []
    for token in tokens:
        tables = lambda i: {(i.source.table or "").upper(), *(p.table.upper() for p in i.source.also)}  # noqa: E731
        hits = [i for i in checked if i.id == token.lower() or token.upper() in tables(i)]
        if not hits:
            names = sorted({i.id for i in checked} | {t for i in checked for t in tables(i) if t})
            raise InputError(f"--only {token!r} matches no CBS indicator or table; {suggest(token, names)}")
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def check(
    cat: Catalogue,
    source: CbsSource,
    *,
    only: list[str] | None = None,
    api: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """One row per indicator (see the module doc), in catalogue order."""
    if api not in (None, "v3", "v4"):
        raise InputError(f"--api {api!r} is not a CBS API; valid: v3, v4")
    chosen = select(cat, only)
    checker = Checker(source, api, progress)
    rows: dict[str, dict] = {}
    for ind in chosen:
        if ind.source.kind == "cbs":
            rows[ind.id] = checker.indicator(ind)
        elif ind.source.kind != "derived":
            rows[ind.id] = _not_fetched(ind)
    for ind in cat.indicators.values():  # inputs of a chosen derived indicator are checked too
        if ind in chosen and ind.source.kind == "derived":
            for dep in cat.dependencies(ind.id):
                if dep not in rows and cat[dep].source.kind == "cbs":
                    rows[dep] = checker.indicator(cat[dep])
                elif dep not in rows and cat[dep].source.kind in CHECKED_KINDS:
                    rows[dep] = _not_fetched(cat[dep])
            rows[ind.id] = _derived(ind, cat, rows)
    ids = {i.id for i in chosen}
    return [rows[i] for i in cat.indicators if i in ids]


# ---- presentation ----------------------------------------------------------------------
COLUMNS = ("indicator", "status", "verified", "table", "measure", "pinned", "levels", "periods")


def _pinned(row: dict) -> str:
    dims = row.get("dimensions") or []
    return "; ".join(f"{d['key']}={d['code']} {d['title']}" for d in dims) or "–"


def _periods(row: dict) -> str:
    rng, kind = row.get("period_range"), row.get("period_type")
    if rng:
        return f"{rng[0]}–{rng[1]} ({kind})"
    p = row.get("periods") or {}
    return f"{p.get('first')}–{p.get('last')}" if p.get("first") else "–"


def _table_cell(row: dict) -> str:
    if not row.get("table"):
        return "–"
    text = str(row["table"])
    if row.get("modified"):
        text += f" ({str(row['modified'])[:10]})"
    if row.get("discontinued"):
        text += " discontinued"
    for part in row.get("also") or []:
        text += f" + {part['table']}"
    return text


def table_rows(rows: list[dict]) -> list[list[str]]:
    """The rows of ``signaal data check --format table`` (columns :data:`COLUMNS`)."""
    out = []
    for row in rows:
        measure = f"{row['measure_key']} {row['measure_title']!r}" if row.get("measure_key") else "–"
        if row.get("unit"):
            measure += f" [{row['unit']}]"
        levels = " ".join(f"{k} {v}" for k, v in (row.get("levels") or {}).items()) or "–"
        out.append(
            [
                row["indicator"],
                row["status"],
                "yes" if row["verified"] else "no",
                _table_cell(row),
                measure,
                _pinned(row),
                levels,
                _periods(row),
            ]
        )
    return out


def summary(rows: list[dict]) -> str:
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    unverified = sum(not r["verified"] for r in rows)
    return (
        f"{len(rows)} indicators: {counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail; "
        f"{unverified} marked verified: false in indicators.yaml"
    )
