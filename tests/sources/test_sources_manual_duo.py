"""Curated tables (data/manual) and DUO student counts."""

import pytest

from signaal.catalogue import catalogue
from signaal.errors import DataError, SourceError
from signaal.regions import registry
from signaal.sources.duo import DuoSource, cells
from signaal.sources.manual import load_manual
from signaal.sources.raw import RawStore

from loopback import FIXTURES, serve_duo

HEAD = "indicator,region,period,value,source_url,note\n"


def test_the_shipped_curated_tables_load(root, tmp_path):
    btg = load_manual(root / "data" / "manual" / "btg_rapportcijfers.csv", catalogue(), registry(), RawStore(tmp_path))
    values = {(r.region, r.period): r.value for r in btg.observations.itertuples()}
    assert values == {("CR12", "2022"): 7.1, ("NL01", "2022"): 6.9, ("CR12", "2025"): 7.4, ("NL01", "2025"): 6.9}
    assert all(u.startswith("https://") for u in btg.source["urls"])
    assert list((tmp_path / "manual" / "btg_rapportcijfers.csv").rglob("btg_rapportcijfers.csv"))  # raw copy kept
    rail = load_manual(root / "data" / "manual" / "reistijden_trein.csv", catalogue(), registry())
    assert set(rail.observations["region"]) == {"GM0153", "GM0164", "GM0141"}
    assert set(rail.observations["indicator"]) == {
        f"reistijd_{d}" for d in ("amsterdam_zuid", "utrecht", "schiphol", "zwolle", "munster")
    }


@pytest.mark.parametrize(
    "row, message",
    [
        ("btg_rapportcijfer,CR99,2025,7.4,https://example.org/a,", "line 2: unknown region 'CR99'"),
        (
            "btg_rapportcijfer,PV23,2025,7.4,https://example.org/a,",
            "line 2: region PV23 is a provincie; btg_rapportcijfer has levels land, corop, gemeente",
        ),
        ("btg_rapportcijfer,CR12,2025Q3,7.4,https://example.org/a,", "does not match the Y frequency"),
        ("btg_rapportcijfer,CR12,2025,74,https://example.org/a,", "value 74 is out of range for unit mark (0 to 10)"),
        ("btg_rapportcijfer,CR12,2025,7.4,,", "line 2: source_url '': String should match pattern"),
        ("btg_rapportcijfer,CR12,2025,zeven,https://example.org/a,", "line 2: value 'zeven'"),
        (
            "werkloosheid,CR12,2025,3.4,https://example.org/a,",
            "indicator 'werkloosheid' is not read from btg_rapportcijfers.csv",
        ),
    ],
)
def test_bad_curated_rows_are_named(tmp_path, row, message):
    path = tmp_path / "btg_rapportcijfers.csv"
    path.write_text(HEAD + row + "\n")
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_manual(path, catalogue(), registry())


def test_curated_duplicates_and_unknown_columns(tmp_path):
    path = tmp_path / "btg_rapportcijfers.csv"
    row = "btg_rapportcijfer,CR12,2025,7.4,https://example.org/a,\n"
    path.write_text(HEAD + row + row)
    with pytest.raises(DataError, match="line 3: btg_rapportcijfer CR12 2025 is given twice"):
        load_manual(path, catalogue(), registry())
    path.write_text(HEAD.replace("note", "notes") + row)
    with pytest.raises(DataError, match="unknown column 'notes'"):
        load_manual(path, catalogue(), registry())


