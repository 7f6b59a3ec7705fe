"""CBS: from a catalogue entry to what to ask a table for.

A catalogue entry asks one or more tables for figures (:func:`wanted`: the main source and the
tables of ``source.also``). Against a table's metadata, :func:`resolve` finds the measure (or
the measures to add up), a category for every other dimension (a filter, a list of categories
to add up, the two categories of a share, else the total), the region dimension, the region
levels and the period type. It reads metadata only, so ``signaal data check`` and the refresh
take the same path; every choice is recorded in a :class:`Resolved`.

Whatever cannot be resolved raises a :class:`ResolutionError` (a :class:`SourceError`) of one
line that names the indicator, the table and the alternatives seen: the real measure titles,
the categories of a dimension, the dimensions, the levels and period types the table has.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ...catalogue import Indicator
from ...catalogue.schema import Share
from ...errors import SourceError
from ...regions import PREFIX as LEVEL_PREFIX
from ...regions import normalise_code
from .model import FREQ_KIND, Code, Dimension, Measure, TableMeta, norm, total_code, unit_scale

FREQ_WORD = {"Y": "yearly", "Q": "quarterly", "M": "monthly"}
KIND_WORD = {"JJ": "yearly", "KW": "quarterly", "MM": "monthly", "SJ": "school years", "HJ": "half-yearly"}
LEVEL_ORDER = ("NL", "LD", "PV", "CR", "AM", "GM")


class ResolutionError(SourceError):
    """A catalogue entry that does not match the table's metadata (named in one line)."""


@dataclass(frozen=True)
class Wanted:
    """What one catalogue entry asks of one table: the main source or a table of ``also``."""

    indicator: Indicator
    family: str
    table: str
    api: str
    measure: str | list[str]
    keys: dict[str, str]
    filters: dict[str, str | list[str]]
    share: Share | None
    region_dimension: str | None
    levels: list[str]
    part: bool = False  # a table of ``source.also``

    @property
    def key(self) -> str | None:
        """The measure key the catalogue gives for this API (``keys``), if any."""
        return self.keys.get(self.api)

    @property
    def measure_text(self) -> str:
        return " + ".join(self.measure) if isinstance(self.measure, list) else self.measure


def wanted(ind: Indicator, api: str | None = None) -> list[Wanted]:
    """The tables a CBS indicator reads: the main one first, then those of ``source.also``.
    ``api`` overrides the catalogue's API (``signaal data check --api v4``)."""
    s = ind.source
    assert s.family and s.table and s.measure  # the catalogue schema requires them for a CBS source
    chosen = api or s.api
    out = [
        Wanted(
            ind,
            s.family,
            s.table,
            chosen,
            s.measure,
            {str(k): v for k, v in s.keys.items()},
            dict(s.filters),
            s.share,
            s.region_dimension,
            ind.main_levels,
        )
    ]
    for p in s.also:
        out.append(
            Wanted(ind, p.family, p.table, chosen, p.measure, {str(k): v for k, v in p.keys.items()}, dict(p.filters), None, p.region_dimension,
                   list(p.levels), part=True)
        )  # fmt: skip
    return out


@dataclass
class Resolved:
    """How one indicator is read from one table: its measures (added up when more than one), the
    pinned categories per dimension (added up when more than one), the share's two categories,
    the region dimension (``meta``), the period type (``JJ``/``KW``/``MM``/``SJ``), the unit's
    scale, the region prefixes to ask for and the request (``plan``) it shares."""

    wanted: Wanted
    meta: TableMeta
    measures: list[Measure]
    matched: str
    cats: dict[str, list[tuple[Code, str]]]
    share: tuple[str, Code, Code] | None
    kind: str
    scale: float
    prefixes: list[str]
    notes: list[str] = field(default_factory=list)
    plan: tuple = ()

    @property
    def indicator(self) -> Indicator:
        return self.wanted.indicator

    @property
    def measure(self) -> Measure:
        return self.measures[0]


def _where(meta: TableMeta, w: Wanted) -> str:
    return f"{w.indicator.id}: CBS table {meta.table_id} ({meta.title.strip()})"


def _listed(items: list[str], limit: int = 12) -> str:
    more = f", … ({len(items)} in all)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more if items else "(none)"


