import csv
from pathlib import Path

import pytest

from signaal.errors import InputError
from signaal.regions import normalise_code, registry

TWENTE = {
    "GM0141": "Almelo",
    "GM0147": "Borne",
    "GM1774": "Dinkelland",
    "GM0153": "Enschede",
    "GM0158": "Haaksbergen",
    "GM0163": "Hellendoorn",
    "GM0164": "Hengelo",
    "GM1735": "Hof van Twente",
    "GM0168": "Losser",
    "GM0173": "Oldenzaal",
    "GM1742": "Rijssen-Holten",
    "GM0183": "Tubbergen",
    "GM1700": "Twenterand",
    "GM0189": "Wierden",
}


def test_twente_has_its_fourteen_municipalities():
    reg = registry()
    assert set(reg.children("CR12")) == set(TWENTE)
    for code, name in TWENTE.items():
        assert reg[code].name_nl.startswith(name)  # CBS writes "Hengelo (O.)"
        assert reg[code].parent == "CR12"
    assert reg.province_of("CR12") == "PV23"
    assert reg["PV23"].parent == "NL01"


def test_forty_corop_regions_each_with_a_province_and_municipalities():
    reg = registry()
    corop = reg.codes("corop")
    assert corop == [f"CR{i:02d}" for i in range(1, 41)]
    for code in corop:
        assert reg[code].parent.startswith("PV")
        assert reg.children(code), code


def test_inhabitants_add_up_and_have_realistic_size():
    reg = registry()
    twente = sum(reg[c].inhabitants for c in reg.children("CR12"))
    assert twente == reg["CR12"].inhabitants
    assert 600_000 < twente < 680_000
    assert 150_000 < reg["GM0153"].inhabitants < 170_000


def test_cbs_padding_and_nl00_are_normalised():
    assert normalise_code("GM0153    ") == "GM0153"
    assert normalise_code("NL00") == "NL01"
    assert registry()["PV23  "].name_nl == "Overijssel"


def test_any_corop_region_can_be_the_focus_and_has_peers():
    reg = registry()
    assert reg.peers("CR12") == ["CR10", "CR14", "CR15", "CR13", "CR36", "CR17"]
    for code in reg.codes("corop"):
        assert reg.focus(code).code == code
        peers = reg.peers(code)
        assert peers and code not in peers


def test_unknown_and_wrong_level_regions_fail_in_one_line():
    reg = registry()
    with pytest.raises(InputError, match="GM9999.*valid: NL01"):
        reg.get("GM9999")
    with pytest.raises(InputError, match="PV23.*not a COROP region"):
        reg.focus("PV23")


def test_demonyms_fill_question_titles():
    reg = registry()
    assert reg.demonym("CR12") == "Twentenaren"
    assert reg.demonym("CR01") == "inwoners van Oost-Groningen"


def test_registry_matches_the_real_cbs_lookup(real_fixtures):
    reg = registry()
    with open(real_fixtures / "regions" / "woonplaats_gemeente_corop_2024.csv", encoding="utf-8") as fh:
        pairs = {("GM" + r["Gemeentecode"].zfill(4), "CR" + r["COROP-gebiedcode"].zfill(2)) for r in csv.DictReader(fh)}
    assert len({gm for gm, _ in pairs}) == len(reg.codes("gemeente")) == 342
    for gm, cr in pairs:
        assert reg[gm].parent == cr


def test_labour_market_regions_are_a_level_of_their_own():
    reg = registry()
    am = reg.codes("arbeidsmarktregio")
    assert len(am) == 35  # the division since 1 January 2016 (renamed AM04, AM16, AM31 left out)
    assert reg["AM05"].name_nl == "Twente (AM)" and reg["AM05"].parent == "NL01"
    assert {"AM04", "AM16", "AM31", "AM99"}.isdisjoint(am)
    assert reg.province_of("AM38") is None  # FoodValley spans Gelderland and Utrecht
    # named only where a real source lists the municipalities: Twente in the UWV decree of 2015
    assert reg.labour_market_region("CR12") == "AM05"
    assert [c for c in reg.codes("corop") if reg.labour_market_region(c)] == ["CR12"]
    assert "AM05" not in reg.children("NL01", "provincie") and "AM05" in reg.children("NL01")


def test_a_labour_market_mapping_must_name_a_real_am_code(tmp_path):
    from signaal.regions import Registry

    ref = Path(__file__).resolve().parents[2] / "src" / "signaal" / "reference"
    settings = tmp_path / "regions.yaml"
    settings.write_text((ref / "regions.yaml").read_text("utf-8").replace("code: AM05", "code: AM99"), "utf-8")
    with pytest.raises(ValueError, match="labour_market_regions CR12: AM99 is not in the registry"):
        Registry.load(ref / "regions.csv", settings)
