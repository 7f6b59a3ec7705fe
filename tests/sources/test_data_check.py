"""``signaal data check``: the pre-flight check against a loopback replay of the real CBS answers."""

from __future__ import annotations

import json

import pytest
from test_sources_cbs import make_indicator

from signaal.catalogue import Catalogue, catalogue
from signaal.errors import InputError, SourceError
from signaal.regions import registry
from signaal.sources.cbs import CbsSource
from signaal.sources.cbs.check import check, summary, table_rows
from signaal.sources.raw import RawStore
from signaal.store.refresh import refresh

from conftest import signaal
from loopback import serve_real_v3, serve_real_v4

FIELDS = {"indicator", "status", "verified", "table", "measure_key", "measure_title", "levels", "reason"}


@pytest.fixture
def source(endpoints, fast_http, tmp_path):
    return CbsSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path / "raw"), registry=registry())


def with_entries(*entries) -> Catalogue:
    cat = catalogue()
    indicators = dict(cat.indicators)
    for ind in entries:
        indicators[ind.id] = ind
    return Catalogue(indicators=indicators, themes=cat.themes)


def changed(ind_id: str, **source):
    ind = catalogue()[ind_id]
    return ind.model_copy(update={"source": ind.source.model_copy(update=source)})


def test_v4_check_of_the_whole_catalogue_against_the_real_replay(loopback, source, real_fixtures):
    serve_real_v4(loopback, real_fixtures)
    rows = {r["indicator"]: r for r in check(catalogue(), source, api="v4")}
    assert all(set(r) >= FIELDS for r in rows.values())
    assert loopback.count("Observations") == 0  # metadata only
    # the tables whose real metadata is replayed resolve; the real (partial) catalogue answer
    # lists 03759ned and 83625NED, but not 85554NED, whose last known id answers instead
    assert rows["bevolking"]["status"] == "ok" and rows["verkoopprijs_woningen"]["status"] == "ok"
    assert rows["ww_uitkeringen"]["status"] == "warn" and "last known id 85554NED" in rows["ww_uitkeringen"]["reason"]
    bev = rows["bevolking"]
    assert (bev["table"], bev["measure_key"], bev["measure_title"], bev["unit"]) == (
        "03759ned",
        "M000352",
        "Bevolking op 1 januari",
        "aantal",
    )
    assert bev["levels"] == {"NL": 1, "LD": 4, "PV": 12, "CR": 40, "GM": 835} and bev["verified"] is True
    assert {d["key"]: d["code"] for d in bev["dimensions"]} == {
        "Geslacht": "T001038",
        "BurgerlijkeStaat": "T001019",
        "Leeftijd": "10000",
    }
    assert (
        bev["period_range"] == ["1988JJ00", "2026JJ00"]
        and bev["modified"].startswith("2026-06-23")
        and not bev["discontinued"]
    )
    ww = rows["ww_uitkeringen"]
    assert (
        ww["measure_key"] == "D001908"
        and {"key": "Marges", "code": "MW00000", "title": "Waarde", "how": "filter"} in ww["dimensions"]
    )
    assert ww["levels"] == {"NL": 1, "PV": 13, "AM": 39} and ww["period_type"] == "MM"
    # the price index reads land and provincie from 85792NED (replayed) and COROP from 85819NED (not)
    pi = rows["prijsindex_koopwoningen"]
    assert pi["status"] == "fail" and "85819NED" in pi["reason"] and pi["also"][0]["status"] == "ok"
    assert pi["also"][0]["measure_key"] == "M001505_2"
    # a table with no replayed metadata fails and says why; derived and UWV indicators follow
    assert (
        rows["netto_arbeidsparticipatie"]["status"] == "fail"
        and "86088NED" in rows["netto_arbeidsparticipatie"]["reason"]
    )
    assert rows["ww_kortdurend"]["status"] == "warn" and rows["ww_kortdurend"]["reason"].startswith(
        "no live source (kind uwv)"
    )
    assert rows["spanning"]["status"] == "fail" and "vacatures (fail)" in rows["spanning"]["reason"]
    assert rows["banengroei"]["status"] == "fail" and rows["banengroei"]["reason"].startswith(
        "computed from banen_werknemers"
    )
    assert "manual" not in {r["kind"] for r in rows.values()}
    assert rows["cpi"]["status"] == "ok" and rows["cpi"]["measure_key"] == "M000215"  # the bundle's real CPI
    # the population aged 15 to 75 is the same real table, summed over the ages 15 to 74
    b1575 = rows["bevolking_15_75"]
    assert b1575["status"] == "ok" and b1575["measure_key"] == "M000352" and b1575["verified"] is True
    counts = {s: sum(r["status"] == s for r in rows.values()) for s in ("ok", "warn", "fail")}
    assert counts == {"ok": 4, "warn": 2, "fail": len(rows) - 6}
    assert summary(list(rows.values())).startswith(f"{len(rows)} indicators: 4 ok, 2 warn")