# ---- editions ------------------------------------------------------------------------
def _year_after(title: str, family: str) -> int:
    years = re.findall(
        r"(?<!\d)(?:19|20)\d{2}(?!\d)", title[len(family) :] if norm(title).startswith(norm(family)) else ""
    )
    return max((int(y) for y in years), default=0)


def is_discontinued(status: str | None) -> bool:
    return "gediscontinueerd" in norm(status) or "discontinued" in norm(status)


def choose_edition(rows: list[dict], family: str) -> tuple[dict | None, list[dict]]:
    """The newest table of a family among catalogue rows (the server's filter is re-checked).

    Newest = not discontinued, then the highest year in the title after the family
    ("… regionale indeling 2024" beats "… 2023"), then the latest ``Modified``, then the
    highest number in the id.
    """
    fam = norm(family)
    cands = [r for r in rows if r.get("id") and norm(r.get("title")).startswith(fam)]
    dutch = [
        r
        for r in cands
        if str(r.get("language") or "nl").lower().startswith("nl") and not r["id"].upper().endswith("ENG")
    ]
    cands = dutch or cands
    if not cands:
        return None, []

    def key(r: dict):
        number = int(re.sub(r"\D", "", r["id"]) or 0)
        return (
            not is_discontinued(r.get("status")),
            _year_after(r["title"], family),
            str(r.get("modified") or ""),
            number,
        )

    ordered = sorted(cands, key=key, reverse=True)
    return ordered[0], ordered


# ---- measures ------------------------------------------------------------------------
def _measure_list(meta: TableMeta) -> str:
    return _listed([f"{m.title} ({m.key}{', in ' + m.group if m.group else ''})" for m in meta.measures], 15)


def resolve_measure(meta: TableMeta, wanted: str, *, where: str | None = None) -> tuple[Measure, str]:
    """The measure a catalogue entry means: by key, key prefix, title, group and title, then title prefix."""
    where = where or f"CBS table {meta.table_id} ({meta.title.strip()})"
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
            raise ResolutionError(
                f"{where}: measure {wanted!r} is ambiguous ({len(found)} measures match by {how}: {listed}); give the exact "
                f"title, 'group / title' or the key in source.keys in indicators.yaml"
            )
    raise ResolutionError(
        f"{where}: no measure matches {wanted!r} (renamed?); measures in the table: {_measure_list(meta)}"
    )


def _measure_by_key(meta: TableMeta, key: str, where: str) -> tuple[Measure, str]:
    """A measure named by its key for this API (``source.keys``): exact, else the key prefix."""
    for how, test in (
        ("key", lambda m: norm(m.key) == norm(key)),
        ("key prefix", lambda m: norm(m.key_prefix) == norm(key)),
    ):
        found = [m for m in meta.measures if test(m)]
        if len(found) == 1:
            return found[0], how
        if len(found) > 1:
            listed = "; ".join(f"{m.key} ({m.title}{', in ' + m.group if m.group else ''})" for m in found[:6])
            raise ResolutionError(
                f"{where}: key {key!r} is ambiguous ({len(found)} measures match: {listed}); give the exact key in source.keys"
            )
    raise ResolutionError(
        f"{where}: no measure has the key {key!r} (renamed?); measures in the table: {_measure_list(meta)}"
    )


def _measures(meta: TableMeta, w: Wanted) -> tuple[list[Measure], str, list[str]]:
    """The measure(s) of an entry, how they were found, and notes (a title that differs from the catalogue)."""
    where = _where(meta, w)
    notes: list[str] = []
    if w.key:
        measure, how = _measure_by_key(meta, w.key, where)
        if isinstance(w.measure, str) and norm(measure.title) != norm(w.measure):
            notes.append(
                f"{w.indicator.id}: {meta.table_id} measure {measure.key} is titled {measure.title!r}, "
                f"indicators.yaml says {w.measure!r}"
            )
        return [measure], f"{how} ({w.api})", notes
    texts = w.measure if isinstance(w.measure, list) else [w.measure]
    found = [resolve_measure(meta, text, where=where) for text in texts]
    measures = [m for m, _ in found]
    if len({m.key for m in measures}) < len(measures):
        raise ResolutionError(f"{where}: the measures to add up ({w.measure_text}) name one measure twice")
    units = {unit_scale(m.unit) for m in measures}
    if len(units) > 1:
        listed = ", ".join(f"{m.title} ({m.unit})" for m in measures)
        raise ResolutionError(f"{where}: the measures to add up have different units ({listed})")
    how = found[0][1] if len(found) == 1 else "sum of " + ", ".join(how for _, how in found)
    return measures, how, notes


