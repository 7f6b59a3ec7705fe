"""Paged GETs through the raw store: follow next links, keep every page, resume after a failure.

CBS pages its feeds (v3 ``odata.nextLink`` every 10,000 rows, v4 ``@odata.nextLink``) and
PDOK pages its features (a ``next`` link). :func:`fetch_pages` follows the links and saves
each page as ``<name>-0001.json``, ``-0002`` … in a :class:`~.raw.Bundle` before it asks for
the next one. Pages already in the bundle (from an earlier, interrupted refresh, or from a
complete one whose table has not changed) are read from disk instead of fetched again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..errors import SourceError
from .raw import Bundle, RawFile

if TYPE_CHECKING:  # the HTTP client (requests, tenacity) loads only where one is made
    from .http import HttpClient

MAX_PAGES = 10_000  # a guard against a server that links a page to itself forever


def encode_query(params: dict[str, str]) -> str:
    """``$filter=startswith(RegioS,'GM')`` with spaces as %20 and OData's punctuation kept readable."""
    safe = "$,'()"
    return "&".join(quote(k, safe="$") + "=" + quote(str(v), safe=safe) for k, v in params.items())


def odata_quote(value: str) -> str:
    """A string literal inside an OData filter: quotes doubled."""
    return str(value).replace("'", "''")


def odata_values(page, where: str) -> list[dict]:
    """The ``value`` list of an OData answer (a stored page or parsed JSON); a clear error otherwise."""
    data = page.json() if hasattr(page, "json") else page
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        url = getattr(page, "meta", {}).get("url", "?") if hasattr(page, "meta") else "?"
        raise SourceError(f"{where}: unexpected answer without a 'value' list at {url}")
    return data["value"]


def odata_next(data) -> str | None:
    if isinstance(data, dict):
        return data.get("odata.nextLink") or data.get("@odata.nextLink")
    return None


def fetch_pages(
    http: HttpClient,
    bundle: Bundle,
    name: str,
    url: str,
    *,
    source: str,
    table: str | None,
    next_url: Callable[[object], str | None] = odata_next,
    sidecar: dict | None = None,
    on_page: Callable[[int, bool], None] | None = None,
) -> list[RawFile]:
    """All pages of ``url``; each stored before the next is requested. ``on_page(n, cached)``."""
    pages: list[RawFile] = []
    seen: set[str] = set()
    n = 1
    page_url: str | None = url
    while page_url:
        if page_url in seen or n > MAX_PAGES:
            raise SourceError(f"{source}{' table ' + table if table else ''}: the next-page links loop at {page_url}")
        seen.add(page_url)
        fname = f"{name}-{n:04d}.json"
        stored = bundle.load(fname)
        cached = stored is not None and stored.meta.get("url") == page_url
        if not cached:
            response = http.get_json(page_url, source=source, table=table)
            stored = bundle.save(fname, response, source=source, table=table, page=n, **(sidecar or {}))
        assert stored is not None  # cached means it was loaded, else it was just saved
        pages.append(stored)
        if on_page:
            on_page(n, cached)
        page_url = next_url(stored.json())
        n += 1
    return pages
