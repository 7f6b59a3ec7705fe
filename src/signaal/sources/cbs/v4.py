"""CBS StatLine OData v4 (``datasets.cbs.nl/odata/v1/CBS/<id>``) and its ``Datasets`` catalogue.

Cell based: one observation per row, ``Measure`` (an identifier such as ``M001924``),
``Value`` (a number), ``StringValue`` (text and text tables, API ≥ 1.14.1),
``ValueAttribute`` (``None`` for an ordinary cell; anything else means there is no usable
number, e.g. ``Confidential``) and one column per dimension. Metadata: ``Properties``
(title, ``Modified``, ``Version``), ``MeasureCodes`` (title, unit, decimals), ``Dimensions``
and ``<Dimension>Codes`` (with a ``Status`` per period). Pages are linked by
``@odata.nextLink``.

A number in ``StringValue`` (only when ``Value`` is empty) is read with a decimal point and no
thousands separator, as JSON and OData write numbers. No live answer with a numeric
StringValue has been seen (research notes: text tables such as "Gebieden in Nederland" use
it for text); a value in another notation stops the refresh rather than being guessed.
"""

from __future__ import annotations


import pandas as pd

from ...errors import SourceError
from .model import GEO_KEYS, Code, Dimension, Measure, NotationError, TableMeta, attribute_status, parse_cell
from .v3 import _empty
from .backend import Backend
from ..http import Response
from ..paging import encode_query, fetch_pages, odata_quote as _quote, odata_values as _values
from ..raw import Bundle




class V4Backend(Backend):
    api = "v4"
    source = "CBS StatLine (OData v4)"
    raw_source = "cbs-v4"
    notation = "point"  # how a StringValue writes a number (see cbs_model.NOTATIONS)
    catalogue_path = "CBS/Datasets"
    catalogue_entity = "Datasets"
    catalogue_select = "Identifier,Title,Modified,Status,Language"
    status_field = "Status"

    def root(self, table_id: str) -> str:
        return f"{self.base}/CBS/{table_id}"

    # ---- one table ------------------------------------------------------------------
    def info(self, table_id: str) -> tuple[dict, Response]:
        resp = self.http.get_json(f"{self.root(table_id)}/Properties", source=self.source, table=table_id)
        row = resp.data
        if not isinstance(row, dict) or not (row.get("Identifier") or row.get("Title")):
            raise SourceError(f"{self.source} table {table_id}: unexpected Properties answer at {resp.url}")
        return {
            "id": str(row.get("Identifier") or table_id).strip(),
            "title": row.get("Title") or "",
            "modified": row.get("Modified") or row.get("ObservationsModified") or "",
            "status": row.get("Status") or "",
            "version": str(row.get("Version") or ""),
        }, resp

    def metadata(self, table_id: str, info: dict, info_response: Response, force: bool = False) -> tuple[TableMeta, Bundle]:
        where = f"{self.source} table {table_id}"
        bundle = self.raw.bundle(self.raw_source, table_id, info["modified"], "meta", force)
        side = {"modified": info["modified"]}
        if bundle.load("Properties.json") is None:
            bundle.save("Properties.json", info_response, source=self.source, table=table_id, **side)
        root = self.root(table_id)

        def listing(name: str) -> list[dict]:
            return [r for p in fetch_pages(self.http, bundle, name, f"{root}/{name}", source=self.source,
                                           table=table_id, sidecar=side) for r in _values(p, where)]

        measures = [
            Measure(key=str(m["Identifier"]), title=str(m.get("Title") or "").strip(), unit=str(m.get("Unit") or "").strip(),
                    decimals=m.get("Decimals"), group=str(m.get("MeasureGroupId") or ""), datatype=m.get("DataType") or "")
            for m in listing("MeasureCodes")
        ]
        dims = []
        for d in listing("Dimensions"):
            key = d["Identifier"]
            kind_text = d.get("Kind") or ""
            kind = "time" if kind_text == "TimeDimension" else "geo" if kind_text == "GeoDimension" or key in GEO_KEYS else "dim"
            codes = [Code(key=str(c["Identifier"]), title=str(c.get("Title") or "").strip(), status=str(c.get("Status") or ""))
                     for c in listing(f"{key}Codes")]
            dims.append(Dimension(key=key, title=str(d.get("Title") or key), kind=kind, codes=codes))
        if not bundle.complete:
            bundle.finish({"table": table_id, "modified": info["modified"]})
        meta = TableMeta(api="v4", table_id=info["id"] or table_id, title=info["title"], modified=info["modified"],
                         version=info.get("version", ""), status=info.get("status", ""), measures=measures, dimensions=dims)
        return meta, bundle

    # ---- data -----------------------------------------------------------------------
    def data_url(self, meta: TableMeta, *, prefixes: list[str], codes: dict[str, Code], kind: str | None,
                 measures: list[str]) -> str:
        clauses = ["(" + " or ".join(f"Measure eq '{_quote(m)}'" for m in measures) + ")"]
        if meta.geo is not None and prefixes:
            clauses.append("(" + " or ".join(f"startswith({meta.geo.key},'{_quote(p)}')" for p in prefixes) + ")")
        for dim_key, code in codes.items():
            clauses.append(f"{dim_key} eq '{_quote(code.key)}'")
        if meta.time is not None and kind:
            clauses.append(f"contains({meta.time.key},'{kind}')")
        return f"{self.root(meta.table_id)}/Observations?" + encode_query({"$filter": " and ".join(clauses)})

    def observations(self, meta: TableMeta, pages: list, measures: list[str]) -> pd.DataFrame:
        where = f"{self.source} table {meta.table_id}"
        rows = [r for p in pages for r in _values(p, where)]
        frame = pd.DataFrame.from_records(rows)
        if frame.empty:
            return _empty(meta)
        needed = ["Measure", *[d.key for d in meta.dimensions]]
        lacking = [c for c in needed if c not in frame.columns]
        if lacking:
            raise SourceError(f"{where}: the observations have no column {lacking[0]!r} (columns: {', '.join(map(str, frame.columns))})")
        frame = frame[frame["Measure"].astype(str).isin(set(measures))]
        attr = frame["ValueAttribute"].astype(str) if "ValueAttribute" in frame.columns else pd.Series("None", index=frame.index)
        value = frame["Value"] if "Value" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        text = frame["StringValue"] if "StringValue" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        values, missing, reasons = [], [], []
        for a, v, s in zip(attr.tolist(), value.tolist(), text.tolist()):
            if a not in ("None", "none", "", "nan"):
                values.append(None)
                missing.append(attribute_status(a))
                reasons.append(a)
                continue
            number_given = v is not None and not (isinstance(v, float) and v != v)
            try:
                parsed = parse_cell(v if number_given else s, self.notation)
            except NotationError as exc:
                raise SourceError(f"{where}: StringValue {exc}; did the API's format change?") from None
            values.append(parsed[0])
            missing.append(parsed[1])
            reasons.append(parsed[2])
        out = pd.DataFrame({
            "geo": frame[meta.geo.key].astype(str).values if meta.geo is not None else None,
            "period": frame[meta.time.key].astype(str).values if meta.time is not None else None,
        }, index=range(len(frame)))
        for d in meta.others:
            out[d.key] = frame[d.key].astype(str).values
        out["measure"] = frame["Measure"].astype(str).values
        out["value"] = values
        out["missing"] = missing
        out["reason"] = reasons
        return out
