"""Boundaries from the local cache (written by :mod:`signaal.sources.pdok`), for maps.

Reads the cache only, never the network; the charts get the frame passed in.
"""

from __future__ import annotations

from pathlib import Path

from ..sources.pdok import cache_path, cached_years, level_name


def load_boundaries(level: str, year: int | None = None, data_dir: Path | None = None):
    """Cached boundaries as a GeoDataFrame (``code``, ``name``, ``geometry``; CRS set), or None.

    ``year`` None means the newest cached year. Reads the local cache only, never the network.
    """
    import geopandas as gpd

    lvl = level_name(level)
    years = cached_years(lvl, data_dir)
    if not years:
        return None
    if year is None:
        year = years[-1]
    path = cache_path(lvl, year, data_dir)
    if not path.exists():
        return None
    frame = gpd.read_parquet(path)
    return frame[["code", "name", "geometry"]].reset_index(drop=True)


def boundaries_or_none(level: str = "gemeente", data_dir: Path | None = None):
    """Cached real boundaries (GeoDataFrame with code, name, geometry) or None."""
    try:
        return load_boundaries(level, None, data_dir)
    except Exception:  # a broken cache must not sink a briefing: fall back to tiles
        return None
