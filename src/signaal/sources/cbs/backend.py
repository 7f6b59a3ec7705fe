"""What the two CBS backends (OData v3 and v4) share: the session, the raw store, the search of
the CBS catalogue for the editions of a table family, the metadata bundle and the long frame
both hand on (one row per cell: ``geo, period, <dimension keys>, measure, value, missing, reason``)."""

from __future__ import annotations

import pandas as pd

from ...files import sha256
from ..http import HttpClient, Response
from ..paging import encode_query, fetch_pages, odata_quote, odata_values
from ..raw import Bundle, RawStore, now_stamp
from .model import GEO_KEYS, Code, Dimension, Measure, TableMeta


def empty_frame(meta: TableMeta) -> pd.DataFrame:
    """The long frame of a table that answered no rows."""
    return pd.DataFrame(
        columns=["geo", "period", *[d.key for d in meta.others], "measure", "value", "missing", "reason"]
    )


def long_frame(meta: TableMeta, rows: pd.DataFrame, measure_column: str, cells: list[tuple]) -> pd.DataFrame:
    """Name the columns of the long frame: one row per row of ``rows``, ``cells`` the parsed
    ``(value, missing, reason)`` of each."""
    out = pd.DataFrame(
        {
            "geo": rows[meta.geo.key].astype(str).values if meta.geo is not None else None,
            "period": rows[meta.time.key].astype(str).values if meta.time is not None else None,
        },
        index=range(len(rows)),
    )
    for d in meta.others:
        out[d.key] = rows[d.key].astype(str).values
    out["measure"] = rows[measure_column].astype(str).values
    out["value"] = [c[0] for c in cells]
    out["missing"] = [c[1] for c in cells]
    out["reason"] = [c[2] for c in cells]
    return out


def dimension_kind(type_text: str, key: str) -> str:
    """``time``, ``geo`` or ``dim`` from the API's dimension type (v3 ``Type``, v4 ``Kind``) and key."""
    if type_text == "TimeDimension":
        return "time"
    return "geo" if type_text == "GeoDimension" or key in GEO_KEYS else "dim"


class Backend:
    api = ""
    source = ""
    raw_source = ""
    info_file = ""  # the table-info answer kept with the metadata (TableInfos.json, Properties.json)
    # the catalogue service: path below the base URL, entity name, extra query options and
    # the field that says whether an edition is still current
    catalogue_path = ""
    catalogue_entity = ""
    catalogue_query: dict[str, str] = {}
    catalogue_select = ""
    status_field = ""

    def __init__(self, base: str, http: HttpClient, raw: RawStore):
        self.base = base.rstrip("/")
        self.http = http
        self.raw = raw

    def search(self, family: str) -> list[dict]:
        """Catalogue rows whose title starts with ``family`` (the server filters, we check)."""
        url = f"{self.base}/{self.catalogue_path}?" + encode_query(
            {
                **self.catalogue_query,
                "$filter": f"startswith(Title,'{odata_quote(family)}')",
                "$select": self.catalogue_select,
            }
        )
        key = "family-" + sha256(family.encode())[:12]
        bundle = self.raw.bundle(self.raw_source, "_catalogue", now_stamp(), key)
        pages = fetch_pages(
            self.http,
            bundle,
            self.catalogue_entity,
            url,
            source=f"{self.source} catalogue",
            table=None,
            sidecar={"family": family},
        )
        bundle.finish({"family": family, "url": url, "pages": len(pages)})
        rows = [r for p in pages for r in odata_values(p, f"{self.source} catalogue")]
        return [
            {
                "id": str(r.get("Identifier", "")).strip(),
                "title": str(r.get("Title", "")),
                "modified": r.get("Modified") or "",
                "status": r.get(self.status_field) or "",
                "language": r.get("Language") or "",
            }
            for r in rows
        ]

    # ---- what each backend implements ----------------------------------------------
    def info(self, table_id: str) -> tuple[dict, Response]:
        """Title and ``Modified`` of a table, and the answer they were read from."""
        raise NotImplementedError

    def metadata(
        self, table_id: str, info: dict, info_response: Response, force: bool = False
    ) -> tuple[TableMeta, Bundle]:
        """A table's measures and dimensions, kept in its metadata bundle."""
        raise NotImplementedError

    def data_url(
        self,
        meta: TableMeta,
        *,
        prefixes: list[str],
        codes: dict[str, list[Code]],
        kind: str | None,
        measures: list[str],
    ) -> str:
        """The URL of the observations of one request."""
        raise NotImplementedError

    def observations(self, meta: TableMeta, pages: list, measures: list[str]) -> pd.DataFrame:
        """Pages → the long frame (see :func:`long_frame`)."""
        raise NotImplementedError

    # ---- metadata -------------------------------------------------------------------
    def meta_bundle(self, table_id: str, info: dict, info_response: Response, force: bool) -> Bundle:
        """The bundle a table's metadata is kept in (per ``Modified``), with the table-info answer."""
        bundle = self.raw.bundle(self.raw_source, table_id, info["modified"], "meta", force)
        if bundle.load(self.info_file) is None:
            bundle.save(self.info_file, info_response, source=self.source, table=table_id, modified=info["modified"])
        return bundle

    def listing(self, bundle: Bundle, name: str, url: str, table_id: str, info: dict) -> list[dict]:
        """All rows of a metadata list (every page kept in ``bundle``)."""
        pages = fetch_pages(
            self.http, bundle, name, url, source=self.source, table=table_id, sidecar={"modified": info["modified"]}
        )
        return [r for p in pages for r in odata_values(p, f"{self.source} table {table_id}")]

    def table_meta(
        self, table_id: str, info: dict, bundle: Bundle, measures: list[Measure], dimensions: list[Dimension]
    ) -> TableMeta:
        """Mark the metadata bundle whole and describe the table."""
        if not bundle.complete:
            bundle.finish({"table": table_id, "modified": info["modified"]})
        return TableMeta(
            api=self.api,
            table_id=info["id"] or table_id,
            title=info["title"],
            modified=info["modified"],
            version=info.get("version", ""),
            status=info.get("status", ""),
            measures=measures,
            dimensions=dimensions,
        )
