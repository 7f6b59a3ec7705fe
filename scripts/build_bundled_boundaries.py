"""Build the boundaries bundled with Signaal (``src/signaal/store/boundaries/``).

Input: the real 2023 municipality boundaries in ``data/real/geo/`` (origin in
``data/real/origins.yaml``). Municipalities are kept as they are; COROP regions and provinces
are dissolved from them with the region registry. Usage::

    python scripts/build_bundled_boundaries.py
"""

from __future__ import annotations

from pathlib import Path

from signaal.regions import registry
from signaal.store.geo import build_bundled_boundaries

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    source = ROOT / "data" / "real" / "geo" / "gemeenten_2023_wgs84_simplified.geojson.gz"
    for level, path in build_bundled_boundaries(source, registry()).items():
        print(f"{level}: {path}")
