"""Resolution rules that the real tables need and the real fixtures do not show: sums of measures
and categories, shares, two region dimensions, a region dimension under another name, school
years. Tables are built in memory in the shapes of the evidence (docs/evidence/cbs-metadata.yaml)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_sources_cbs import make_indicator

from signaal.regions import registry
from signaal.sources.cbs.model import Code, Dimension, Measure, TableMeta
from signaal.sources.cbs.resolve import ResolutionError, request_codes, resolve, wanted
from signaal.sources.cbs.tidy import tidy


def table(dims: list[Dimension], measures: list[Measure], table_id: str = "99999NED") -> TableMeta:
    return TableMeta(
        api="v3", table_id=table_id, title="Testtabel; regio", modified="2026-01-01", measures=measures, dimensions=dims
    )


def dim(key: str, codes: list[tuple[str, str]], kind: str = "dim", title: str | None = None) -> Dimension:
    return Dimension(key=key, title=title or key, kind=kind, codes=[Code(key=k, title=t) for k, t in codes])


YEARS = dim("Perioden", [("2023JJ00", "2023"), ("2024JJ00", "2024*")], "time")
REGIONS = dim("RegioS", [("NL01  ", "Nederland"), ("CR12  ", "Twente (CR)"), ("GM0153", "Enschede")], "geo")


def frame(rows: list[dict]) -> pd.DataFrame:
    """A long frame as the backends hand it on (one row per cell)."""
    out = pd.DataFrame(rows).astype(object)
    out["missing"] = [m if isinstance(m, str) else None for m in out["missing"]]
    out["reason"] = [("." if m else None) for m in out["missing"]]
    return out


def test_hbo_plus_wo_categories_are_added_up_and_a_missing_part_makes_the_sum_missing():
    meta = table(
        [
            dim("Onderwijssoort", [("T001", "Totaal onderwijssoorten"), ("A025294", "hbo"), ("A025297", "wo")]),
            REGIONS,
            YEARS,
        ],
        [Measure("Leerlingen_1", "Leerlingen en studenten", "aantal", 0)],
    )
    ind = make_indicator(
        table="99999NED",
        family="Testtabel",
        measure="Leerlingen en studenten",
        filters={"Onderwijssoort": ["A025294", "A025297"]},
        levels=["corop", "gemeente"],
    )
    r = resolve(meta, wanted(ind)[0])
    assert [c.code for c in request_codes(r)["Onderwijssoort"]] == ["A025294", "A025297"]
    rows = [
        {"geo": g, "period": p, "Onderwijssoort": o, "measure": "Leerlingen_1", "value": v, "missing": None}
        for g, p, o, v in [
            ("CR12  ", "2023JJ00", "A025294", 20000.0), ("CR12  ", "2023JJ00", "A025297", 9000.0), ("CR12  ", "2023JJ00", "T001", 1.0),
            ("GM0153", "2023JJ00", "A025294", 12000.0),  # wo missing for Enschede: no sum
        ]
    ]  # fmt: skip
    obs, record = tidy(r, frame(rows), registry())
    got = obs.set_index("region")
    assert got.loc["CR12", "value"] == 29000.0 and got.loc["CR12", "status"] == "definitief"
    assert pd.isna(got.loc["GM0153", "value"]) and got.loc["GM0153", "status"] == "ontbreekt"
    assert record["categories"]["Onderwijssoort"] == {"code": "A025294+A025297", "title": "hbo + wo", "how": "sum"}
    assert record["missing"] == {"incomplete sum": 1}


def test_young_people_in_work_is_a_share_of_two_categories():
    meta = table(
        [
            dim(
                "Arbeidskenmerken",
                [("T009", "Totaal"), ("W1", "Werkzame beroepsbevolking"), ("W2", "Werkloze beroepsbevolking")],
            ),
            REGIONS,
            YEARS,
        ],
        [Measure("Jongeren_1", "Jongeren (15 tot 27 jaar)", "aantal", 0)],
    )
    ind = make_indicator(table="99999NED", family="Testtabel", measure="Jongeren (15 tot 27 jaar)", unit="percent", levels=["corop"],
                         share={"dimension": "Arbeidskenmerken", "numerator": "Werkzame beroepsbevolking", "denominator": "Totaal"})  # fmt: skip
    r = resolve(meta, wanted(ind)[0])
    assert r.share[0] == "Arbeidskenmerken" and "Arbeidskenmerken" not in r.cats
    rows = [
        {
            "geo": "CR12  ",
            "period": "2024JJ00",
            "Arbeidskenmerken": "W1",
            "measure": "Jongeren_1",
            "value": 60000.0,
            "missing": None,
        },
        {
            "geo": "CR12  ",
            "period": "2024JJ00",
            "Arbeidskenmerken": "T009",
            "measure": "Jongeren_1",
            "value": 80000.0,
            "missing": None,
        },
        {
            "geo": "CR12  ",
            "period": "2023JJ00",
            "Arbeidskenmerken": "W1",
            "measure": "Jongeren_1",
            "value": None,
            "missing": "geheim",
        },
        {
            "geo": "CR12  ",
            "period": "2023JJ00",
            "Arbeidskenmerken": "T009",
            "measure": "Jongeren_1",
            "value": 79000.0,
            "missing": None,
        },
    ]
    obs, record = tidy(r, frame(rows), registry())
    got = obs.set_index("period")
    assert got.loc["2024", "value"] == 75.0
    assert pd.isna(got.loc["2023", "value"]) and got.loc["2023", "status"] == "geheim"
    assert record["share"]["numerator"]["title"] == "Werkzame beroepsbevolking"


def test_two_measures_are_added_up_when_their_units_agree():
    meta = table(
        [REGIONS, YEARS],
        [
            Measure("Bachelor_31", "31 Hbo-, wo-bachelor", "%", 1),
            Measure("Master_32", "32 Hbo-, wo-master, doctor", "%", 1),
        ],
    )
    ind = make_indicator(
        table="99999NED",
        family="Testtabel",
        measure=["31 Hbo-, wo-bachelor", "32 Hbo-, wo-master, doctor"],
        unit="percent",
        levels=["land"],
    )
    r = resolve(meta, wanted(ind)[0])
    rows = [
        {"geo": "NL01  ", "period": "2024JJ00", "measure": "Bachelor_31", "value": 20.1, "missing": None},
        {"geo": "NL01  ", "period": "2024JJ00", "measure": "Master_32", "value": 11.9, "missing": None},
    ]
    obs, record = tidy(r, frame(rows), registry())
    assert obs["value"].tolist() == [pytest.approx(32.0)] and len(record["measures_added"]) == 2


def test_two_region_dimensions_need_the_catalogue_to_name_one_and_pin_the_other():
    work = dim(
        "WerkregioS",
        [("T001", "Nederland, Buitenland, Niet in te delen"), ("NL01", "Nederland"), ("CR12", "Twente (CR)")],
        "geo",
        "Werkregio's",
    )
    home = dim("WoonregioS", [("NL01", "Nederland"), ("CR12", "Twente (CR)")], "geo", "Woonregio's")
    meta = table([home, work, YEARS], [Measure("WoonWerkafstand_2", "Woon-werkafstand", "km", 1)], "85481NED")
    plain = make_indicator(
        table="85481NED", family="Testtabel", measure="Woon-werkafstand", unit="km", levels=["corop"]
    )
    with pytest.raises(
        ResolutionError,
        match=r"2 region dimensions \(WoonregioS \(Woonregio's\), WerkregioS \(Werkregio's\)\); name the one",
    ):
        resolve(meta, wanted(plain)[0])
    named = make_indicator(table="85481NED", family="Testtabel", measure="Woon-werkafstand", unit="km", levels=["corop"],
                           region_dimension="WoonregioS", filters={"WerkregioS": "Nederland, Buitenland, Niet in te delen"})  # fmt: skip
    r = resolve(meta, wanted(named)[0])
    assert r.meta.geo.key == "WoonregioS" and [c.code for c, _ in r.cats["WerkregioS"]] == ["T001"]


def test_regiokenmerken_is_the_region_and_school_years_are_yearly():
    regions = dim(
        "Regiokenmerken",
        [("NL01", "Nederland"), ("G4", "Vier grote gemeenten"), ("GM0153", "Enschede"), ("PV23", "Overijssel (PV)")],
        "dim",
    )
    school = dim("Perioden", [("2021SJ00", "2021/'22"), ("2022SJ00", "2022/'23*")], "time")
    meta = table([dim("Geslacht", [("T001038", "Totaal mannen en vrouwen")]), regions, school],
                 [Measure("VoortijdigSchoolverlaters_2", "Voortijdig schoolverlaters", "aantal", 0),
                  Measure("VoortijdigSchoolverlatersPercentage_4", "Voortijdig schoolverlaters (percentage)", "%", 1)])  # fmt: skip
    ind = make_indicator(table="99999NED", family="Testtabel", measure="Voortijdig schoolverlaters (percentage)", unit="percent",
                         levels=["land", "provincie", "gemeente"], region_dimension="Regiokenmerken")  # fmt: skip
    r = resolve(meta, wanted(ind)[0])
    assert r.meta.geo.key == "Regiokenmerken" and r.kind == "SJ" and r.measure.key.endswith("_4")
    rows = [
        {
            "geo": g,
            "period": "2022SJ00",
            "Geslacht": "T001038",
            "measure": "VoortijdigSchoolverlatersPercentage_4",
            "value": 2.1,
            "missing": None,
        }
        for g in ("NL01", "G4", "GM0153")
    ]
    obs, record = tidy(r, frame(rows), registry())
    assert sorted(obs["region"]) == ["GM0153", "NL01"] and set(obs["period"]) == {"2022"}  # G4 is not a region
    assert record["dropped_regions"] == ["G4"] and "school years" in record["period_note"]
    monthly = make_indicator(
        table="99999NED",
        family="Testtabel",
        measure="Voortijdig schoolverlaters (percentage)",
        unit="percent",
        frequency="M",
        levels=["land"],
        region_dimension="Regiokenmerken",
    )
    with pytest.raises(ResolutionError, match=r"no monthly periods \(it has school years \(SJ\)\)"):
        resolve(meta, wanted(monthly)[0])
