"""The real data in the bundle: byte-for-byte copies with their origin, read through the live
code, checked (industries against their parts, members against their region, figures from the
CBS table pages), and the real 2023 boundaries the maps draw out of the box."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from signaal.indicators.data import Data
from signaal.regions import registry
from signaal.store.geo import boundaries_or_none, build_bundled_boundaries, bundled_boundaries
from signaal.store.sample.real import load_origins, read_table
from signaal.store.validation import check_anchors, part_sums
from signaal.store.vintage import Store


@pytest.fixture(scope="module")
def sample(root):
    return Data(Store(root / "data").sample())


@pytest.fixture(scope="module")
def origins(root):
    return load_origins(root / "data" / "real")


def test_every_real_file_is_a_byte_for_byte_copy_of_its_origin(root, origins, real_fixtures):
    for table, entry in origins["tables"].items():
        folder = root / "data" / "real" / entry.get("folder", table)
        shared = real_fixtures.parent.parent.parent / entry["origin"]["shared_copy"].removeprefix("../")
        for name, want in entry["files"].items():
            content = gzip.decompress((folder / name).read_bytes())
            assert hashlib.sha256(content).hexdigest() == want["sha256"] and len(content) == want["bytes"], name
            original = shared / name.removesuffix(".gz") if shared.is_dir() else shared
            assert content == original.read_bytes(), f"{table}/{name} differs from {original}"


def test_twentes_employee_jobs_are_the_real_cbs_figures(sample):
    jobs = sample.table("banen_werknemers")
    assert jobs.loc["2019", "CR12"] == 299_700  # 299,7 thousand (83582NED)
    assert (jobs.loc["2010", "CR12"], jobs.loc["2024", "CR12"]) == (276_400, 320_400)
    obs = sample.observations
    status = obs[(obs["indicator"] == "banen_werknemers") & (obs["region"] == "CR12")].set_index("period")["status"]
    assert status["2024"] == "voorlopig" and status["2023"] == "definitief"
    assert len(jobs.columns) == 40 + 12 + 1 and list(jobs.index) == [str(y) for y in range(2010, 2025)]


def test_industry_totals_are_the_sum_of_their_parts(root, origins):
    real = read_table(root / "data" / "real", "83582NED", origins)
    entry = origins["tables"]["83582NED"]
    found = part_sums(real.frame, "BedrijfstakkenBranchesSBI2008", entry["parts"], entry["part_step"])
    assert (found.compared, found.off) == (4869, []) and found.warning("x") is None
    # one industry off by a thousand jobs in Twente, 2019: named, with its total and its sum
    broken = real.frame.copy()
    hit = (broken["geo"].str.strip() == "CR12") & (broken["period"] == "2019JJ00")
    hit &= broken["BedrijfstakkenBranchesSBI2008"].str.strip() == "354200"  # G, a part of G-I
    broken.loc[hit, "value"] += 1.0
    off = part_sums(broken, "BedrijfstakkenBranchesSBI2008", entry["parts"], entry["part_step"])
    assert [(o[0], o[1], o[2]) for o in off.off] == [("300006", "CR12", "2019JJ00")]
    assert "300006 in CR12 2019JJ00 is 79.2, its parts sum to 80.3" in (off.warning("83582NED") or "")


def test_derived_totals_add_up_and_the_checks_are_recorded(sample):
    reg = registry()
    jobs = sample.table("banen_werknemers")
    for pv in reg.codes("provincie"):
        assert np.allclose(jobs[reg.children(pv, "corop")].sum(axis=1), jobs[pv])
    assert np.allclose(jobs[reg.codes("provincie")].sum(axis=1), jobs["NL01"])
    checks = sample.vintage.manifest["validation"]["checks"]
    assert checks["part_sums"]["83582NED"] == {"compared": 4869, "off": 0}
    assert checks["sums"]["banen_werknemers"]["off"] == 0 and checks["sums"]["bevolking"]["off"] == 0
    assert checks["anchors"] >= 1
    figures = sample.vintage.manifest["figures"]
    assert figures["banen_werknemers"]["derived_from"] == {"provincie": "corop", "land": "corop"}
    assert figures["bevolking"]["levels"] == {
        "gemeente": "real",
        "corop": "derived",
        "provincie": "derived",
        "land": "derived",
    }


def test_sale_prices_price_index_and_cpi_are_the_real_v4_figures(sample):
    prices = sample.table("verkoopprijs_woningen")
    assert (prices.loc["2025", "GM0153"], prices.loc["2025", "PV23"], prices.loc["2025", "NL01"]) == (
        373_780,
        420_923,
        479_527,
    )
    assert "CR12" not in prices  # CBS publishes no COROP figure and there are no sales counts to weigh by
    index = sample.table("prijsindex_koopwoningen")
    assert index.loc["2026Q1", "NL01"] == 153.6 and index.index[0] == "2020Q1"
    assert sample.table("cpi").loc["2025", "NL01"] == 100.0


def test_the_manifest_names_every_real_table_with_its_origin(sample):
    sources = sample.vintage.manifest["sources"]
    assert set(sources) == {"83582NED", "83625NED", "85792NED", "86141NED", "85618NED"}
    s = sources["83625NED"]
    assert (s["retrieved"], s["modified"], s["real"]) == ("2026-07-17", "2026-02-17", True)
    assert "CC BY 4.0" in s["licence"] and "Bron: CBS" in s["licence"] and s["origin"]["commit"]
    jobs = sources["83582NED"]
    assert jobs["retrieved"] == "" and "states no download date" in jobs["retrieved_note"]
    assert sources["85618NED"]["retrieved"] == "2024-12-15" and sources["85618NED"]["indicators"] == [
        "bevolking",
        "huishoudens",
    ]


def test_an_anchor_that_differs_is_named():
    import pandas as pd

    obs = pd.DataFrame(
        {"indicator": ["banen_werknemers"], "region": ["CR12"], "period": ["2019"], "value": [299_600.0]}
    )
    anchors = [
        {"indicator": "banen_werknemers", "region": "CR12", "period": "2019", "value": 299_700},
        {"indicator": "banen_werknemers", "region": "CR12", "period": "2020", "value": 296_900},
    ]
    assert check_anchors(obs, anchors) == [
        "banen_werknemers CR12 2019: expected 299,700, found 299,600",
        "banen_werknemers CR12 2020: expected 296,900, found nothing",
    ]


# ---- boundaries ---------------------------------------------------------------------------
def test_real_boundaries_for_every_region_are_bundled():
    reg = registry()
    for level, n in (("gemeente", 342), ("corop", 40), ("provincie", 12)):
        frame = bundled_boundaries(level)
        assert frame is not None and len(frame) == n
        assert sorted(frame["code"]) == reg.codes(level)
        assert frame.geometry.is_valid.all() and frame.attrs["source"] == "bundled"


def test_a_fresh_data_folder_draws_real_boundaries_and_a_pdok_cache_comes_first(tmp_path, root):
    from signaal.sources.pdok import import_boundaries

    found = boundaries_or_none("gemeente", tmp_path)
    assert found is not None and found.attrs == {"source": "bundled", "year": 2023, "level": "gemeente"}
    plain = tmp_path / "g.geojson"
    plain.write_bytes(gzip.decompress((root / "data/real/geo/gemeenten_2023_wgs84_simplified.geojson.gz").read_bytes()))
    import_boundaries(plain, year=2024, level="gemeente", data_dir=tmp_path, dissolve=False)
    assert boundaries_or_none("gemeente", tmp_path).attrs["source"] == "cache"


def test_the_bundled_boundaries_are_what_the_builder_makes(tmp_path, root):
    built = build_bundled_boundaries(
        root / "data/real/geo/gemeenten_2023_wgs84_simplified.geojson.gz", registry(), tmp_path
    )
    import geopandas as gpd

    for level, path in built.items():
        fresh, committed = gpd.read_parquet(path), bundled_boundaries(level)
        assert list(fresh["code"]) == list(committed["code"]) and list(fresh["name"]) == list(committed["name"])
        assert fresh.geometry.geom_equals_exact(committed.geometry, tolerance=1e-9).all(), level


def test_data_status_says_per_indicator_whether_its_figures_are_real(sample, fresh_data_dir):
    from signaal.catalogue import catalogue
    from signaal.store.diff import freshness

    from conftest import signaal

    rows = freshness(sample.vintage, catalogue()).set_index("indicator")
    assert rows.loc["banen_werknemers", ["figures", "retrieved", "source"]].tolist() == [
        "real (derived: provincie, land)",
        "not stated",
        "83582NED",
    ]
    assert rows.loc["verkoopprijs_woningen", ["figures", "retrieved", "modified"]].tolist() == [
        "real",
        "2026-07-17",
        "2026-02-17",
    ]
    assert rows.loc["prijsindex_koopwoningen", "figures"] == "mixed (real: land, provincie; synthetic: corop)"
    assert rows.loc["werkloosheid", ["figures", "retrieved"]].tolist() == ["synthetic", "–"]
    proc = signaal("data", "status", "--data-dir", str(fresh_data_dir))
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.strip().startswith("verkoopprijs_woningen"))
    assert line.split()[-3:] == ["2026-02-17", "2026-07-17", "real"]
    assert "real CBS figures where bundled, synthetic elsewhere" in proc.stdout
