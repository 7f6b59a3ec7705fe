"""Contract tests: the catalogue's CBS sources against REAL CBS answers.

A loopback server replays the real v4 captures of 2026 (tests/fixtures/cbs_real, and
../shared/fixtures/real when present) through the real backend, so resolution runs exactly as
in a refresh; real CBS CSV downloads (80305ned, 83582NED) supply the real v3 measure keys and
region codes. ``verified: true`` in indicators.yaml means: resolved here against a real answer.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pandas as pd
import pytest

from signaal.catalogue import catalogue
from signaal.errors import SourceError
from signaal.regions import PREFIX, registry
from signaal.sources.cbs import CbsSource, resolve, wanted
from signaal.sources.cbs.model import Code, Dimension, Measure, TableMeta
from signaal.sources.cbs.resolve import ResolutionError, level_counts
from signaal.sources.raw import RawStore

from loopback import REAL_IN_REPO, serve_real_v4

# real CBS downloads whose header holds the real v3 keys: table → (file, separator)
CSV_DOWNLOADS = {
    "80305NED": ("80305ned/80305ned_UntypedDataSet_2020-01-31.csv", ";"),
    "83582NED": ("83582NED/83582NED_corop_2010-2024.csv", ","),
}
# real v4 metadata captures in the project
V4_CAPTURES = {f.name.upper(): f.name for f in REAL_IN_REPO.iterdir() if (f / "properties.json").exists()}

# what resolution must pick from the real answers (issue 11 evidence)
EXPECTED_V4 = {
    "bevolking": ("M000352", "Bevolking op 1 januari", {"Geslacht": "T001038", "BurgerlijkeStaat": "T001019", "Leeftijd": "10000"}),
    "ww_uitkeringen": ("D001908", "Personen met een werkloosheidsuitkering", {"Geslacht": "T001038", "Leeftijd": "10000", "Marges": "MW00000"}),
    "verkoopprijs_woningen": ("M001534", "Gemiddelde verkoopprijs", {}),
}  # fmt: skip
EXPECTED_V3_KEYS = {
    "banen_werknemers": "BanenVanWerknemersInDecember_1",
    "afstand_treinstation": "AfstandTotTreinstationsTotaal_101",
    "afstand_overstapstation": "AfstandTotBelangrijkOverstapstation_102",
    "afstand_oprit": "AfstandTotOpritHoofdverkeersweg_100",
    "afstand_ziekenhuis": "AfstandTotZiekenhuis_7",
}


@pytest.fixture
def source(endpoints, fast_http, tmp_path):
    return CbsSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path / "raw"), registry=registry())


def csv_meta(table: str) -> TableMeta:
    """A CBS CSV download as metadata: its measure keys (no titles) and the codes it holds."""
    name, sep = CSV_DOWNLOADS[table]
    frame = pd.read_csv(REAL_IN_REPO / name, sep=sep, dtype=str, encoding="utf-8-sig")
    measures = [Measure(key=c, title="") for c in frame.columns if re.search(r"_\d+$", c)]
    dims = []
    for col in [c for c in frame.columns if c != "ID" and not re.search(r"_\d+$", c)]:
        kind = "time" if col == "Perioden" else "geo" if col == "RegioS" else "dim"
        codes = [Code(key=v, title=v.strip()) for v in sorted(frame[col].dropna().unique())]
        dims.append(Dimension(key=col, title=col, kind=kind, codes=codes))
    return TableMeta(
        api="v3",
        table_id=table,
        title=f"{table} (a real CBS download)",
        modified="",
        measures=measures,
        dimensions=dims,
    )


def resolve_against_download(ind, table: str):
    """Resolve an entry on v3 against a CSV download, at the levels the download holds."""
    meta = csv_meta(table)
    w = wanted(ind, "v3")[0]
    present = [lvl for lvl in w.levels if PREFIX[lvl] in level_counts(meta)]
    assert present, f"{ind.id}: the download of {table} holds none of its levels ({level_counts(meta)})"
    return resolve(meta, dataclasses.replace(w, levels=present))


def cbs_indicators():
    return [i for i in catalogue().indicators.values() if i.source.kind == "cbs"]


def test_verified_means_resolved_against_a_real_fixture_and_nothing_else(loopback, source):
    """Every catalogue CBS indicator has a real fixture in these tests, or says verified: false."""
    serve_real_v4(loopback, None)
    for ind in cbs_indicators():
        tables = [w.table.upper() for w in wanted(ind)]
        covered = all(t in V4_CAPTURES or t in CSV_DOWNLOADS for t in tables)
        if not ind.source.verified:
            assert not covered, f"{ind.id}: every table it reads has a real fixture here; mark it verified: true"
            continue
        assert covered, f"{ind.id} is verified: true, but {tables} lack a real fixture in tests/fixtures/cbs_real"
        for w in wanted(ind):
            if w.table.upper() in CSV_DOWNLOADS:
                r = resolve_against_download(ind, w.table.upper())
            else:
                opened = source.open_table("v4", w.family, w.table)
                r = resolve(opened.meta, dataclasses.replace(w, api="v4"))
            assert r.measures, ind.id


@pytest.mark.parametrize("ind_id", sorted(EXPECTED_V4))
def test_v4_resolution_picks_the_real_table_measure_dimensions_and_levels(loopback, source, ind_id):
    serve_real_v4(loopback, None)
    ind = catalogue()[ind_id]
    key, title, pins = EXPECTED_V4[ind_id]
    w = wanted(ind, "v4")[0]
    opened = source.open_table("v4", w.family, w.table)
    r = resolve(opened.meta, w)
    assert opened.meta.table_id.upper() == ind.source.table.upper() and opened.meta.title.startswith(ind.source.family)
    assert (r.measure.key, r.measure.title) == (key, title)
    assert {k: "+".join(c.code for c, _ in v) for k, v in r.cats.items()} == pins
    # the catalogue's levels are exactly the registry levels the table publishes
    counts = level_counts(r.meta)
    assert set(ind.levels) == {lvl for lvl, prefix in PREFIX.items() if prefix in counts}


def test_the_real_levels_of_the_three_v4_tables(loopback, source):
    serve_real_v4(loopback, None)
    levels = {}
    for ind_id in ("bevolking", "ww_uitkeringen", "verkoopprijs_woningen"):
        w = wanted(catalogue()[ind_id], "v4")[0]
        meta = source.open_table("v4", w.family, w.table).meta
        levels[ind_id] = level_counts(meta)
    assert levels["bevolking"] == {"NL": 1, "LD": 4, "PV": 12, "CR": 40, "GM": 835}
    assert levels["ww_uitkeringen"] == {"NL": 1, "PV": 13, "AM": 39}  # PV99 and AM99 "niet in te delen" too
    assert levels["verkoopprijs_woningen"] == {"NL": 1, "LD": 4, "PV": 12, "GM": 728}  # no COROP
    ww = source.open_table("v4", *[(w.family, w.table) for w in wanted(catalogue()["ww_uitkeringen"], "v4")][0]).meta
    titles = {c.code: c.title for c in ww.geo.codes}
    assert titles["AM05"] == "Twente (AM)" and registry()["AM05"].name_nl == "Twente (AM)"
    # every labour-market region of the registry is a real code of the WW table, with its real name
    assert all(titles[c] == registry()[c].name_nl for c in registry().codes("arbeidsmarktregio"))
    assert registry().labour_market_region("CR12") == "AM05"


@pytest.mark.parametrize("ind_id", sorted(EXPECTED_V3_KEYS))
def test_real_downloads_give_the_v3_key_of_each_catalogue_measure(ind_id):
    ind = catalogue()[ind_id]
    r = resolve_against_download(ind, ind.source.table.upper())
    assert r.measure.key == EXPECTED_V3_KEYS[ind_id]
    assert r.matched.startswith(("key", "key prefix"))


def test_two_measures_sharing_a_prefix_are_refused_and_named():
    """80305ned has AfstandTotZiekenhuis_7 (incl. outpatient clinics) and _11 (excl.)."""
    ind = catalogue()["afstand_ziekenhuis"]
    w = dataclasses.replace(wanted(ind, "v3")[0], keys={"v3": "AfstandTotZiekenhuis"}, levels=["provincie"])
    with pytest.raises(ResolutionError) as err:
        resolve(csv_meta("80305NED"), w)
    msg = str(err.value)
    assert msg.startswith("afstand_ziekenhuis: CBS table 80305NED") and "ambiguous" in msg
    assert "AfstandTotZiekenhuis_7" in msg and "AfstandTotZiekenhuis_11" in msg and "\n" not in msg


def test_the_83582_download_holds_every_corop_region_with_its_real_total_industry(loopback):
    meta = csv_meta("83582NED")
    assert level_counts(meta) == {"CR": 41}  # CR01-CR40 and CR99 (not assignable)
    r = resolve_against_download(catalogue()["banen_werknemers"], "83582NED")
    assert [c.code for c, _ in r.cats["BedrijfstakkenBranchesSBI2008"]] == ["T001081"]


# ---- observations: spot values land exactly as in the raw file ---------------------------------
def _raw_values(path, measure: str, **dims) -> dict[tuple[str, str], float | None]:
    rows = json.loads(path.read_text("utf-8"))["value"]
    out = {}
    for row in rows:
        if row["Measure"] == measure and all(row.get(k) == v for k, v in dims.items()):
            out[(row.get("RegioS", "NL01").strip(), row["Perioden"])] = (
                row["Value"] if row["ValueAttribute"] == "None" else None
            )
    return out


def test_83625_sale_prices_land_exactly_as_in_the_raw_file(loopback, source, real_fixtures):
    serve_real_v4(loopback, real_fixtures)
    result = source.fetch([catalogue()["verkoopprijs_woningen"]])
    obs = result.observations.set_index(["region", "period"])
    raw = _raw_values(real_fixtures / "cbs_odata_v4_2026" / "83625NED" / "observations-page-1.json", "M001534")
    spot = {
        ("GM0153", "2025"): 373780,
        ("GM0164", "2025"): 378471,
        ("GM0141", "2025"): 337477,
        ("PV23", "2025"): 420923,
        ("NL01", "2025"): 479527,
    }
    for (region, period), value in spot.items():
        assert obs.loc[(region, period), "value"] == value == raw[(region, f"{period}JJ00")]
    compared = 0
    for (region, period), row in obs.iterrows():
        v = raw[(region, f"{period}JJ00")]
        assert (pd.isna(row["value"]) and v is None) or row["value"] == v, (region, period)
        compared += 1
    assert compared > 1500 and set(obs.index.get_level_values(0).str[:2]) == {"NL", "PV", "GM"}
    # ValueAttribute 'Impossible' (a dissolved municipality) is a missing value with its reason
    assert result.resolution["verkoopprijs_woningen"]["missing"].get("Impossible", 0) > 0


@pytest.mark.parametrize(
    "table, measure, freq, levels, filters, spot",
    [
        ("85792NED", "Prijsindex verkoopprijzen", "Q", ["land", "provincie"], {}, ("NL01", "2020Q1", 96.9)),
        ("86141NED", "CPI", "Y", ["land"], {"Bestedingscategorieen": "T001112"}, None),
    ],
)
def test_other_real_v4_tables_land_exactly_as_in_the_raw_file(
    loopback, source, real_fixtures, table, measure, freq, levels, filters, spot
):
    from test_sources_cbs import make_indicator

    serve_real_v4(loopback, real_fixtures)
    folder = real_fixtures / "cbs_odata_v4_2026" / table
    title = json.loads((folder / "properties.json").read_text("utf-8"))["Title"]
    ind = make_indicator(
        family=title,
        table=table,
        api="v4",
        measure=measure,
        frequency=freq,
        levels=levels,
        filters=filters,
        unit="index",
    )
    result = source.fetch([ind])
    key = result.resolution[ind.id]["measure"]["key"]
    raw = _raw_values(
        folder / "observations-page-1.json", key, **({"Bestedingscategorieen": "T001112"} if filters else {})
    )
    kind = {"Q": "KW", "Y": "JJ"}[freq]
    prefixes = {PREFIX[lvl] for lvl in levels}
    expected = {(r, p): v for (r, p), v in raw.items() if p[4:6] == kind and r[:2] in prefixes}
    got = {(row.region, row.period): row.value for row in result.observations.itertuples()}
    assert len(got) == len(expected) > 10
    for (region, period), value in got.items():
        code = f"{period[:4]}KW0{period[-1]}" if freq == "Q" else f"{period}JJ00"
        assert value == expected[(region, code)], (region, period)
    if spot:
        assert got[spot[:2]] == spot[2]


def test_a_mismatch_with_real_metadata_is_one_line_with_the_alternatives(loopback, source):
    serve_real_v4(loopback, None)
    ind = catalogue()["ww_uitkeringen"]
    w = wanted(ind, "v4")[0]
    meta = source.open_table("v4", w.family, w.table).meta
    cases = {
        "Marges": (dataclasses.replace(w, filters={}), "dimension Marges (Marges) has no total category", "MW00000 Waarde; MOG0095 Ondergrens 95%-interval"),
        "measure": (dataclasses.replace(w, measure="Personen met WW-uitkering"), "no measure matches 'Personen met WW-uitkering'", "Personen met een werkloosheidsuitkering (D001908)"),
        "level": (dataclasses.replace(w, levels=["land", "corop"]), "no regions at level corop (CR…)", "it has NL 1, PV 13, AM 39"),
        "category": (dataclasses.replace(w, filters={"Marges": "Waarden"}), "filter Marges='Waarden' matches no category", "MW00000 Waarde"),
    }  # fmt: skip
    for name, (bad, what, alternatives) in cases.items():
        with pytest.raises(SourceError) as err:
            resolve(meta, bad)
        msg = str(err.value)
        assert msg.startswith("ww_uitkeringen: CBS table 85554NED"), name
        assert what in msg and alternatives in msg and "\n" not in msg, (name, msg)
