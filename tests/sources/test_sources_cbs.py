"""The CBS client (OData v3 and v4) against real and constructed responses on a loopback server."""

import json
import math

import pytest

from signaal.catalogue import catalogue
from signaal.catalogue.schema import Indicator
from signaal.errors import SourceError
from signaal.regions import registry
from signaal.sources.cbs import CbsSource, choose_edition
from signaal.sources.raw import RawStore

from loopback import FIXTURES, serve_real_83599, serve_v3_table, serve_v4_table

V3 = FIXTURES / "cbs_v3"
V4 = FIXTURES / "cbs_v4"


def make_indicator(**source) -> Indicator:
    base = {
        "id": source.pop("id", "test_indicator"),
        "theme": "arbeidsmarkt",
        "title": {"nl": "t", "en": "t"},
        "question": {"nl": "q", "en": "q"},
        "definition": {"nl": "d", "en": "d"},
        "unit": source.pop("unit", "count"),
        "decimals": 0,
        "polarity": "neutral",
        "frequency": source.pop("frequency", "Y"),
        "levels": source.pop("levels", ["land"]),
        "source": {"kind": "cbs", "verified": False, "unverified": "a test table", **source},
    }
    return Indicator.model_validate(base)


@pytest.fixture
def cbs(endpoints, fast_http, tmp_path):
    def make(force=False, raw=None):
        return CbsSource(
            endpoints=endpoints, http=fast_http, raw=raw or RawStore(tmp_path / "raw"), registry=registry(), force=force
        )

    return make


def lookup(obs, region, period):
    row = obs[(obs["region"] == region) & (obs["period"] == period)]
    assert len(row) == 1, (region, period)
    return row.iloc[0]


# ---- v3: the real two-page 83599NED feed ----------------------------------------------------
def test_real_83599_feed_two_pages_filtered_scaled(loopback, cbs, real_fixtures):
    serve_real_83599(loopback, real_fixtures)
    loopback.file("/ODataCatalog/Tables", real_fixtures / "cbs_odata_v3" / "ODataCatalog_Tables_first20.json")
    result = cbs().fetch([catalogue()["vacatures"]])

    # both pages were followed: page 2 through the rewritten odata.nextLink
    assert loopback.count("UntypedDataSet") == 2 and loopback.count("$skip=10000") == 1
    first = loopback.requests_for("UntypedDataSet")[0]
    assert "startswith(RegioS,'NL')" in first and "startswith(RegioS,'PV')" in first and "T001081" in first
    record = result.sources["83599NED"]
    assert record["pages"] == 2 and record["rows"] == 10_000 + 5_504 and record["modified"] == "2020-08-14"

    # expected values straight from the real pages: total of all activities, NL and provinces
    expected = {}
    for name in ("83599NED_UntypedDataSet_page1.json", "83599NED_UntypedDataSet_page2_skip10000.json"):
        for r in json.loads((real_fixtures / "cbs_odata_v3" / name).read_text())["value"]:
            code = r["RegioS"].strip()
            if r["BedrijfstakkenBranchesSBI2008"].strip() == "T001081" and code[:2] in ("NL", "PV"):
                expected[(code, r["Perioden"])] = float(r["OpenstaandeVacatures_1"]) * 1000
    obs = result.observations
    assert len(obs) == len(expected) == 13 * 38
    got = {(r.region, r.period): r.value for r in obs.itertuples()}
    assert got[("NL01", "2011Q1")] == 135_500.0  # "   135.5" in "x 1 000"
    for (code, cbs_period), value in expected.items():
        period = f"{cbs_period[:4]}Q{int(cbs_period[-2:])}"
        assert got[(code, period)] == pytest.approx(value)
    assert set(result.resolution["vacatures"]["dropped_regions"]) == {"LD01", "LD02", "LD03", "LD04"}
    assert lookup(obs, "PV23", "2020Q2").status == "voorlopig" and lookup(obs, "PV23", "2019Q4").status == "definitief"


