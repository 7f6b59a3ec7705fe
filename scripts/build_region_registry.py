"""Build ``src/signaal/reference/regions.csv`` from real CBS-derived lookup tables.

Inputs (see ``../shared/fixtures/real/README.md`` for their origin):
- ``regions/woonplaats_gemeente_corop_2024.csv``: municipality → COROP (2024 classification)
- ``geo/gemeenten_2023_wgs84_simplified.geojson``: inhabitants per municipality (KWB 2023) and
  a point inside each municipality (RD New metres; larger regions: inhabitant-weighted mean)

The registry is committed; this script documents how it was made and lets it be rebuilt
when CBS publishes a new classification. Usage::

    python scripts/build_region_registry.py ../shared/fixtures/real
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

# COROP → province (CBS classification 2024; every COROP lies within one province).
COROP_PROVINCE = {
    **{f"CR{n:02d}": "PV20" for n in (1, 2, 3)},
    **{f"CR{n:02d}": "PV21" for n in (4, 5, 6)},
    **{f"CR{n:02d}": "PV22" for n in (7, 8, 9)},
    **{f"CR{n:02d}": "PV23" for n in (10, 11, 12)},
    **{f"CR{n:02d}": "PV25" for n in (13, 14, 15, 16)},
    "CR17": "PV26",
    **{f"CR{n:02d}": "PV27" for n in range(18, 25)},
    **{f"CR{n:02d}": "PV28" for n in range(25, 31)},
    **{f"CR{n:02d}": "PV29" for n in (31, 32)},
    **{f"CR{n:02d}": "PV30" for n in range(33, 37)},
    **{f"CR{n:02d}": "PV31" for n in (37, 38, 39)},
    "CR40": "PV24",
}
PROVINCES = {
    "PV20": ("Groningen", "Groningen"),
    "PV21": ("Fryslân", "Friesland"),
    "PV22": ("Drenthe", "Drenthe"),
    "PV23": ("Overijssel", "Overijssel"),
    "PV24": ("Flevoland", "Flevoland"),
    "PV25": ("Gelderland", "Gelderland"),
    "PV26": ("Utrecht", "Utrecht"),
    "PV27": ("Noord-Holland", "North Holland"),
    "PV28": ("Zuid-Holland", "South Holland"),
    "PV29": ("Zeeland", "Zeeland"),
    "PV30": ("Noord-Brabant", "North Brabant"),
    "PV31": ("Limburg", "Limburg"),
}


def main(real: Path, out: Path) -> None:
    municipalities: dict[str, tuple[str, str]] = {}
    coropen: dict[str, str] = {}
    with open(real / "regions" / "woonplaats_gemeente_corop_2024.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            gm = "GM" + row["Gemeentecode"].strip().zfill(4)
            cr = "CR" + row["COROP-gebiedcode"].strip().zfill(2)
            municipalities[gm] = (row["Gemeente"].strip(), cr)
            coropen[cr] = row["COROP-gebied"].strip()
    geo = json.loads((real / "geo" / "gemeenten_2023_wgs84_simplified.geojson").read_text("utf-8"))
    inhabitants = {f["properties"]["gemeentecode"]: f["properties"].get("aantalInwoners") for f in geo["features"]}
    # a point inside each municipality, in RD New metres (for tile maps without boundaries)
    import geopandas as gpd

    gdf = gpd.read_file(real / "geo" / "gemeenten_2023_wgs84_simplified.geojson")
    gdf = gdf.set_crs(4326, allow_override=True).to_crs(28992)
    points = gdf.representative_point()
    where = {code: (round(p.x, -2), round(p.y, -2)) for code, p in zip(gdf["gemeentecode"], points, strict=True)}
    rows = [("NL01", "Nederland", "Netherlands", "land", "", "")]
    for pv, (nl, en) in PROVINCES.items():
        rows.append((pv, nl, en, "provincie", "NL01", ""))
    for cr in sorted(coropen):
        rows.append((cr, coropen[cr], coropen[cr], "corop", COROP_PROVINCE[cr], ""))
    for gm in sorted(municipalities):
        name, cr = municipalities[gm]
        pop = inhabitants.get(gm)
        rows.append((gm, name, name, "gemeente", cr, "" if pop is None else str(pop)))
    # Aggregate inhabitants upwards so that every level has a consistent reference size.
    pop_by: dict[str, int] = {}
    parent = {r[0]: r[4] for r in rows}
    for gm, (_, _) in municipalities.items():
        p = inhabitants.get(gm)
        node = parent[gm]
        while p is not None and node:
            pop_by[node] = pop_by.get(node, 0) + p
            node = parent[node]
    rows = [r if r[5] else (*r[:5], str(pop_by.get(r[0], ""))) for r in rows]
    # larger regions: the inhabitant-weighted mean point of their municipalities
    acc: dict[str, list[float]] = {}
    for gm in municipalities:
        if gm not in where or inhabitants.get(gm) is None:
            continue
        w = inhabitants[gm]
        node = parent[gm]
        while node:
            a = acc.setdefault(node, [0.0, 0.0, 0.0])
            a[0] += where[gm][0] * w
            a[1] += where[gm][1] * w
            a[2] += w
            node = parent[node]
    for code, (sx, sy, sw) in acc.items():
        where[code] = (round(sx / sw, -2), round(sy / sw, -2))
    rows = [(*r, *(f"{v:.0f}" for v in where.get(r[0], ("", "")))) if r[0] in where else (*r, "", "") for r in rows]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name_nl", "name_en", "level", "parent", "inhabitants_2023", "x_rd", "y_rd"])
        w.writerows(rows)
    tmp.replace(out)
    print(f"wrote {out}: {len(rows)} regions ({len(coropen)} COROP, {len(municipalities)} municipalities)")


if __name__ == "__main__":
    real = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures/real")
    main(real, Path(__file__).resolve().parents[1] / "src" / "signaal" / "reference" / "regions.csv")