def test_v3_check_against_the_real_2020_replay(loopback, source, real_fixtures):
    """The real v3 answers hold one table (80137ned): an entry on it resolves, an ambiguous one
    names the three measures; the catalogue's tables are not in the 2020 snapshot and fail."""
    serve_real_v3(loopback, real_fixtures)
    family = "Arbeidsrekeningen; leeftijd en opleidingsniveau"
    good = make_indicator(
        id="arbeidsjaren", family=family, table="80137ned", measure="Gemiddeld aantal banen / Werknemers"
    )
    bad = make_indicator(id="ambigu", family=family, table="80137ned", measure="Werknemers")
    rows = {r["indicator"]: r for r in check(with_entries(good, bad), source, api="v3")}
    assert rows["arbeidsjaren"]["status"] == "ok" and rows["arbeidsjaren"]["measure_key"] == "Werknemers_2"
    assert rows["arbeidsjaren"]["unit"] == "1 000 banen" and rows["arbeidsjaren"]["scale"] == 1000
    assert rows["arbeidsjaren"]["resolved_by"] == "family" and rows["arbeidsjaren"]["discontinued"] is False
    assert rows["ambigu"]["status"] == "fail"
    assert "Werknemers_2" in rows["ambigu"]["reason"] and "Werknemers_8" in rows["ambigu"]["reason"]
    cbs = [r for r in rows.values() if r["kind"] == "cbs" and r["indicator"] not in ("arbeidsjaren", "ambigu")]
    assert cbs and all(r["status"] == "fail" and "not found" in r["reason"] for r in cbs)


@pytest.mark.parametrize(
    "entry, expected",
    [
        (lambda: changed("verkoopprijs_woningen", family="Bestaande koopwoningen; gemiddelde koopsommen", table="99999NED"), "table 99999NED (family 'Bestaande koopwoningen; gemiddelde koopsommen') no longer exists"),
        (lambda: changed("verkoopprijs_woningen", measure="Gemiddelde koopsom"), "no measure matches 'Gemiddelde koopsom' (renamed?); measures in the table: Gemiddelde verkoopprijs (M001534)"),
        (lambda: changed("ww_uitkeringen", filters={}), "dimension Marges (Marges) has no total category; add a filter for it in indicators.yaml; its categories: MW00000 Waarde"),
        (lambda: catalogue()["verkoopprijs_woningen"].model_copy(update={"levels": ["land", "corop"]}), "no regions at level corop (CR…) in its region dimension RegioS; it has NL 1, LD 4, PV 12, GM 728"),
    ],
    ids=["no table", "no measure", "no total", "no level"],
)  # fmt: skip
def test_bad_entries_fail_in_the_check_and_stop_the_refresh_with_the_same_line(
    loopback, source, data_dir, endpoints, fast_http, entry, expected
):
    serve_real_v4(loopback, None)
    ind = entry()
    cat = with_entries(ind)
    [row] = check(cat, source, only=[ind.id])
    assert row["status"] == "fail" and expected in row["reason"] and "\n" not in row["reason"]
    before = sorted(p.name for p in (data_dir / "vintages").iterdir())
    with pytest.raises(SourceError) as err:
        refresh(data_dir, catalogue=cat, only=[ind.id], endpoints=endpoints, http=fast_http)
    assert row["reason"] in str(err.value) and "no new vintage was written" in str(err.value)
    assert sorted(p.name for p in (data_dir / "vintages").iterdir()) == before
    assert loopback.count("Observations") == 0  # stopped before any observation was asked for