def test_real_83599_empty_cell_is_missing(loopback, real_fixtures, fast_http, tmp_path, endpoints):
    from signaal.sources.cbs.v3 import V3Backend
    from signaal.sources.paging import fetch_pages

    serve_real_83599(loopback, real_fixtures)
    backend = V3Backend(endpoints.cbs_v3, fast_http, RawStore(tmp_path))
    info, resp = backend.info("83599NED")
    meta, _ = backend.metadata("83599NED", info, resp)
    bundle = RawStore(tmp_path).bundle("cbs-v3", "83599NED", info["modified"], "all")
    pages = fetch_pages(
        fast_http,
        bundle,
        "data",
        f"{backend.root('83599NED')}/UntypedDataSet?$format=json",
        source="CBS",
        table="83599NED",
    )
    assert [len(p.json()["value"]) for p in pages] == [10_000, 5_504]
    frame = backend.observations(meta, pages, ["OpenstaandeVacatures_1"])
    blank = frame[
        (frame["geo"].str.strip() == "PV31")
        & (frame["period"] == "2014KW03")
        & (frame["BedrijfstakkenBranchesSBI2008"].str.strip() == "300013")
    ].iloc[0]
    assert math.isnan(blank.value) and blank.missing == "ontbreekt" and blank.reason == "empty"


# ---- v3: the real 80137ned typed dataset -----------------------------------------------------
def test_real_80137_typed_units_and_ambiguous_measure(loopback, cbs, real_fixtures):
    real = real_fixtures / "cbs_odata_v3"
    root = "/ODataFeed/odata/80137ned"
    for entity in (
        "TableInfos",
        "DataProperties",
        "Persoonskenmerken",
        "BedrijfstakkenSBI93",
        "Perioden",
        "TypedDataSet",
    ):
        loopback.file(f"{root}/{entity}", real / f"80137ned_{entity}.json")
    loopback.file("/ODataCatalog/Tables", real / "ODataCatalog_Tables_first20.json")
    source = cbs()
    source.backends["v3"].dataset = "TypedDataSet"
    family = "Arbeidsrekeningen; leeftijd en opleidingsniveau"
    with pytest.raises(
        SourceError, match=r"measure 'Werknemers' is ambiguous .*Werknemers_2, in Gemiddeld aantal banen"
    ):
        source.fetch([make_indicator(family=family, table="80137ned", measure="Werknemers")])
    ind = make_indicator(family=family, table="80137ned", measure="Gemiddeld aantal banen / Werknemers")
    result = source.fetch([ind])
    obs = result.observations
    # Werknemers_2 of the totals ("1 " Totaal, "99" Totaal economische activiteiten): 7559.0 in "1 000 banen"
    assert lookup(obs, "NL01", "2001").value == 7_559_000.0
    assert list(obs["period"]) == ["2001", "2002", "2003", "2004", "2005"]
    cats = result.resolution["test_indicator"]["categories"]
    assert cats["Persoonskenmerken"] == {"code": "1", "title": "Totaal", "how": "total"}
    assert cats["BedrijfstakkenSBI93"]["code"] == "99"


