"""What the two CBS backends (OData v3 and v4) share: the session, the raw store and the
search of the CBS catalogue for the editions of a table family."""

from __future__ import annotations

from ...files import sha256
from ..http import HttpClient
from ..paging import encode_query, fetch_pages, odata_quote, odata_values
from ..raw import RawStore, now_stamp


class Backend:
    api = ""
    source = ""
    raw_source = ""
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
        url = f"{self.base}/{self.catalogue_path}?" + encode_query({
            **self.catalogue_query,
            "$filter": f"startswith(Title,'{odata_quote(family)}')",
            "$select": self.catalogue_select,
        })
        key = "family-" + sha256(family.encode())[:12]
        bundle = self.raw.bundle(self.raw_source, "_catalogue", now_stamp(), key)
        pages = fetch_pages(self.http, bundle, self.catalogue_entity, url, source=f"{self.source} catalogue", table=None,
                            sidecar={"family": family})
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