# ---- DUO -------------------------------------------------------------------------------------
def test_duo_students_per_institution_with_masked_counts(loopback, endpoints, fast_http, tmp_path):
    serve_duo(loopback)
    cat = catalogue()
    duo = DuoSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path), registry=registry())
    result = duo.fetch([cat["studenten_ut"], cat["studenten_saxion"], cat["studenten_roc"]])
    got = {(r.indicator, r.period): (r.region, r.value, r.status) for r in result.observations.itertuples()}
    assert got[("studenten_ut", "2023")] == ("CR12", 1200 + 850, "definitief")  # '<5' left out
    assert got[("studenten_ut", "2024")] == ("CR12", 1250 + 900, "definitief")  # -1 left out
    assert got[("studenten_saxion", "2024")] == ("CR12", 3000 + 700, "definitief")  # Deventer is not in Twente
    assert got[("studenten_roc", "2024")] == ("CR12", 5200 + 3100, "definitief")  # INDICATIEAVG=J left out
    assert result.resolution["studenten_ut"]["censored_cells"] == {"2023": 1, "2024": 1}
    assert result.resolution["studenten_roc"]["censored_cells"] == {"2024": 1}
    src = result.sources["duo_studenten.csv"]
    assert [f["dataset"] for f in src["files"]] == ["p01hoinges", "p01hoinges", "deelnemers_inst_kwal_wgdln_lftcat_mbo"]
    assert src["files"][0]["url"].endswith("/ingeschrevenenwo.csv") and src["modified"] == "2025-03-17"
    assert b"studenten_saxion" in result.files["duo_studenten.csv"]
    # a second fetch reads the unchanged files from data/raw
    duo.fetch([cat["studenten_ut"]])
    assert loopback.count("ingeschrevenenwo.csv") == 1


def test_duo_all_masked_is_afgeschermd():
    rows = [
        {
            "STUDIEJAAR": "2024",
            "INSTELLINGSNAAM_ACTUEEL": "Kleine Hogeschool",
            "GEMEENTENUMMER": "0153",
            "AANTAL_INGESCHREVENEN": "<5",
        }
    ]
    cols = {
        "year": ["STUDIEJAAR"],
        "institution": ["INSTELLINGSNAAM_ACTUEEL"],
        "municipality": ["GEMEENTENUMMER"],
        "count": ["AANTAL_INGESCHREVENEN"],
    }
    [cell] = cells(rows, cols, "test")
    assert cell.censored and cell.count is None and cell.municipality == "GM0153"


def test_duo_wide_legacy_layout():
    rows = [
        {
            "GEMEENTENUMMER": "153",
            "INSTELLINGSNAAM ACTUEEL": "Universiteit Twente",
            "2022 MAN": "10",
            "2022 VROUW": "<5",
            "2023 MAN": "12",
            "2023 VROUW": "7",
        }
    ]
    cols = {
        "year": ["STUDIEJAAR"],
        "institution": ["INSTELLINGSNAAM_ACTUEEL"],
        "municipality": ["GEMEENTENUMMER"],
        "count": ["AANTAL_INGESCHREVENEN"],
    }
    got = [(c.year, c.count, c.censored) for c in cells(rows, cols, "test")]
    assert got == [(2022, 10.0, False), (2022, None, True), (2023, 12.0, False), (2023, 7.0, False)]


def test_duo_file_renamed_lists_the_files_there_are(loopback, endpoints, fast_http, tmp_path):
    serve_duo(loopback)
    duo = DuoSource(
        endpoints=endpoints,
        http=fast_http,
        raw=RawStore(tmp_path),
        registry=registry(),
        config={
            "datasets": [{"sector": "wo", "dataset": "p01hoinges", "resource": "^studenten_wo.csv$"}],
            "columns": {},
        },
    )
    with pytest.raises(
        SourceError,
        match=r"dataset p01hoinges: no file matches .*files: ingeschrevenengeslwo.csv, ingeschrevenenwo.csv",
    ):
        duo.fetch([catalogue()["studenten_ut"]])


def _serve_duo_file(lb, name: str, content: bytes) -> None:
    """Replace one DUO file on the loopback portal by ``content`` (bytes as they are)."""
    import re

    from werkzeug import Response

    lb.route(
        re.compile(rf"/resource/download/{re.escape(name)}$"),
        lambda request: Response(content, content_type="text/csv"),
    )


HBO = (FIXTURES / "duo" / "ingeschrevenenhbo.csv").read_text("utf-8")