# ---- v3: our tiny tables ---------------------------------------------------------------------
def test_tiny_v3_symbols_scale_padding_and_regions(loopback, cbs):
    serve_v3_table(loopback, V3 / "83582NED", "83582NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    ind = catalogue()["banen_werknemers"]
    result = cbs().fetch([ind])
    obs = result.observations
    assert lookup(obs, "GM0153", "2023").value == 82_100.0  # " 82.1" × 1 000 banen
    assert lookup(obs, "CR12", "2024").value == pytest.approx(
        285_800.0
    )  # the 14 municipalities of 2024 add up to 285.8
    secret, unknown = lookup(obs, "GM1774", "2023"), lookup(obs, "GM0183", "2022")
    assert (secret.status, unknown.status) == ("geheim", "ontbreekt")
    assert math.isnan(secret.value) and math.isnan(unknown.value)
    assert lookup(obs, "GM0153", "2024").status == "voorlopig" and lookup(obs, "GM0153", "2023").status == "definitief"
    assert set(obs["region"]) == {"NL01", "PV23", "CR12", *registry().children("CR12")}  # LD02 and GM9999 dropped
    res = result.resolution["banen_werknemers"]
    assert res["measure"]["key"] == "BanenVanWerknemersInDecember_1" and res["measure"]["scale"] == 1000
    assert res["missing"] == {"x": 1, ".": 1} and set(res["dropped_regions"]) == {"LD02", "GM9999"}
    request = loopback.requests_for("UntypedDataSet")[0]
    assert "startswith(RegioS,'GM')" in request and "startswith(RegioS,'CR')" in request
    assert "BedrijfstakkenBranchesSBI2008%20eq%20'T001081'" in request and "substringof('JJ',Perioden)" in request


def _with_cell(path, old: str, new: str) -> str:
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


def test_v3_untyped_values_use_a_decimal_point_and_others_are_refused(loopback, cbs):
    """'1.234' is 1.234 in the untyped feed, so '1.234.567' cannot be read as 1,234,567 from it."""
    serve_v3_table(loopback, V3 / "83582NED", "83582NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    data = V3 / "83582NED" / "UntypedDataSet.json"
    loopback.body("/ODataFeed/odata/83582NED/UntypedDataSet", _with_cell(data, '"  8102.3"', '"     1.234"'))
    assert (
        lookup(cbs().fetch([catalogue()["banen_werknemers"]]).observations, "NL01", "2023").value == 1234.0
    )  # × 1 000
    loopback.body("/ODataFeed/odata/83582NED/UntypedDataSet", _with_cell(data, '"  8102.3"', '" 1.234.567"'))
    with pytest.raises(SourceError) as err:
        cbs(force=True).fetch([catalogue()["banen_werknemers"]])
    msg = str(err.value)
    assert "table 83582NED" in msg and "value '1.234.567' is not a number as this source writes them" in msg


def test_v4_string_values_use_a_decimal_point_and_others_are_refused(loopback, cbs):
    serve_v4_table(loopback, V4 / "00001NED", "00001NED")
    loopback.file("/CBS/Datasets", V4 / "datasets.json")
    loopback.body(
        "/CBS/00001NED/Observations",
        _with_cell(V4 / "00001NED" / "Observations_page2.json", '"160.4"', '"1.234,5"'),
        when=lambda a: "$skip" in a,
    )
    ind = make_indicator(
        api="v4",
        family="Testtabel v4; regio",
        table="00001NED",
        measure="Aantal inwoners",
        frequency="Q",
        levels=["land", "provincie", "corop", "gemeente"],
    )
    with pytest.raises(SourceError) as err:
        cbs().fetch([ind])
    assert "table 00001NED" in str(err.value) and "StringValue value '1.234,5' is not a number" in str(err.value)


def test_family_resolves_to_newest_edition_and_shares_one_request(loopback, cbs):
    rows = json.loads((V3 / "catalogue_tables.json").read_text())["value"]
    rows = [
        {"id": r["Identifier"], "title": r["Title"], "modified": r["Modified"], "status": r["OutputStatus"]}
        for r in rows
    ]
    best, ordered = choose_edition(rows, "Arbeidsdeelname; regionale indeling")
    assert best["id"] == "86088NED" and [r["id"] for r in ordered] == ["86088NED", "85494NED"]  # not "kerncijfers"
    assert choose_edition(rows[:1], "Arbeidsdeelname; regionale indeling")[0]["id"] == "85494NED"

    serve_v3_table(loopback, V3 / "86088NED", "86088NED")
    serve_v3_table(loopback, V3 / "86008NED", "86008NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    cat = catalogue()
    result = cbs().fetch([cat["netto_arbeidsparticipatie"], cat["werkloosheid"]])
    # one request for both measures per table: the regional table and the municipality table
    assert loopback.count("86088NED/UntypedDataSet") == 1 and loopback.count("86008NED/UntypedDataSet") == 1
    obs = result.observations
    part = obs[obs["indicator"] == "netto_arbeidsparticipatie"]
    assert lookup(part, "CR12", "2024").value == 70.2 and lookup(part, "CR12", "2024").status == "voorlopig"
    assert lookup(obs[obs["indicator"] == "werkloosheid"], "GM0153", "2023").value == 5.1
    assert set(part["region"]) == {"NL01", "PV23", "CR12", "GM0153", "GM0164"}
    record = result.sources["86088NED"]
    assert record["resolved_by"] == "family" and record["editions"][:2] == ["86088NED", "85494NED"]
    assert record["measures"]["werkloosheid"]["key"] == "Werkloosheidspercentage_6"
    # the municipalities come from the table of source.also, recorded beside the main table
    assert result.sources["86008NED"]["indicators"] == ["netto_arbeidsparticipatie", "werkloosheid"]
    also = result.resolution["werkloosheid"]["also"]["86008NED"]
    assert also["levels"] == {"gemeente": 4} and result.resolution["werkloosheid"]["levels"]["corop"] == 2  # rows


def test_renamed_measure_names_table_and_what_exists(loopback, cbs):
    serve_v3_table(loopback, V3 / "86088NED", "86088NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    props = json.loads((V3 / "86088NED" / "DataProperties.json").read_text())
    for p in props["value"]:
        if p.get("Key") == "NettoArbeidsparticipatie_3":
            p["Key"], p["Title"] = "NettoParticipatiegraad_3", "Netto participatiegraad"
    loopback.body("/ODataFeed/odata/86088NED/DataProperties", props)
    with pytest.raises(SourceError) as err:
        cbs().fetch([catalogue()["netto_arbeidsparticipatie"]])
    msg = str(err.value)
    assert "CBS table 86088NED" in msg and "no measure matches 'Netto arbeidsparticipatie' (renamed?)" in msg
    assert msg.startswith("netto_arbeidsparticipatie: CBS table 86088NED (Arbeidsdeelname; regionale indeling 2024)")
    assert "Netto participatiegraad (NettoParticipatiegraad_3, in Beroepsbevolking)" in msg


def test_table_that_no_longer_exists(loopback, cbs):
    loopback.body("/ODataCatalog/Tables", {"value": []})
    with pytest.raises(SourceError) as err:
        cbs().fetch([catalogue()["banen_werknemers"]])
    msg = str(err.value)
    assert "table 83582NED" in msg and "no longer exists" in msg and "Banen van werknemers in december" in msg


def test_unknown_filter_category_lists_valid_ones(loopback, cbs):
    serve_v3_table(loopback, V3 / "86088NED", "86088NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    ind = make_indicator(
        family="Arbeidsdeelname; regionale indeling",
        table="86088NED",
        measure="Werkloosheidspercentage",
        filters={"Persoonskenmerken": "65 jaar of ouder"},
        unit="percent",
    )
    with pytest.raises(
        SourceError, match=r"filter Persoonskenmerken='65 jaar of ouder' matches no category.*Totaal personen"
    ):
        cbs().fetch([ind])


# ---- cache by Modified, force, resume ----------------------------------------------------------
def test_unchanged_modified_is_not_downloaded_again(loopback, cbs, tmp_path):
    serve_v3_table(loopback, V3 / "83582NED", "83582NED")
    loopback.file("/ODataCatalog/Tables", V3 / "catalogue_tables.json")
    raw = RawStore(tmp_path / "raw")
    ind = catalogue()["banen_werknemers"]
    first = cbs(raw=raw).fetch([ind])
    assert loopback.count("UntypedDataSet") == 1 and loopback.count("DataProperties") == 1
    second = cbs(raw=raw).fetch([ind])
    assert loopback.count("UntypedDataSet") == 1 and loopback.count("DataProperties") == 1  # read from data/raw
    assert loopback.count("TableInfos") == 2  # Modified is checked every time
    assert second.sources["83582NED"]["cached"] and not first.sources["83582NED"]["cached"]
    assert second.observations.equals(first.observations)

    cbs(raw=raw, force=True).fetch([ind])  # --force downloads again
    assert loopback.count("UntypedDataSet") == 2

    infos = json.loads((V3 / "83582NED" / "TableInfos.json").read_text())
    infos["value"][0]["Modified"] = "2026-03-01T02:00:00"  # CBS published an update
    loopback.body("/ODataFeed/odata/83582NED/TableInfos", infos)
    third = cbs(raw=raw).fetch([ind])
    assert loopback.count("UntypedDataSet") == 3 and third.sources["83582NED"]["modified"] == "2026-03-01"
    snapshots = sorted(p.name for p in (tmp_path / "raw" / "cbs-v3" / "83582NED").iterdir())
    assert len(snapshots) == 3 and snapshots[-1] == "2026-03-01T020000"  # the raw files of earlier runs are kept


def test_resume_after_failure_reuses_downloaded_pages(loopback, real_fixtures, cbs, tmp_path):
    serve_real_83599(loopback, real_fixtures)
    loopback.file("/ODataCatalog/Tables", real_fixtures / "cbs_odata_v3" / "ODataCatalog_Tables_first20.json")
    loopback.fail("/ODataFeed/odata/83599NED/UntypedDataSet", [503] * 3, when=lambda a: "$skip" in a)
    raw = RawStore(tmp_path / "raw")
    with pytest.raises(SourceError, match=r"table 83599NED: HTTP 503 .*after 3 attempts at .*skip=10000"):
        cbs(raw=raw).fetch([catalogue()["vacatures"]])
    page1 = [r for r in loopback.requests_for("UntypedDataSet") if "$skip" not in r]
    assert len(page1) == 1
    result = cbs(raw=raw).fetch([catalogue()["vacatures"]])
    page1 = [r for r in loopback.requests_for("UntypedDataSet") if "$skip" not in r]
    assert len(page1) == 1  # page 1 came from data/raw, only page 2 was asked again
    assert len(result.observations) == 13 * 38


# ---- v4 ----------------------------------------------------------------------------------------
def test_tiny_v4_string_values_attributes_paging(loopback, cbs):
    serve_v4_table(loopback, V4 / "00001NED", "00001NED")
    loopback.file("/CBS/Datasets", V4 / "datasets.json")
    ind = make_indicator(
        api="v4",
        family="Testtabel v4; regio",
        table="00001NED",
        measure="Aantal inwoners",
        frequency="Q",
        levels=["land", "provincie", "corop", "gemeente"],
    )
    result = cbs().fetch([ind])
    obs = result.observations
    assert loopback.count("/Observations") == 2  # @odata.nextLink followed
    query = loopback.requests_for("/Observations")[0]
    assert (
        "Measure%20eq%20'M000001'" in query
        and "contains(Perioden,'KW')" in query
        and "Geslacht%20eq%20'T001038'" in query
    )
    assert lookup(obs, "CR12", "2024Q1").value == 631_500.0
    assert lookup(obs, "GM0153", "2024Q1").value == 160_400.0  # from StringValue, padded code stripped
    confidential, impossible = lookup(obs, "GM0153", "2024Q2"), lookup(obs, "PV24", "2024Q1")
    assert (confidential.status, impossible.status) == ("geheim", "ontbreekt")
    assert lookup(obs, "PV24", "2024Q2").status == "voorlopig"
    assert len(obs) == 10  # the Mannen row and the other measure are not included
    res = result.resolution["test_indicator"]
    assert res["missing"] == {"Confidential": 1, "Impossible": 1} and res["measure"]["unit"] == "x 1 000"
    assert result.sources["00001NED"]["version"] == "202502140200"


def test_real_80072ned_observations_join_measure_codes(loopback, cbs, real_fixtures):
    real = real_fixtures / "cbs_odata_v4_beta"
    loopback.file("/CBS/Datasets", real / "CBS_Datasets.json")
    for entity in (
        "Properties",
        "MeasureCodes",
        "Dimensions",
        "PeriodenCodes",
        "BedrijfskenmerkenSBI2008Codes",
        "Observations",
    ):
        loopback.file(f"/CBS/80072ned/{entity}", real / f"80072ned_{entity}.json")
    ind = make_indicator(
        api="v4",
        family="Ziekteverzuimpercentage; bedrijfstakken",
        table="80072ned",
        measure="Ziekteverzuimpercentage",
        frequency="Q",
        unit="percent",
    )
    result = cbs().fetch([ind])
    rows = json.loads((real / "80072ned_Observations.json").read_text())["value"]
    expected = {
        r["Perioden"]: r["Value"] for r in rows if r["BedrijfskenmerkenSBI2008"] == "T001081" and "KW" in r["Perioden"]
    }
    obs = result.observations
    assert len(obs) == len(expected) and set(obs["region"]) == {"NL01"}
    assert lookup(obs, "NL01", "1996Q1").value == 5.5 == expected["1996KW01"]
    assert all(lookup(obs, "NL01", f"{p[:4]}Q{int(p[-2:])}").value == v for p, v in expected.items())
    assert lookup(obs, "NL01", "2020Q1").status == "voorlopig"  # PeriodenCodes says Voorlopig
    res = result.resolution["test_indicator"]
    assert res["measure"] == {
        "key": "M001924",
        "title": "Ziekteverzuimpercentage",
        "group": "",
        "matched_by": "title",
        "unit": "%",
        "scale": 1.0,
        "decimals": 1,
    }
    assert result.sources["80072ned"]["modified"] == "2020-06-19"
