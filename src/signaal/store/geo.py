"""Boundaries for the maps: the local PDOK cache first, else the boundaries bundled with Signaal.

Two places hold boundaries, and the maps never go online:

- the **cache** ``data/geo/<level>_<year>.parquet``, written by :mod:`signaal.sources.pdok`
  (``signaal data boundaries --year 2024`` or ``--from-file``), newest year first;
- the **bundled** boundaries ``store/boundaries/<level>_2023.parquet`` inside the package (so a
  fresh clone and any data folder have them): the real 2023 municipalities of the CBS/PDOK
  wijk- en buurtkaart (generalised), dissolved into COROP regions and provinces with the region
  registry. :func:`build_bundled_boundaries` makes them from ``data/real/geo`` (origin in
  ``data/real/origins.yaml``); ``scripts/build_bundled_boundaries.py`` runs it.

Every frame has the columns ``code``, ``name``, ``geometry`` (CRS set) and says where it came
from in ``frame.attrs`` (``source``: ``"cache"`` or ``"bundled"``; ``year``), so a map can name
its boundary source.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from ..regions import Registry
from ..sources.pdok import cache_path, cached_years, import_boundaries, level_name

BUNDLED_YEAR = 2023
LEVELS = ("gemeente", "corop", "provincie")
SLIVER_KM2 = 0.01  # parts and holes smaller than this (1 ha) are artefacts of the generalisation


def bundled_dir() -> Path:
    """The package folder that holds the bundled boundaries."""
    return Path(str(resources.files("signaal") / "store" / "boundaries"))


def _read(path: Path, level: str, year: int, source: str):
    import geopandas as gpd

    frame = gpd.read_parquet(path)[["code", "name", "geometry"]].reset_index(drop=True)
    frame.attrs.update({"source": source, "year": int(year), "level": level})
    return frame


def load_boundaries(level: str, year: int | None = None, data_dir: Path | None = None):
    """Cached boundaries as a GeoDataFrame (``code``, ``name``, ``geometry``; CRS set), or None.

    ``year`` None means the newest cached year. Reads the local cache only, never the network
    (the bundled boundaries: :func:`bundled_boundaries`).
    """
    lvl = level_name(level)
    years = cached_years(lvl, data_dir)
    if not years:
        return None
    if year is None:
        year = years[-1]
    path = cache_path(lvl, year, data_dir)
    if not path.exists():
        return None
    return _read(path, lvl, year, "cache")


def bundled_boundaries(level: str):
    """The boundaries bundled with Signaal (2023), or None when the package lacks them."""
    lvl = level_name(level)
    path = bundled_dir() / f"{lvl}_{BUNDLED_YEAR}.parquet"
    return _read(path, lvl, BUNDLED_YEAR, "bundled") if path.exists() else None


def boundaries_or_none(level: str = "gemeente", data_dir: Path | None = None):
    """Real boundaries for a map: the PDOK cache (newest year), else the bundled ones, else None."""
    try:
        cached = load_boundaries(level, None, data_dir)
    except Exception:  # a broken cache must not sink a briefing: the bundled boundaries still draw
        cached = None
    if cached is not None:
        return cached
    try:
        return bundled_boundaries(level)
    except Exception:  # an unreadable package file: the map falls back to tiles
        return None


def _drop_slivers(frame):
    """Remove polygon parts and holes under :data:`SLIVER_KM2` (left by dissolving generalised
    boundaries that do not meet exactly); islands and enclaves are far larger."""
    from shapely.geometry import MultiPolygon, Polygon

    rd = frame.to_crs(28992)
    limit = SLIVER_KM2 * 1e6

    def clean(geom):
        parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
        kept = [
            Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= limit]) for p in parts if p.area >= limit
        ]
        return kept[0] if len(kept) == 1 else MultiPolygon(kept)

    rd["geometry"] = rd.geometry.map(clean)
    return rd.to_crs(frame.crs)


def build_bundled_boundaries(source: Path, registry: Registry, target: Path | None = None) -> dict[str, Path]:
    """Build the bundled boundaries from the real municipality GeoJSON (``.geojson`` or ``.gz``):
    municipalities as they are, COROP regions and provinces dissolved from them with the registry
    (through :func:`signaal.sources.pdok.import_boundaries`, the same code as ``--from-file``),
    slivers removed. Writes ``<level>_2023.parquet`` to ``target`` (default: the package folder)."""
    import geopandas as gpd

    target = Path(target) if target else bundled_dir()
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "gemeenten.geojson"
        raw = Path(source).read_bytes()
        plain.write_bytes(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
        cached = import_boundaries(plain, year=BUNDLED_YEAR, registry=registry, data_dir=Path(tmp))
        for lvl in LEVELS:
            frame = gpd.read_parquet(cached[lvl])
            if lvl != "gemeente":
                frame = _drop_slivers(frame)
            frame = frame[["code", "name", "geometry"]].sort_values("code").reset_index(drop=True)
            out = Path(tmp) / f"{lvl}.parquet"
            frame.to_parquet(out, index=False, compression="zstd")
            written[lvl] = target / f"{lvl}_{BUNDLED_YEAR}.parquet"
            shutil.copyfile(out, written[lvl])
    return written
