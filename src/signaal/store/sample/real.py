"""Real CBS figures for the bundled sample, read from ``data/real`` through the live code.

``data/real`` holds byte-for-byte copies of real CBS answers (gzipped) with their origin in
``origins.yaml``. Three readers turn them into tidy observations:

- ``v4_capture``: a capture of the OData v4 API (``Properties``, ``Dimensions``,
  ``MeasureCodes``, ``<Dim>Codes``, ``Observations``) goes through the refresh's own code:
  the v4 backend's cell parsing, measure and category resolution, and tidy (periods, status,
  scale, regions outside the registry dropped);
- ``typed_csv``: a CSV of a v3 ``TypedDataSet`` (padded codes) goes through the v3 backend's
  cell parsing and the same tidy, with the table's metadata rebuilt from the extract and the
  CBS table page (the unit "x 1 000" and the status of the latest year; see ``origins.yaml``);
- ``geo_key_figures``: the key figures of the CBS wijk- en buurtkaart (one property per
  municipality) for one year.

Every reader returns the observations, a resolution record as a refresh writes it, and the
table's record for the manifest's ``sources`` (title, ``Modified``, retrieval date as the origin
states it, licence, the files it came from).
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

import pandas as pd
import yaml

from ...catalogue import Indicator
from ...errors import DataError
from ...regions import PREFIX, Registry, normalise_code
from ...sources.cbs import modified_date
from ...sources.cbs.model import Code, Dimension, Measure, TableMeta
from ...sources.cbs.resolve import resolve, wanted
from ...sources.cbs.tidy import tidy
from ...sources.cbs.v3 import V3Backend
from ...sources.cbs.v4 import V4Backend, v4_dimension, v4_measure
from ...sources.http import HttpClient
from ...sources.raw import RawStore


@dataclass
class RealTable:
    """One real table as read from ``data/real``: its long frame and where it came from."""

    table: str
    meta: TableMeta
    frame: pd.DataFrame  # the backend's long frame (geo, period, dimensions, measure, value, ...)
    record: dict  # the manifest's ``sources`` entry (without ``indicators``)
    extra: dict = field(default_factory=dict)


def load_origins(real_dir: Path) -> dict:
    return yaml.safe_load((Path(real_dir) / "origins.yaml").read_text("utf-8"))


def _json(path: Path):
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


def _source_record(table: str, entry: dict, origins: dict, meta_title: str, retrieved: str, modified: str) -> dict:
    return {
        "kind": "cbs",
        "real": True,
        "publisher": entry.get("publisher", "CBS StatLine"),
        "api": entry.get("api", ""),
        "title": meta_title or entry.get("title", ""),
        "table": table,
        "modified": modified_date(modified) if modified else "",
        "retrieved": retrieved,
        "retrieved_note": " ".join(str(entry.get("retrieved_note") or "").split()),
        "licence": origins.get("licence", ""),
        "origin": dict(entry.get("origin") or {}),
        "files": sorted(entry.get("files") or {}),
    }


def read_v4_capture(real_dir: Path, table: str, origins: dict) -> RealTable:
    """A v4 capture (``<table>/*.json.gz``) → its metadata and long frame, as the v4 backend reads them."""
    folder = Path(real_dir) / table
    props = _json(folder / "properties.json.gz")
    index = _json(folder / "index.json.gz")
    measures = [v4_measure(m) for m in _json(folder / "measure-codes.json.gz")["value"]]
    dims = [
        v4_dimension(d, _json(folder / f"codes-{d['Identifier']}.json.gz")["value"])
        for d in _json(folder / "dimensions.json.gz")["value"]
    ]
    meta = TableMeta(
        api="v4",
        table_id=str(props.get("Identifier") or table),
        title=str(props.get("Title") or ""),
        modified=str(props.get("Modified") or ""),
        version=str(props.get("Version") or ""),
        status=str(props.get("Status") or ""),
        measures=measures,
        dimensions=dims,
    )
    pages = [_json(folder / (name + ".gz")) for name in index.get("observationPages") or []]
    backend = V4Backend("", cast(HttpClient, None), cast(RawStore, None))
    frame = backend.observations(meta, pages, [m.key for m in measures])
    entry = origins["tables"][table]
    retrieved = str(index.get("capturedAt") or "")[:10]
    record = _source_record(table, entry, origins, meta.title, retrieved, meta.modified)
    record["capture_filter"] = index.get("sliceFilter") or ""
    record["license_in_properties"] = props.get("License") or ""
    return RealTable(table, meta, frame, record)


def read_typed_csv(real_dir: Path, table: str, origins: dict) -> RealTable:
    """A v3 ``TypedDataSet`` CSV → the long frame, as the v3 backend reads its pages.

    The table's ``metadata`` in ``origins.yaml`` gives what the extract lacks and the CBS table
    page shows: the measure's title, unit and decimals, the dimension titles, and which periods
    are provisional."""
    entry = origins["tables"][table]
    spec = entry["metadata"]
    name = next(iter(entry["files"]))
    text = gzip.decompress((Path(real_dir) / table / name).read_bytes()).decode("utf-8")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    key = spec["measure_key"]
    dims_spec: dict = spec["dimensions"]
    provisional = {str(p) for p in spec.get("provisional_periods") or []}
    dims = []
    for dim_key, d in dims_spec.items():
        values = sorted(raw[dim_key].unique(), key=str.strip)
        if d["kind"] == "time":
            codes = [Code(v, v.strip(), "Voorlopig" if v.strip() in provisional else "Definitief") for v in values]
        else:
            codes = [Code(v, str((d.get("titles") or {}).get(v.strip(), v.strip()))) for v in values]
        dims.append(Dimension(key=dim_key, title=d["title"], kind=d["kind"], codes=codes))
    measure = Measure(key=key, title=spec["measure_title"], unit=spec["unit"], decimals=spec["decimals"])
    meta = TableMeta(api="v3", table_id=table, title=entry["title"], modified="", measures=[measure], dimensions=dims)
    rows = raw.to_dict("records")
    for r in rows:  # the TypedDataSet gives numbers as numbers, an empty cell as null
        r[key] = float(r[key]) if r[key].strip() else None
    backend = V3Backend("", cast(HttpClient, None), cast(RawStore, None))
    frame = backend.observations(meta, [{"value": rows}], [key])
    record = _source_record(table, entry, origins, meta.title, str(entry.get("retrieved") or ""), "")
    record["status_note"] = " ".join(str(entry.get("status_note") or "").split())
    return RealTable(table, meta, frame, record)


def read_table(real_dir: Path, table: str, origins: dict) -> RealTable:
    """A real table of ``origins.yaml`` read with its reader."""
    reader = origins["tables"][table]["reader"]
    if reader == "v4_capture":
        return read_v4_capture(real_dir, table, origins)
    if reader == "typed_csv":
        return read_typed_csv(real_dir, table, origins)
    if reader == "geo_key_figures":
        return read_geo_key_figures(real_dir, table, origins)
    raise ValueError(f"data/real/origins.yaml: table {table} has unknown reader {reader!r}")


def tidy_indicator(real: RealTable, ind: Indicator, registry: Registry) -> tuple[pd.DataFrame, dict]:
    """One indicator's tidy observations from a real table, resolved exactly as a refresh
    resolves the catalogue entry that reads this table (the main source or a table of
    ``source.also``), on the API the real answer came from. An extract may hold fewer region
    levels than the table publishes (the jobs extract: COROP regions only), so the entry asks
    only for the levels the extract has."""
    api = real.meta.api if real.meta.api in ("v3", "v4") else None
    entries = [w for w in wanted(ind, api) if w.table.upper() == real.table.upper()]
    if not entries:
        raise DataError(f"sample: {ind.id} reads no table {real.table} in the catalogue; see data/real/origins.yaml")
    held = {normalise_code(c.code)[:2] for c in real.meta.geo.codes} if real.meta.geo is not None else set()
    levels = (
        [lvl for lvl in entries[0].levels if PREFIX[lvl] in held] if real.meta.geo is not None else entries[0].levels
    )
    return tidy(resolve(real.meta, replace(entries[0], levels=levels)), real.frame, registry)


def read_geo_key_figures(real_dir: Path, table: str, origins: dict) -> RealTable:
    """The municipalities' key figures in the real boundary file (one row per municipality)."""
    entry = origins["tables"][table]
    name = next(iter(entry["files"]))
    data = json.loads(gzip.decompress((Path(real_dir) / entry["folder"] / name).read_bytes()).decode("utf-8"))
    rows = [f["properties"] for f in data["features"]]
    frame = pd.DataFrame(rows)
    frame["geo"] = frame["gemeentecode"].map(normalise_code)
    record = _source_record(table, entry, origins, entry["title"], str(entry.get("retrieved") or ""), "")
    record["period"] = str(entry["period"])
    meta = TableMeta(api="geo", table_id=table, title=entry["title"], modified="")
    return RealTable(table, meta, frame, record, extra={"period": str(entry["period"])})


def key_figure(real: RealTable, ind: Indicator, prop: str, registry: Registry) -> tuple[pd.DataFrame, dict]:
    """One key figure (``aantalInwoners``) of the municipalities in the registry as tidy observations."""
    frame = real.frame[real.frame["geo"].isin(set(registry.codes("gemeente")))]
    values = pd.to_numeric(frame[prop], errors="coerce")
    obs = pd.DataFrame(
        {
            "indicator": ind.id,
            "region": frame["geo"].values,
            "period": real.extra["period"],
            "value": values.values,
            "status": ["definitief" if v == v else "ontbreekt" for v in values],
        }
    )
    record = {
        "source": real.table,
        "api": "geo",
        "measure": {"key": prop, "title": prop, "matched_by": "property", "unit": "aantal", "scale": 1.0},
        "rows": int(len(obs)),
        "levels": {"gemeente": int(len(obs))},
        "catalogue_unit": ind.unit,
    }
    return obs.reset_index(drop=True), record
