"""Boundaries: PDOK OGC API Features on loopback, the local cache, the offline import."""

import json

import pytest

from signaal.errors import InputError
from signaal.regions import registry
from signaal.sources.pdok import fetch_boundaries, import_boundaries
from signaal.sources.raw import RawStore
from signaal.store.geo import load_boundaries


def square(x, y, size=0.1):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def feature(code, name, x, y, year=2024):
    return {
        "type": "Feature",
        "id": f"{year}{code}",
        "geometry": square(x, y),
        "properties": {"statcode": code, "statnaam": name, "jrstatcode": f"{year}{code}", "rubriek": "gemeente"},
    }


def test_fetch_follows_next_links_and_caches(loopback, endpoints, fast_http, tmp_path):
    path = "/cbs/gebiedsindelingen/ogc/v1/collections/gemeente_gegeneraliseerd/items"
    page1 = {
        "type": "FeatureCollection",
        "features": [feature("GM0153", "Enschede", 6.8, 52.2), feature("GM0998", "Buitenland", 0, 0)],
        "links": [
            {
                "rel": "next",
                "href": f"https://api.pdok.nl{path}?f=json&jaarcode=2024&cursor=2",
                "type": "application/geo+json",
            }
        ],
    }
    page2 = {"type": "FeatureCollection", "features": [feature("GM0164", "Hengelo", 6.7, 52.25)], "links": []}
    loopback.body(path, page1, when=lambda a: "cursor" not in a and a.get("jaarcode") == "2024")
    loopback.body(path, page2, when=lambda a: a.get("cursor") == "2")
    assert load_boundaries("gemeente", data_dir=tmp_path) is None  # nothing cached yet: None, never the network
    frame = fetch_boundaries(
        "gemeente", 2024, endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path / "raw"), data_dir=tmp_path
    )
    assert list(frame["code"]) == ["GM0153", "GM0164"]  # GM0998 (Buitenland) excluded
    assert loopback.count("jaarcode=2024") == 2
    cached = load_boundaries("gemeenten", 2024, data_dir=tmp_path)
    assert list(cached.columns) == ["code", "name", "geometry"] and cached.crs.to_epsg() == 4326
    assert cached.set_index("code").loc["GM0164", "name"] == "Hengelo"
    assert load_boundaries("gemeente", 2023, data_dir=tmp_path) is None
    assert list((tmp_path / "raw" / "pdok").rglob("items-0002.json.meta.json"))


def test_import_dissolves_municipalities_into_corop_and_provinces(tmp_path):
    reg = registry()
    twente = reg.children("CR12")
    features = [feature(code, reg.get(code).name_nl, 6.0 + i * 0.1, 52.0, 2024) for i, code in enumerate(twente)]
    features.append(feature("GM0998", "Buitenland", 0, 0))
    src = tmp_path / "gemeenten.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    written = import_boundaries(src, year=2024, registry=reg, data_dir=tmp_path)
    assert set(written) == {"gemeente", "corop", "provincie"}
    gm = load_boundaries("gemeente", data_dir=tmp_path)
    assert sorted(gm["code"]) == sorted(twente)
    cr = load_boundaries("corop", data_dir=tmp_path)
    assert list(cr["code"]) == ["CR12"] and cr.iloc[0]["name"] == "Twente"
    assert cr.geometry.iloc[0].area == pytest.approx(sum(g.area for g in gm.geometry))  # squares side by side
    assert list(load_boundaries("provincie", data_dir=tmp_path)["code"]) == ["PV23"]


def test_import_real_2023_municipalities(real_fixtures, tmp_path):
    import_boundaries(
        real_fixtures / "geo" / "gemeenten_2023_wgs84_simplified.geojson", registry=registry(), data_dir=tmp_path
    )
    gm = load_boundaries("gemeente", data_dir=tmp_path)
    assert len(gm) == 342 and "GM0998" not in set(gm["code"])  # the year (2023) is read from the file
    assert set(gm["code"]) == set(registry().codes("gemeente"))
    assert len(load_boundaries("corop", 2023, data_dir=tmp_path)) == 40
    assert len(load_boundaries("provincie", 2023, data_dir=tmp_path)) == 12


def test_import_errors_are_one_line(tmp_path):
    with pytest.raises(InputError, match="boundary file '.*nope.geojson' not found"):
        import_boundaries(tmp_path / "nope.geojson", year=2024, data_dir=tmp_path)
    with pytest.raises(InputError, match="unknown boundary level 'wijk'; valid: gemeente, corop, provincie"):
        load_boundaries("wijk", data_dir=tmp_path)
    src = tmp_path / "x.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [feature("GM0153", "Enschede", 6, 52)]}))
    with pytest.raises(InputError, match="say which year it is with --year"):
        import_boundaries(src, data_dir=tmp_path)
