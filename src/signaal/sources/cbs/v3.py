"""CBS StatLine OData v3: the Feed (``/ODataFeed/odata/<id>``) and the catalogue (``/ODataCatalog``).

Record based: one row per combination of dimension codes, one column per measure
("Topic"). Metadata: ``TableInfos`` (title, ``Modified``), ``DataProperties`` (dimensions,
topics with ``Unit`` and ``Decimals``) and one code list per dimension (keys padded with
trailing spaces, the time dimension with a ``Status`` per period). Data: ``UntypedDataSet``
(strings, so CBS's symbols survive: '.', 'x', '-') or ``TypedDataSet`` (numbers, ``null``),
in pages of 10,000 rows linked by ``odata.nextLink``. Everything is asked with
``$format=json``; without it the Feed answers Atom XML. The untyped strings write numbers
with a decimal point and no thousands separator (``"   135.5"`` in the real 83599NED feed).
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
from .model import Code, Dimension, Measure, NotationError, TableMeta, parse_cell


class V3Backend(Backend):
    api = "v3"
    source = "CBS StatLine (OData v3)"
    raw_source = "cbs-v3"
    dataset = "UntypedDataSet"
    notation = "point"  # how UntypedDataSet writes numbers (see model.NOTATIONS)
    info_file = "TableInfos.json"
    catalogue_path = "ODataCatalog/Tables"
    catalogue_entity = "Tables"
    catalogue_query = {"$format": "json"}
    catalogue_select = "Identifier,Title,ShortTitle,Modified,OutputStatus,Language,Period,Frequency"
    status_field = "OutputStatus"

    def root(self, table_id: str) -> str:
        return f"{self.base}/ODataFeed/odata/{table_id}"

    # ---- one table ------------------------------------------------------------------
    def info(self, table_id: str) -> tuple[dict, Response]:
        """Title and ``Modified`` of a table: one small request, made on every refresh."""
        resp = self.http.get_json(f"{self.root(table_id)}/TableInfos?$format=json", source=self.source, table=table_id)
        rows = _values(resp.data, f"{self.source} table {table_id}")
        if not rows:
            raise SourceError(f"{self.source} table {table_id}: TableInfos is empty at {resp.url}")
        row = rows[0]
        return {
            "id": str(row.get("Identifier") or table_id).strip(),
            "title": row.get("Title") or "",
            "modified": row.get("Modified") or "",
            "status": row.get("OutputStatus") or "",
            "version": row.get("Modified") or "",
        }, resp

    def metadata(
        self, table_id: str, info: dict, info_response: Response, force: bool = False
    ) -> tuple[TableMeta, Bundle]:
        bundle = self.meta_bundle(table_id, info, info_response, force)
        root = self.root(table_id)
        props = self.listing(bundle, "DataProperties", f"{root}/DataProperties?$format=json", table_id, info)
        by_id = {p.get("ID"): p for p in props}

        def group_title(prop: dict) -> str:
            titles, parent = [], prop.get("ParentID")
            while parent is not None and parent in by_id:
                titles.append(str(by_id[parent].get("Title") or "").strip())
                parent = by_id[parent].get("ParentID")
            return " / ".join(reversed([t for t in titles if t]))

        measures, dims = [], []
        for p in props:
            ptype = p.get("Type") or ""
            if ptype == "Topic":
                measures.append(
                    Measure(
                        key=p["Key"],
                        title=str(p.get("Title") or "").strip(),
                        unit=str(p.get("Unit") or "").strip(),
                        decimals=p.get("Decimals"),
                        group=group_title(p),
                        datatype=p.get("Datatype") or "",
                    )
                )
            elif ptype in ("Dimension", "TimeDimension", "GeoDimension") and p.get("Key"):
                codes = [
                    Code(
                        key=str(c.get("Key", "")),
                        title=str(c.get("Title") or "").strip(),
                        status=str(c.get("Status") or ""),
                    )
                    for c in self.listing(bundle, p["Key"], f"{root}/{p['Key']}?$format=json", table_id, info)
                ]
                dims.append(
                    Dimension(
                        key=p["Key"],
                        title=str(p.get("Title") or p["Key"]),
                        kind=dimension_kind(ptype, p["Key"]),
                        codes=codes,
                    )
                )
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
        clauses = []
        if meta.geo is not None and prefixes:
            clauses.append("(" + " or ".join(f"startswith({meta.geo.key},'{_quote(p)}')" for p in prefixes) + ")")
        for dim_key, pinned in codes.items():
            clauses.append("(" + " or ".join(f"{dim_key} eq '{_quote(c.key)}'" for c in pinned) + ")")
        if meta.time is not None and kind:
            clauses.append(f"substringof('{kind}',{meta.time.key})")
        select = [d.key for d in meta.dimensions] + list(measures)
        params = {"$format": "json"}
        if clauses:
            params["$filter"] = " and ".join(clauses)
        params["$select"] = ",".join(select)
        return f"{self.root(meta.table_id)}/{self.dataset}?" + encode_query(params)

    def observations(self, meta: TableMeta, pages: list, measures: list[str]) -> pd.DataFrame:
        """Pages → one long frame: ``geo, period, <dimension keys>, measure, value, missing, reason``."""
        where = f"{self.source} table {meta.table_id}"
        rows = [r for p in pages for r in _values(p, where)]
        id_cols = [d.key for d in meta.dimensions]
        frame = pd.DataFrame.from_records(rows)
        if frame.empty:
            return empty_frame(meta)
        lacking = [c for c in id_cols + list(measures) if c not in frame.columns]
        if lacking:
            raise SourceError(
                f"{where}: the answer has no column {lacking[0]!r} (columns: {', '.join(map(str, frame.columns))})"
            )
        long = frame.melt(id_vars=id_cols, value_vars=list(measures), var_name="measure", value_name="raw")
        return _cells(long, meta, self.notation, where)


def _cells(long: pd.DataFrame, meta: TableMeta, notation: str, where: str) -> pd.DataFrame:
    """Parse cells once per distinct raw value (fast for big tables) and name the columns."""
    uniques = {}
    for raw in long["raw"].tolist():
        key = (type(raw).__name__, raw if not isinstance(raw, float) or raw == raw else "nan")
        if key not in uniques:
            try:
                uniques[key] = parse_cell(raw, notation)
            except NotationError as exc:
                raise SourceError(f"{where}: {exc}; did the table's format change?") from None
    parsed = [
        uniques[(type(r).__name__, r if not isinstance(r, float) or r == r else "nan")] for r in long["raw"].tolist()
    ]
    return long_frame(meta, long, "measure", parsed)