def test_measures_with_different_units_are_not_added_up(loopback, source):
    serve_real_v4(loopback, None)
    title = "Bestaande koopwoningen; verkoopprijzen, prijsindex 2020=100, regio"
    summed = make_indicator(
        id="som",
        family=title,
        table="85792NED",
        api="v4",
        measure=["Verkochte woningen", "Totale waarde verkoopprijzen"],
        frequency="Q",
    )
    [row] = check(with_entries(summed), source, only=["som"])
    assert (
        row["status"] == "fail"
        and "different units (Verkochte woningen (aantal), Totale waarde verkoopprijzen (mln euro))" in row["reason"]
    )


def test_only_and_api_are_checked(source):
    with pytest.raises(
        InputError, match=r"--only 'bevolkng' matches no CBS indicator or table; did you mean 'bevolking'"
    ):
        check(catalogue(), source, only=["bevolkng"])
    with pytest.raises(InputError, match=r"--api 'v5' is not a CBS API; valid: v3, v4"):
        check(catalogue(), source, api="v5")


def test_the_command_line_check(loopback, loopback_env, tmp_path):
    serve_real_v4(loopback, None)
    env = {**loopback_env, "SIGNAAL_DATA_DIR": str(tmp_path / "data")}
    ok = signaal("data", "check", "--only", "bevolking,verkoopprijs_woningen", "--api", "v4", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "M000352" in ok.stdout and "M001534" in ok.stdout and "2 indicators: 0 ok, 2 warn, 0 fail" in ok.stdout
    assert "last known id" in ok.stdout  # why they warn: the replayed catalogue lists no table
    as_json = signaal("data", "check", "--api", "v4", "--format", "json", "--only", "ww_uitkeringen,83582NED", env=env)
    assert as_json.returncode == 1  # 83582NED has no replayed metadata: a failure
    rows = json.loads(as_json.stdout)
    assert [r["indicator"] for r in rows] == ["banen_werknemers", "banengroei", "ww_uitkeringen"]  # catalogue order
    assert all(set(r) >= FIELDS for r in rows) and rows[2]["measure_key"] == "D001908"
    bad = signaal("data", "check", "--api", "v5", env=env)
    assert bad.returncode == 2 and "v5" in bad.stderr and "v3" in bad.stderr


def test_table_rows_show_table_measure_pins_levels_and_periods():
    row = {
        "indicator": "ww_uitkeringen", "status": "ok", "verified": True, "table": "85554NED", "modified": "2026-06-30T02:00:00",
        "discontinued": False, "measure_key": "D001908", "measure_title": "Personen met een werkloosheidsuitkering", "unit": "aantal",
        "dimensions": [{"key": "Marges", "code": "MW00000", "title": "Waarde", "how": "filter"}],
        "levels": {"NL": 1, "PV": 13, "AM": 39}, "period_range": ["2013MM01", "2026MM04"], "period_type": "MM", "also": [],
    }  # fmt: skip
    [cells] = table_rows([row])
    assert cells == [
        "ww_uitkeringen", "ok", "yes", "85554NED (2026-06-30)", "D001908 'Personen met een werkloosheidsuitkering' [aantal]",
        "Marges=MW00000 Waarde", "NL 1 PV 13 AM 39", "2013MM01–2026MM04 (MM)",
    ]  # fmt: skip
