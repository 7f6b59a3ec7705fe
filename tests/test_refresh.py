"""A refresh end to end (library level): new vintage, manifest, cache, carry-over, faults."""

import json
import shutil
import socket

import pytest

from loopback import FIXTURES, serve_real_83599, serve_v3_table
from signaal.errors import SourceError
from signaal.refresh import refresh
from signaal.sources import Endpoints
from signaal.store import Store

V3 = FIXTURES / "cbs_v3"


@pytest.fixture
def data_dir(tmp_path, root):
    """A data folder with the curated tables and the bundled sample, as in a checkout."""
    d = tmp_path / "data"
    shutil.copytree(root / "data" / "manual", d / "manual")
    shutil.copytree(root / "data" / "sample", d / "sample")
    return d


@pytest.fixture
def cbs_83582(loopback):
    serve_v3_table(loopback, V3 / "83582NED", "83582NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    return loopback


def run(data_dir, endpoints, fast_http, **kw):
    return refresh(data_dir, endpoints=endpoints, http=fast_http, **kw)


def vintage_folders(data_dir):
    folder = data_dir / "vintages"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_refresh_writes_vintage_raw_and_manifest(data_dir, cbs_83582, endpoints, fast_http):
    result = run(data_dir, endpoints, fast_http, only=["banen_werknemers", "manual"], vintage_id="v1")
    v = result.vintage
    assert (v.path / "observations.parquet").exists() and not v.is_sample
    m = json.loads((v.path / "manifest.json").read_text())
    src = m["sources"]["83582NED"]
    assert src["modified"] == "2025-11-07" and src["title"].startswith("Banen van werknemers in december")
    assert src["url"].startswith(cbs_83582.base) and "UntypedDataSet" in src["url"] and src["retrieved"]
    assert src["family"] == "Banen van werknemers in december; economische activiteit (SBI2008), regio"
    assert src["rows"] == 2 * 19 * 3 and len(src["checksum"]) == 64
    assert m["resolution"]["banen_werknemers"]["measure"]["key"] == "BanenVanWerknemers_1"
    assert set(m["sources"]) >= {"btg_rapportcijfers.csv", "reistijden_trein.csv", "doelen.csv"}
    assert m["sources"]["btg_rapportcijfers.csv"]["rows_with_note"] == 3
    obs = v.observations
    btg = obs[(obs["indicator"] == "btg_rapportcijfer") & (obs["region"] == "CR12") & (obs["period"] == "2025")]
    assert btg["value"].tolist() == [7.4]
    assert any("banen_werknemers" in w and "GM0168 in 2024" in w for w in result.warnings)  # Losser +54%
    # raw responses kept untouched, each with a sidecar
    pages = list((data_dir / "raw" / "cbs-v3" / "83582NED").rglob("data-0001.json"))
    assert len(pages) == 1
    sidecar = json.loads(pages[0].with_name("data-0001.json.meta.json").read_text())
    assert sidecar["url"] == src["url"] and sidecar["modified"] == "2025-11-07T02:00:00"
    assert pages[0].read_bytes() == cbs_83582.rewrite((V3 / "83582NED" / "UntypedDataSet.json").read_text()).encode()
    # the store now prefers this vintage over the sample
    assert Store(data_dir).resolve().id == "v1"


def test_second_refresh_uses_the_cache(data_dir, cbs_83582, endpoints, fast_http):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    second = run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v2")
    assert cbs_83582.count("UntypedDataSet") == 1
    assert second.vintage.manifest["sources"]["83582NED"]["cached"] is True
    assert second.vintage.checksum == Store(data_dir).resolve("v1").checksum


def test_only_carries_the_rest_over_from_the_newest_vintage(data_dir, cbs_83582, endpoints, fast_http):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers", "manual"], vintage_id="v1")
    second = run(data_dir, endpoints, fast_http, only=["btg_rapportcijfers.csv"], vintage_id="v2")
    m = second.vintage.manifest
    assert m["refresh"]["refreshed"] == ["btg_rapportcijfer"]
    assert m["refresh"]["carried_over"]["banen_werknemers"] == "v1"
    assert m["sources"]["83582NED"]["carried_over_from"] == "v1"
    old, new = Store(data_dir).resolve("v1").observations, second.vintage.observations
    pick = lambda o: o[o["indicator"] == "banen_werknemers"].reset_index(drop=True)  # noqa: E731
    assert pick(old).equals(pick(new))
    assert cbs_83582.count("UntypedDataSet") == 1


def test_unknown_only_names_valid_choices(data_dir, endpoints, fast_http):
    from signaal.errors import InputError

    with pytest.raises(InputError, match="--only 'banen_werknemer' matches no indicator.*did you mean 'banen_werknemers'"):
        run(data_dir, endpoints, fast_http, only=["banen_werknemer"])
    with pytest.raises(InputError, match="derived indicator"):
        run(data_dir, endpoints, fast_http, only=["banengroei"])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FAULTS = {
    "429 storm": (lambda lb: lb.fail("/ODataFeed/odata/83582NED/UntypedDataSet", [429] * 5), "HTTP 429"),
    "500s": (lambda lb: lb.fail("/ODataFeed/odata/83582NED/UntypedDataSet", [500] * 5), "HTTP 500"),
    "cut off": (lambda lb: lb.fail("/ODataFeed/odata/83582NED/UntypedDataSet", ["cut"] * 5), "cut off"),
    "html": (lambda lb: lb.fail("/ODataFeed/odata/83582NED/UntypedDataSet", ["html"] * 5), "HTML instead of JSON"),
    "table gone": (lambda lb: (lb.body("/ODataCatalog/Tables", {"value": []}),
                               lb.body("/ODataFeed/odata/83582NED/TableInfos", {"error": "gone"}, status=404)),
                   "no longer exists"),
    "measure renamed": (lambda lb: lb.body("/ODataFeed/odata/83582NED/DataProperties", json.loads(
        (V3 / "83582NED" / "DataProperties.json").read_text().replace('"Banen van werknemers"', '"Werknemersbanen"')
        .replace("BanenVanWerknemers_1", "Werknemersbanen_1"))), "no measure matches 'Banen van werknemers'"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_failed_refresh_writes_nothing_and_names_the_last_good_vintage(fault, data_dir, cbs_83582, endpoints, fast_http):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    inject, words = FAULTS[fault]
    inject(cbs_83582)
    with pytest.raises(SourceError) as err:
        run(data_dir, endpoints, fast_http, only=["banen_werknemers"], force=True, vintage_id="v2")
    msg = str(err.value)
    assert words in msg and "83582NED" in msg
    assert msg.endswith("no new vintage was written; vintage v1 is untouched and `signaal run` will use it")
    assert vintage_folders(data_dir) == ["v1"]  # no v2, no half-written temporary folder
    assert Store(data_dir).resolve().id == "v1" and len(Store(data_dir).resolve().observations) > 0


@pytest.mark.parametrize("host", ["closed port", "dns"])
def test_no_network_falls_back_to_the_sample(host, data_dir, fast_http):
    base = f"http://127.0.0.1:{_closed_port()}" if host == "closed port" else "http://opendata.invalid"
    endpoints = Endpoints(cbs_v3=base, cbs_v4=base, pdok=base, duo=base)
    with pytest.raises(SourceError) as err:
        run(data_dir, endpoints, fast_http, only=["banen_werknemers"])
    msg = str(err.value)
    assert ("connection refused" in msg) if host == "closed port" else ("cannot resolve host 'opendata.invalid'" in msg)
    assert msg.endswith("there is no live vintage yet, so `signaal run` will use the bundled sample")
    assert vintage_folders(data_dir) == []


def test_keep_going_carries_failed_sources_over(data_dir, cbs_83582, endpoints, fast_http, real_fixtures):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    cbs_83582.body("/ODataFeed/odata/83582NED/TableInfos", {"error": "down"}, status=404)
    serve_real_83599(cbs_83582, real_fixtures)
    result = run(data_dir, endpoints, fast_http, only=["banen_werknemers", "vacatures"], keep_going=True, vintage_id="v2")
    assert list(result.failed) == ["CBS 83582NED (v3)"] and result.refreshed == ["vacatures"]
    assert result.carried_over == {"banen_werknemers": "v1"}
    assert set(result.vintage.observations["indicator"]) == {"banen_werknemers", "vacatures"}


def test_resume_after_a_failed_refresh(data_dir, loopback, endpoints, fast_http, real_fixtures):
    serve_real_83599(loopback, real_fixtures)
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    loopback.fail("/ODataFeed/odata/83599NED/UntypedDataSet", [500] * 3, when=lambda a: "$skip" in a)
    with pytest.raises(SourceError, match="no new vintage was written"):
        run(data_dir, endpoints, fast_http, only=["vacatures"])
    assert vintage_folders(data_dir) == []
    result = run(data_dir, endpoints, fast_http, only=["vacatures"])
    first_pages = [r for r in loopback.requests_for("UntypedDataSet") if "$skip" not in r]
    assert len(first_pages) == 1 and len(result.vintage.observations) == 13 * 38
