"""CBS: from a catalogue entry to what to ask a table for.

The newest edition of a table family (:func:`choose_edition`), the measure a catalogue entry
means (:func:`resolve_measure`), a category for every other dimension
(:func:`resolve_categories`) and the region levels to filter on (:func:`region_prefixes`).
Every choice is recorded in a :class:`Resolved` for the vintage manifest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...catalogue import Indicator
from ...errors import SourceError, suggest
from ...regions import PREFIX as LEVEL_PREFIX
from ...regions import normalise_code
from .model import Code, Measure, TableMeta, norm, total_code

FREQ_WORD = {"Y": "yearly", "Q": "quarterly", "M": "monthly"}
KIND_WORD = {"JJ": "yearly", "KW": "quarterly", "MM": "monthly"}


@dataclass
class Resolved:
    """How one indicator is read from a table: its measure, the pinned categories, the period
    type (``JJ``/``KW``/``MM``), the unit's scale and the request (``plan``) it shares."""

    indicator: Indicator
    measure: Measure
    matched: str
    cats: dict[str, tuple[Code, str]]
    kind: str
    scale: float
    plan: tuple


def _year_after(title: str, family: str) -> int:
    years = re.findall(
        r"(?<!\d)(?:19|20)\d{2}(?!\d)", title[len(family) :] if norm(title).startswith(norm(family)) else ""
    )
    return max((int(y) for y in years), default=0)


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
        dim = (
            dims.get(name)
            or by_title.get(norm(name))
            or next((d for d in meta.others if norm(d.key) == norm(name)), None)
        )
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


def region_prefixes(meta: TableMeta, ind: Indicator, warnings: list[str]) -> list[str]:
    """The region-code prefixes (``CR``, ``GM`` …) to ask for: the indicator's levels the table has."""
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