# ---- dimensions ----------------------------------------------------------------------
def _dimension(meta: TableMeta, name: str, where: str, dims: list[Dimension] | None = None) -> Dimension:
    dims = meta.others if dims is None else dims
    found = next((d for d in dims if d.key == name), None) or next(
        (d for d in dims if norm(d.key) == norm(name) or norm(d.title) == norm(name)), None
    )
    if found is None:
        listed = _listed([f"{d.key} ({d.title})" for d in dims])
        raise ResolutionError(f"{where}: no dimension {name!r}; the table's other dimensions: {listed}")
    return found


def _categories_of(dim: Dimension, limit: int = 12) -> str:
    return _listed([f"{c.code} {c.title}" for c in dim.codes], limit)


def _category(dim: Dimension, value: str, where: str, role: str = "filter") -> Code:
    code = next((c for c in dim.codes if c.code == str(value).strip()), None) or next(
        (c for c in dim.codes if norm(c.title) == norm(value)), None
    )
    if code is None:
        raise ResolutionError(
            f"{where}: {role} {dim.key}={value!r} matches no category; categories of {dim.key} "
            f"({dim.title}): {_categories_of(dim)}"
        )
    return code


def resolve_categories(
    meta: TableMeta, filters: dict, *, share: Share | None = None, where: str | None = None
) -> tuple[dict[str, list[tuple[Code, str]]], tuple[str, Code, Code] | None]:
    """Pin every non-region, non-time dimension: the filter's categories (a list is added up),
    the two categories of a share, else the total. Returns the pins and the share."""
    where = where or f"CBS table {meta.table_id} ({meta.title.strip()})"
    chosen: dict[str, list[tuple[Code, str]]] = {}
    for name, value in filters.items():
        dim = _dimension(meta, name, where)
        values = value if isinstance(value, list) else [value]
        codes = [_category(dim, v, where) for v in values]
        if len({c.code for c in codes}) < len(codes):
            raise ResolutionError(f"{where}: filter {dim.key} names one category twice ({', '.join(values)})")
        chosen[dim.key] = [(c, "filter" if len(codes) == 1 else "sum") for c in codes]
    pinned_share = None
    if share is not None:
        dim = _dimension(meta, share.dimension, where)
        if dim.key in chosen:
            raise ResolutionError(f"{where}: dimension {dim.key} has a filter and a share; give one")
        num = _category(dim, share.numerator, where, "share numerator")
        den = _category(dim, share.denominator, where, "share denominator")
        pinned_share = (dim.key, num, den)
    for dim in meta.others:
        if dim.key in chosen or (pinned_share and dim.key == pinned_share[0]):
            continue
        code = total_code(dim)
        if code is None:
            raise ResolutionError(
                f"{where}: dimension {dim.key} ({dim.title}) has no total category; add a filter for it in "
                f"indicators.yaml; its categories: {_categories_of(dim)}"
            )
        chosen[dim.key] = [(code, "total")]
    return chosen, pinned_share


def choose_region(meta: TableMeta, w: Wanted) -> TableMeta:
    """The table as this entry reads it: ``region_dimension`` (or the only region dimension) is
    the region; any other region dimension is pinned like an ordinary dimension."""
    where = _where(meta, w)
    geos = [d for d in meta.dimensions if d.kind == "geo"]
    if w.region_dimension:
        target = _dimension(meta, w.region_dimension, where, [d for d in meta.dimensions if d.kind != "time"])
    elif len(geos) > 1:
        listed = ", ".join(f"{d.key} ({d.title})" for d in geos)
        raise ResolutionError(
            f"{where}: the table has {len(geos)} region dimensions ({listed}); name the one that is the region "
            "in source.region_dimension and pin the other with a filter"
        )
    else:
        return meta
    dims = [
        replace(d, kind="geo" if d.key == target.key else ("dim" if d.kind == "geo" else d.kind))
        for d in meta.dimensions
    ]
    return replace(meta, dimensions=dims)


