"""Region boundaries for the maps: PDOK (CBS gebiedsindelingen), cached locally as GeoParquet.

PDOK serves the generalised CBS boundaries through OGC API Features::

    <SIGNAAL_PDOK_URL>/cbs/gebiedsindelingen/ogc/v1/collections/<gemeente|coropgebied|provincie>_gegeneraliseerd
        /items?f=json&jaarcode=2024&limit=1000      (then the "next" links)

A collection holds several years, so ``jaarcode`` always filters. Features carry ``statcode``
(``GM0153``, ``CR12``, ``PV23``) and ``statnaam``; the geometry is lon/lat (CRS84).

The maps never go online: :func:`load_boundaries` reads the local cache
``data/geo/<level>_<year>.parquet`` only, and returns None when nothing is cached. The cache is
filled by :func:`fetch_boundaries` (``signaal data boundaries --year 2024``) or, offline, by
:func:`import_boundaries` from a GeoJSON/GeoPackage file (``--from-file``); municipalities can
be dissolved into COROP regions and provinces with the region registry.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, SourceError
from ..files import write_atomic
from ..regions import Registry
from .paging import encode_query, fetch_pages
from .raw import RawStore, now_stamp

if TYPE_CHECKING:  # the HTTP client (requests, tenacity) loads only where one is made
    from .http import HttpClient

SOURCE = "PDOK CBS gebiedsindelingen"
COLLECTIONS = {
    "gemeente": "gemeente_gegeneraliseerd",
    "corop": "coropgebied_gegeneraliseerd",
    "provincie": "provincie_gegeneraliseerd",
}
PREFIX = {"gemeente": "GM", "corop": "CR", "provincie": "PV"}
ALIASES = {
    "gemeente": "gemeente",
    "gemeenten": "gemeente",
    "municipality": "gemeente",
    "municipalities": "gemeente",
    "gm": "gemeente",
    "corop": "corop",
    "coropgebied": "corop",
    "coropgebieden": "corop",
    "cr": "corop",
    "provincie": "provincie",
    "provincies": "provincie",
    "province": "provincie",
    "provinces": "provincie",
    "pv": "provincie",
}
EXCLUDED = {"GM0998"}  # "Buitenland" in some PDOK/CBS files
CODE_COLUMNS = ("statcode", "gemeentecode", "code", "gm_code", "coropcode", "provinciecode", "regio_code")
NAME_COLUMNS = ("statnaam", "gemeentenaam", "naam", "name", "coropnaam", "provincienaam", "regio_naam")
YEAR_COLUMNS = ("jaarcode", "jaar", "year")


def level_name(level: str) -> str:
    key = str(level or "").strip().lower()
    if key not in ALIASES:
        raise InputError(f"unknown boundary level {level!r}; valid: gemeente, corop, provincie")
    return ALIASES[key]


def geo_dir(data_dir: Path | None = None) -> Path:
    from .. import config

    return Path(data_dir or config.data_dir()) / "geo"


def cache_path(level: str, year: int, data_dir: Path | None = None) -> Path:
    return geo_dir(data_dir) / f"{level_name(level)}_{int(year)}.parquet"


def cached_years(level: str, data_dir: Path | None = None) -> list[int]:
    lvl = level_name(level)
    folder = geo_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted(
        int(m.group(1))
        for p in folder.glob(f"{lvl}_*.parquet")
        if (m := re.fullmatch(rf"{lvl}_(\d{{4}})\.parquet", p.name))
    )


def _write_cache(frame, level: str, year: int, data_dir: Path | None) -> Path:
    target = cache_path(level, year, data_dir)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(target, buffer.getvalue())
    return target


def _tidy(frame, level: str, where: str):
    """Keep ``code``, ``name``, ``geometry`` for one level; drop other codes and GM0998; one row per code."""
    import geopandas as gpd

    cols = {c.lower(): c for c in frame.columns}
    code_col = next((cols[c] for c in CODE_COLUMNS if c in cols), None)
    if code_col is None:
        raise InputError(f"{where}: no region code property (looked for {', '.join(CODE_COLUMNS)})")
    name_col = next((cols[c] for c in NAME_COLUMNS if c in cols), None)
    out = gpd.GeoDataFrame(
        {
            "code": frame[code_col].astype(str).str.strip().str.upper(),
            "name": frame[name_col].astype(str).str.strip() if name_col else frame[code_col].astype(str),
        },
        geometry=frame.geometry.values,
        crs=frame.crs or "EPSG:4326",
    )
    out = out[out["code"].str.startswith(PREFIX[level]) & ~out["code"].isin(EXCLUDED) & out.geometry.notna()].copy()
    invalid = ~out.geometry.is_valid
    if invalid.any():  # generalised boundaries can self-intersect; repair so they dissolve
        out.loc[invalid, "geometry"] = out.geometry[invalid].make_valid()
    if out.empty:
        raise InputError(f"{where}: no {level} boundaries ({PREFIX[level]}… codes) in it")
    if out["code"].duplicated().any():
        out = out.dissolve(by="code", aggfunc="first", as_index=False)[["code", "name", "geometry"]]
    return out.sort_values("code").reset_index(drop=True)


def fetch_boundaries(
    level: str,
    year: int,
    *,
    endpoints,
    http: HttpClient,
    raw: RawStore,
    data_dir: Path | None = None,
    limit: int = 1000,
):
    """Download one level and year from PDOK (all pages), keep the raw pages, cache and return it."""
    import geopandas as gpd

    lvl = level_name(level)
    collection = COLLECTIONS[lvl]
    url = f"{endpoints.pdok}/cbs/gebiedsindelingen/ogc/v1/collections/{collection}/items?" + encode_query(
        {"f": "json", "jaarcode": str(int(year)), "limit": str(limit)}
    )

    def next_link(data) -> str | None:
        for link in (data or {}).get("links", []) if isinstance(data, dict) else []:
            if link.get("rel") == "next" and link.get("href"):
                return link["href"]
        return None

    bundle = raw.bundle("pdok", collection, str(int(year)), now_stamp())
    pages = fetch_pages(http, bundle, "items", url, source=SOURCE, table=f"{collection} {year}", next_url=next_link)
    features = []
    for page in pages:
        data = page.json()
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            raise SourceError(f"{SOURCE} {collection} {year}: not a GeoJSON FeatureCollection at {page.meta['url']}")
        features.extend(data["features"])
    bundle.finish({"collection": collection, "year": int(year), "pages": len(pages), "features": len(features)})
    if not features:
        raise SourceError(f"{SOURCE} {collection}: no features for jaarcode={year} at {url}; is the year published?")
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    tidy = _tidy(frame, lvl, f"{SOURCE} {collection} {year}")
    _write_cache(tidy, lvl, int(year), data_dir)
    return tidy


def import_boundaries(
    path: Path,
    *,
    year: int | None = None,
    level: str | None = None,
    registry: Registry | None = None,
    data_dir: Path | None = None,
    dissolve: bool = True,
) -> dict[str, Path]:
    """Fill the cache from a local file; municipalities are also dissolved into COROP and provinces.

    Returns the cache files written, by level.
    """
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError(f"boundary file {str(path)!r} not found; give a GeoJSON or GeoPackage file")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"cannot read boundary file {path.name}: {str(exc).splitlines()[0]}") from None
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    cols = {c.lower(): c for c in frame.columns}
    if year is None:
        ycol = next((cols[c] for c in YEAR_COLUMNS if c in cols), None)
        years = sorted({int(str(v)[:4]) for v in frame[ycol].dropna()}) if ycol else []
        if len(years) != 1:
            raise InputError(
                f"boundary file {path.name}: say which year it is with --year (found {years or 'no year'})"
            )
        year = years[0]
    code_col = next((cols[c] for c in CODE_COLUMNS if c in cols), None)
    if level is None:
        if code_col is None:
            raise InputError(
                f"boundary file {path.name}: no region code property (looked for {', '.join(CODE_COLUMNS)})"
            )
        prefixes = frame[code_col].astype(str).str.strip().str[:2].str.upper().value_counts()
        by_prefix = {v: k for k, v in PREFIX.items()}
        top = next((p for p in prefixes.index if p in by_prefix), None)
        if top is None:
            raise InputError(f"boundary file {path.name}: no GM, CR or PV codes; give --level")
        level = by_prefix[top]
    lvl = level_name(level)
    tidy = _tidy(frame, lvl, f"boundary file {path.name}")
    written = {lvl: _write_cache(tidy, lvl, int(year), data_dir)}
    if dissolve and lvl == "gemeente" and registry is not None:
        parents = {c: r.parent for c, r in registry.regions.items()}
        known = tidy[tidy["code"].isin(parents)].copy()
        known["corop"] = known["code"].map(parents)
        corop = known.dissolve(by="corop", as_index=False)[["corop", "geometry"]].rename(columns={"corop": "code"})
        corop["name"] = corop["code"].map(lambda c: registry.get(c).name_nl)
        written["corop"] = _write_cache(corop[["code", "name", "geometry"]], "corop", int(year), data_dir)
        corop["provincie"] = corop["code"].map(parents)
        prov = corop.dissolve(by="provincie", as_index=False)[["provincie", "geometry"]].rename(
            columns={"provincie": "code"}
        )
        prov["name"] = prov["code"].map(lambda c: registry.get(c).name_nl)
        written["provincie"] = _write_cache(prov[["code", "name", "geometry"]], "provincie", int(year), data_dir)
    return written
