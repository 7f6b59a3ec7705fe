"""A refresh end to end (library level): new vintage, manifest, cache, carry-over, faults."""

import json
import socket

import pytest

from signaal.errors import DataError, InputError, SourceError
from signaal.sources import Endpoints
from signaal.store.refresh import refresh
from signaal.store.vintage import Store

from conftest import complete_vintage, fetched_indicators
from loopback import FIXTURES, serve_real_83599, serve_v3_table

V3 = FIXTURES / "cbs_v3"


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
    assert m["resolution"]["banen_werknemers"]["measure"]["key"] == "BanenVanWerknemersInDecember_1"
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

    with pytest.raises(
        InputError, match="--only 'banen_werknemer' matches no indicator.*did you mean 'banen_werknemers'"
    ):
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
    "table gone": (
        lambda lb: (
            lb.body("/ODataCatalog/Tables", {"value": []}),
            lb.body("/ODataFeed/odata/83582NED/TableInfos", {"error": "gone"}, status=404),
        ),
        "no longer exists",
    ),
    "measure renamed": (
        lambda lb: lb.body(
            "/ODataFeed/odata/83582NED/DataProperties",
            json.loads(
                (V3 / "83582NED" / "DataProperties.json")
                .read_text()
                .replace('"Banen van werknemers in december"', '"Werknemersbanen"')
                .replace("BanenVanWerknemersInDecember_1", "Werknemersbanen_1")
            ),
        ),
        "no measure has the key 'BanenVanWerknemersInDecember'",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_failed_refresh_writes_nothing_and_names_the_last_good_vintage(
    fault, data_dir, cbs_83582, endpoints, fast_http
):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    inject, words = FAULTS[fault]
    inject(cbs_83582)
    with pytest.raises(SourceError) as err:
        run(data_dir, endpoints, fast_http, only=["banen_werknemers"], force=True, vintage_id="v2")
    msg = str(err.value)
    assert words in msg and "83582NED" in msg
    assert msg.endswith("no new vintage was written; vintage v1 is untouched and `signaal run` will use it")
    assert vintage_folders(data_dir) == ["v0", "v1"]  # no v2, no half-written temporary folder
    assert Store(data_dir).resolve().id == "v1" and len(Store(data_dir).resolve().observations) > 0


@pytest.mark.parametrize("host", ["closed port", "dns"])
def test_no_network_falls_back_to_the_sample(host, fresh_data_dir, fast_http):
    base = f"http://127.0.0.1:{_closed_port()}" if host == "closed port" else "http://opendata.invalid"
    endpoints = Endpoints(cbs_v3=base, cbs_v4=base, pdok=base, duo=base)
    with pytest.raises(SourceError) as err:
        run(fresh_data_dir, endpoints, fast_http)
    msg = str(err.value)
    assert ("connection refused" in msg) if host == "closed port" else ("cannot resolve host 'opendata.invalid'" in msg)
    assert msg.endswith("there is no live vintage yet, so `signaal run` will use the bundled sample")
    assert vintage_folders(fresh_data_dir) == []


def test_keep_going_carries_failed_sources_over(data_dir, cbs_83582, endpoints, fast_http, real_fixtures):
    run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    cbs_83582.body("/ODataFeed/odata/83582NED/TableInfos", {"error": "down"}, status=404)
    serve_real_83599(cbs_83582, real_fixtures)
    result = run(
        data_dir, endpoints, fast_http, only=["banen_werknemers", "vacatures"], keep_going=True, vintage_id="v2"
    )
    assert list(result.failed) == ["CBS 83582NED (v3)"] and result.refreshed == ["vacatures"]
    assert result.carried_over["banen_werknemers"] == "v1" and "vacatures" not in result.carried_over
    assert set(result.vintage.observations["indicator"]) == set(Store(data_dir).resolve("v0").manifest["indicators"])


def test_resume_after_a_failed_refresh(data_dir, loopback, endpoints, fast_http, real_fixtures):
    serve_real_83599(loopback, real_fixtures)
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    loopback.fail("/ODataFeed/odata/83599NED/UntypedDataSet", [500] * 3, when=lambda a: "$skip" in a)
    with pytest.raises(SourceError, match="no new vintage was written"):
        run(data_dir, endpoints, fast_http, only=["vacatures"])
    assert vintage_folders(data_dir) == ["v0"]
    result = run(data_dir, endpoints, fast_http, only=["vacatures"])
    first_pages = [r for r in loopback.requests_for("UntypedDataSet") if "$skip" not in r]
    obs = result.vintage.observations
    assert len(first_pages) == 1 and (obs["indicator"] == "vacatures").sum() == 13 * 38


# ---- every vintage is whole ------------------------------------------------------------------
def test_only_on_a_fresh_checkout_is_refused_before_any_download(fresh_data_dir, cbs_83582, endpoints, fast_http):
    with pytest.raises(InputError) as err:
        run(fresh_data_dir, endpoints, fast_http, only=["banen_werknemers"])
    msg = str(err.value)
    n = len(fetched_indicators())
    assert f"--only banen_werknemers would leave {n - 1} of {n} indicators out of the new vintage" in msg
    assert "there is no earlier live vintage to carry them over from" in msg
    assert "run `signaal data refresh` without --only first" in msg and "\n" not in msg
    assert cbs_83582.log == [] and vintage_folders(fresh_data_dir) == []
    assert Store(fresh_data_dir).resolve().is_sample  # `signaal run` keeps the whole sample


def test_keep_going_on_a_fresh_checkout_writes_no_partial_vintage(fresh_data_dir, cbs_83582, endpoints, fast_http):
    """Only 83582NED and the curated files answer: the other sources fail and nothing holds them."""
    with pytest.raises(SourceError) as err:
        run(fresh_data_dir, endpoints, fast_http, keep_going=True)
    msg = str(err.value)
    assert "indicators would be missing from the new vintage" in msg
    assert "their sources failed and there is no earlier live vintage to carry them over from" in msg
    assert msg.endswith(
        "no new vintage was written; there is no live vintage yet, so `signaal run` will use the bundled sample"
    )
    assert vintage_folders(fresh_data_dir) == []
    # the pages that did arrive are kept, so the next refresh does not download them again
    assert list((fresh_data_dir / "raw" / "cbs-v3" / "83582NED").rglob("data-0001.json"))


def test_keep_going_refuses_when_the_earlier_vintage_lacks_a_failed_indicator(
    fresh_data_dir, cbs_83582, endpoints, fast_http
):
    """v0 predates `vacatures` in the catalogue; its source fails under --keep-going."""
    complete_vintage(fresh_data_dir, "v0", without=("vacatures",))
    cbs_83582.body("/ODataFeed/odata/83599NED/TableInfos", {"error": "down"}, status=404)
    n = len(fetched_indicators())
    with pytest.raises(
        InputError, match=f"would leave 1 of {n} indicators out .*vacatures.*newest vintage v0 does not"
    ):
        run(fresh_data_dir, endpoints, fast_http, only=["banen_werknemers"])
    with pytest.raises(SourceError) as err:
        run(fresh_data_dir, endpoints, fast_http, only=["banen_werknemers", "vacatures"], keep_going=True)
    msg = str(err.value)
    assert f"1 of {n} indicators would be missing from the new vintage (vacatures)" in msg
    assert "the newest vintage v0 does not hold them either" in msg and "83599NED" in msg
    assert vintage_folders(fresh_data_dir) == ["v0"] and Store(fresh_data_dir).resolve().id == "v0"


# ---- one table, several sources of records ---------------------------------------------------
def test_two_families_that_resolve_to_one_table_share_one_record(data_dir, loopback, endpoints, fast_http):
    """Two catalogue families (an old and a new title) that now name the same CBS table: the
    manifest keeps one record of that table, listing the indicators and requests of both."""
    from signaal.catalogue import Catalogue, catalogue

    serve_v3_table(loopback, V3 / "86088NED", "86088NED")
    serve_v3_table(loopback, V3 / "86008NED", "86008NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    cat = catalogue()
    indicators = dict(cat.indicators)
    old = indicators["werkloosheid"]
    indicators["werkloosheid"] = old.model_copy(
        update={"source": old.source.model_copy(update={"family": "Arbeidsdeelname; regionale indeling 2024"})}
    )
    two = Catalogue(indicators=indicators, themes=cat.themes)
    result = run(
        data_dir,
        endpoints,
        fast_http,
        catalogue=two,
        only=["netto_arbeidsparticipatie", "werkloosheid"],
        vintage_id="v1",
    )
    record = result.vintage.manifest["sources"]["86088NED"]
    assert record["indicators"] == ["netto_arbeidsparticipatie", "werkloosheid"]
    assert set(record["measures"]) == {"netto_arbeidsparticipatie", "werkloosheid"}
    assert len(record["urls"]) == 2 and len(record["raw"]) == 4  # each family: its metadata and its request
    assert result.refreshed == ["netto_arbeidsparticipatie", "werkloosheid"]


def test_a_bad_targets_file_stops_the_refresh_and_names_the_line(data_dir, cbs_83582, endpoints, fast_http):
    targets = data_dir / "manual" / "doelen.csv"
    lines = targets.read_text("utf-8").splitlines()
    targets.write_text("\n".join([lines[0], lines[1].replace("CR12", "CR99", 1), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(DataError) as err:
        run(data_dir, endpoints, fast_http, only=["banen_werknemers"], vintage_id="v1")
    msg = str(err.value)
    assert msg.startswith("doelen.csv line 2: region: unknown region 'CR99'")
    assert msg.endswith("no new vintage was written; vintage v0 is untouched and `signaal run` will use it")
    assert vintage_folders(data_dir) == ["v0"]
