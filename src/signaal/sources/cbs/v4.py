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
from ..http import Response
from ..paging import encode_query
from ..paging import odata_quote as _quote
from ..paging import odata_values as _values
from ..raw import Bundle
from .backend import Backend, dimension_kind, empty_frame, long_frame
from .model import Code, Dimension, Measure, NotationError, TableMeta, attribute_status, parse_cell


def v4_measure(m: dict) -> Measure:
    """A measure as a v4 ``MeasureCodes`` row describes it."""
    return Measure(
        key=str(m["Identifier"]),
        title=str(m.get("Title") or "").strip(),
        unit=str(m.get("Unit") or "").strip(),
        decimals=m.get("Decimals"),
        group=str(m.get("MeasureGroupId") or ""),
        datatype=m.get("DataType") or "",
    )


def v4_dimension(d: dict, codes: list[dict]) -> Dimension:
    """A dimension as a v4 ``Dimensions`` row and its ``<key>Codes`` rows describe it."""
    key = d["Identifier"]
    return Dimension(
        key=key,
        title=str(d.get("Title") or key),
        kind=dimension_kind(d.get("Kind") or "", key),
        codes=[
            Code(key=str(c["Identifier"]), title=str(c.get("Title") or "").strip(), status=str(c.get("Status") or ""))
            for c in codes
        ],
    )


class V4Backend(Backend):
    api = "v4"
    source = "CBS StatLine (OData v4)"
    raw_source = "cbs-v4"
    notation = "point"  # how a StringValue writes a number (see model.NOTATIONS)
    info_file = "Properties.json"
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

    def metadata(
        self, table_id: str, info: dict, info_response: Response, force: bool = False
    ) -> tuple[TableMeta, Bundle]:
        bundle = self.meta_bundle(table_id, info, info_response, force)
        root = self.root(table_id)

        def listing(name: str) -> list[dict]:
            return self.listing(bundle, name, f"{root}/{name}", table_id, info)

        measures = [v4_measure(m) for m in listing("MeasureCodes")]
        dims = [v4_dimension(d, listing(f"{d['Identifier']}Codes")) for d in listing("Dimensions")]
        return self.table_meta(table_id, info, bundle, measures, dims), bundle

    # ---- data -----------------------------------------------------------------------
    def data_url(
        self,
        meta: TableMeta,
        *,
        prefixes: list[str],
        codes: dict[str, list[Code]],
        kind: str | None,
        measures: list[str],
    ) -> str:
        clauses = ["(" + " or ".join(f"Measure eq '{_quote(m)}'" for m in measures) + ")"]
        if meta.geo is not None and prefixes:
            clauses.append("(" + " or ".join(f"startswith({meta.geo.key},'{_quote(p)}')" for p in prefixes) + ")")
        for dim_key, pinned in codes.items():
            one = [f"{dim_key} eq '{_quote(c.key)}'" for c in pinned]
            clauses.append(one[0] if len(one) == 1 else "(" + " or ".join(one) + ")")
        if meta.time is not None and kind:
            clauses.append(f"contains({meta.time.key},'{kind}')")
        return f"{self.root(meta.table_id)}/Observations?" + encode_query({"$filter": " and ".join(clauses)})

    def observations(self, meta: TableMeta, pages: list, measures: list[str]) -> pd.DataFrame:
        where = f"{self.source} table {meta.table_id}"
        rows = [r for p in pages for r in _values(p, where)]
        frame = pd.DataFrame.from_records(rows)
        if frame.empty:
            return empty_frame(meta)
        needed = ["Measure", *[d.key for d in meta.dimensions]]
        lacking = [c for c in needed if c not in frame.columns]
        if lacking:
            raise SourceError(
                f"{where}: the observations have no column {lacking[0]!r} (columns: {', '.join(map(str, frame.columns))})"
            )
        frame = frame[frame["Measure"].astype(str).isin(set(measures))]
        attr = (
            frame["ValueAttribute"].astype(str)
            if "ValueAttribute" in frame.columns
            else pd.Series("None", index=frame.index)
        )
        value = frame["Value"] if "Value" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        text = (
            frame["StringValue"] if "StringValue" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        )
        cells: list[tuple[float | None, str | None, str | None]] = []
        for a, v, s in zip(attr.tolist(), value.tolist(), text.tolist(), strict=True):
            if a not in ("None", "none", "", "nan"):
                cells.append((None, attribute_status(a), a))
                continue
            number_given = v is not None and not (isinstance(v, float) and v != v)
            try:
                cells.append(parse_cell(v if number_given else s, self.notation))
            except NotationError as exc:
                raise SourceError(f"{where}: StringValue {exc}; did the API's format change?") from None
        return long_frame(meta, frame, "Measure", cells)