def test_duo_undecodable_file_is_a_source_error_naming_file_and_encodings(loopback, endpoints, fast_http, tmp_path):
    serve_duo(loopback)
    # 0x81 is not UTF-8 and not defined in Windows-1252 either
    _serve_duo_file(loopback, "ingeschrevenenhbo.csv", HBO.encode("utf-8").replace(b"Saxion", b"Sax\x81on"))
    duo = DuoSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path), registry=registry())
    with pytest.raises(SourceError) as err:
        duo.fetch([catalogue()["studenten_saxion"]])
    msg = str(err.value)
    assert "file ingeschrevenenhbo.csv" in msg and "utf-8-sig, cp1252" in msg and "byte 0x81" in msg


def test_duo_undecodable_file_is_carried_over_under_keep_going(loopback, endpoints, fast_http, tmp_path, root):
    import shutil

    from signaal.store.refresh import refresh

    from conftest import complete_vintage

    data_dir = tmp_path / "data"
    shutil.copytree(root / "data" / "manual", data_dir / "manual")
    complete_vintage(data_dir, "v0")
    serve_duo(loopback)
    _serve_duo_file(loopback, "ingeschrevenenhbo.csv", b"STUDIEJAAR,INSTELLINGSNAAM_ACTUEEL\n2024,Sax\x81on\n")
    result = refresh(
        data_dir, only=["duo", "manual"], keep_going=True, endpoints=endpoints, http=fast_http, vintage_id="v1"
    )
    assert (
        list(result.failed) == ["duo duo_studenten.csv"]
        and "ingeschrevenenhbo.csv" in result.failed["duo duo_studenten.csv"]
    )
    assert result.carried_over["studenten_saxion"] == "v0"


def test_duo_location_file_without_municipality_column_stops(loopback, endpoints, fast_http, tmp_path):
    """Without the location column Saxion's Deventer students would count for Twente."""
    serve_duo(loopback)
    _serve_duo_file(loopback, "ingeschrevenenhbo.csv", HBO.replace("GEMEENTENUMMER", "VESTIGING").encode("utf-8"))
    duo = DuoSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path), registry=registry())
    with pytest.raises(SourceError) as err:
        duo.fetch([catalogue()["studenten_saxion"]])
    msg = str(err.value)
    assert "file ingeschrevenenhbo.csv: no municipality column" in msg
    assert "looked for GEMEENTENUMMER" in msg and "has STUDIEJAAR, PROVINCIENAAM, VESTIGING, GEMEENTENAAM" in msg


def test_duo_residence_file_needs_no_municipality_column():
    rows = [{"JAAR": "2024", "INSTELLINGSNAAM": "ROC van Twente", "AANTAL_DEELNEMERS": "12"}]
    cols = {
        "year": ["JAAR"],
        "institution": ["INSTELLINGSNAAM"],
        "municipality": ["GEMEENTENUMMER"],
        "count": ["AANTAL_DEELNEMERS"],
    }
    assert [(c.year, c.count, c.municipality) for c in cells(rows, cols, "test")] == [(2024, 12.0, "")]
    with pytest.raises(SourceError, match="no municipality column"):
        cells(rows, cols, "test", by_location=True)


def test_duo_location_rows_without_a_code_do_not_count_for_the_region(loopback, endpoints, fast_http, tmp_path):
    serve_duo(loopback)
    blank = HBO.replace("2024,Overijssel,0150,Deventer", "2024,Overijssel,,Deventer")
    _serve_duo_file(loopback, "ingeschrevenenhbo.csv", blank.encode("utf-8"))
    duo = DuoSource(endpoints=endpoints, http=fast_http, raw=RawStore(tmp_path), registry=registry())
    result = duo.fetch([catalogue()["studenten_saxion"]])
    [row] = result.observations.itertuples()
    assert (row.region, row.period, row.value) == ("CR12", "2024", 3000 + 700)  # not + 2500 from the blank row
    assert any(
        "studenten_saxion 2024: 1 row(s) without a municipality code (2500 students) left out" in w
        for w in result.warnings
    )