# ---- regions and periods ---------------------------------------------------------------
def level_counts(meta: TableMeta) -> dict[str, int]:
    """How many codes of each level (NL, LD, PV, CR, AM, GM …) the region dimension has."""
    if meta.geo is None:
        return {}
    counts = Counter(normalise_code(c.code)[:2] for c in meta.geo.codes)
    ordered = {k: counts[k] for k in LEVEL_ORDER if counts.get(k)}
    return ordered | {k: v for k, v in sorted(counts.items()) if k not in ordered}


def _levels_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def region_prefixes(meta: TableMeta, w: Wanted) -> list[str]:
    """The region-code prefixes (``CR``, ``GM`` …) to ask for; every level of the entry must be there."""
    where = _where(meta, w)
    if meta.geo is None:
        if w.levels != ["land"]:
            raise ResolutionError(
                f"{where}: the table has no region dimension, but the levels are {', '.join(w.levels)}"
            )
        return []
    counts = level_counts(meta)
    lacking = [lvl for lvl in w.levels if LEVEL_PREFIX[lvl] not in counts]
    if lacking:
        missing = ", ".join(f"{lvl} ({LEVEL_PREFIX[lvl]}…)" for lvl in lacking)
        raise ResolutionError(
            f"{where}: no regions at level {missing} in its region dimension {meta.geo.key}; it has "
            f"{_levels_text(counts)}; set levels in indicators.yaml to what the table publishes"
        )
    return [LEVEL_PREFIX[lvl] for lvl in w.levels]


def period_kinds(meta: TableMeta) -> dict[str, int]:
    """Period types and how many periods of each (``{"JJ": 31, "KW": 124}``)."""
    if meta.time is None:
        return {}
    return dict(Counter(c.code[4:6] for c in meta.time.codes))


def period_kind(meta: TableMeta, w: Wanted) -> str:
    """The period type an entry reads: its frequency's (``JJ``/``KW``/``MM``), or school years
    (``SJ``) for a yearly entry of a table that counts in school years."""
    freq = w.indicator.frequency
    kind = FREQ_KIND[freq]
    if meta.time is None:
        return kind
    kinds = period_kinds(meta)
    if kind in kinds:
        return kind
    if freq == "Y" and "SJ" in kinds:
        return "SJ"
    listed = ", ".join(f"{KIND_WORD.get(k, k)} ({k})" for k in sorted(kinds)) or "none"
    raise ResolutionError(
        f"{_where(meta, w)}: no {FREQ_WORD[freq]} periods (it has {listed}); check frequency in indicators.yaml"
    )


# ---- units ---------------------------------------------------------------------------
def unit_warning(ind: Indicator, measure: Measure) -> str | None:
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
        return (
            f"{ind.id}: CBS unit {measure.unit!r} of {measure.key} does not look like the catalogue unit {ind.unit!r}"
        )
    if ind.unit == "count" and ("%" in u or "euro" in u):
        return f"{ind.id}: CBS unit {measure.unit!r} of {measure.key} is not a count"
    return None


# ---- the whole entry -------------------------------------------------------------------
def resolve(meta: TableMeta, w: Wanted) -> Resolved:
    """Everything one entry reads from one table, from its metadata alone."""
    table = choose_region(meta, w)
    measures, matched, notes = _measures(table, w)
    cats, share = resolve_categories(table, w.filters, share=w.share, where=_where(table, w))
    kind = period_kind(table, w)
    prefixes = region_prefixes(table, w)
    if share is None:
        note = unit_warning(w.indicator, measures[0])
        if note:
            notes.append(note)
    scale, _ = unit_scale(measures[0].unit)
    sel_cats = tuple(sorted((k, tuple(c.key for c, _ in pins)) for k, pins in cats.items()))
    sel_share = (share[0], (share[1].key, share[2].key)) if share else None
    plan = (("_region", table.geo.key if table.geo else ""), *sel_cats, ("_share", sel_share), ("_kind", kind))
    return Resolved(
        wanted=w,
        meta=table,
        measures=measures,
        matched=matched,
        cats=cats,
        share=share,
        kind=kind,
        scale=scale,
        prefixes=prefixes,
        notes=notes,
        plan=plan,
    )


def request_codes(r: Resolved) -> dict[str, list[Code]]:
    """The categories to ask for per dimension: the pins, and both categories of a share."""
    codes = {k: [c for c, _ in pins] for k, pins in r.cats.items()}
    if r.share:
        codes[r.share[0]] = [r.share[1], r.share[2]] if r.share[1].key != r.share[2].key else [r.share[1]]
    return codes
