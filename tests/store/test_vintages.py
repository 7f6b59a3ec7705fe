"""Validation of a new vintage, and status/diff between vintages."""

import numpy as np
import pandas as pd
import pytest

from signaal.catalogue import catalogue
from signaal.errors import DataError
from signaal.regions import registry
from signaal.store.diff import diff, freshness, list_vintages, source_info
from signaal.store.validation import validate_vintage
from signaal.store.vintage import Store

TWENTE = registry().children("CR12")


def frame(rows):
    return pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "status"])


def jobs(cr12_2024, gm0153_2024=100.0):
    rows = []
    for year, gm_value in (("2023", 100.0), ("2024", None)):
        for code in TWENTE:
            v = gm_value if gm_value is not None else (gm0153_2024 if code == "GM0153" else 100.0)
            rows.append(("banen_werknemers", code, year, v, "definitief"))
    rows.append(("banen_werknemers", "CR12", "2023", 1400.0, "definitief"))
    rows.append(("banen_werknemers", "CR12", "2024", cr12_2024, "voorlopig"))
    return rows


def test_municipalities_must_add_up_to_their_corop():
    _, ok = validate_vintage(frame(jobs(1400.0)), catalogue(), registry())
    assert not [w for w in ok.warnings if "add up" in w]
    assert ok.checks["sums"]["banen_werknemers"] == {"compared": 2, "off": 0}
    _, off = validate_vintage(frame(jobs(1500.0)), catalogue(), registry())
    [warning] = [w for w in off.warnings if "add up" in w]
    assert "in 1 of 2 cases" in warning and "gemeente of CR12 in 2024 sum to 1,400 against 1,500" in warning


def test_sums_are_skipped_when_a_member_is_missing():
    rows = jobs(1500.0)
    rows = [r if not (r[1] == "GM0153" and r[2] == "2024") else (*r[:3], np.nan, "geheim") for r in rows]
    _, result = validate_vintage(frame(rows), catalogue(), registry())
    assert result.checks["sums"]["banen_werknemers"] == {"compared": 1, "off": 0}


def test_jumps_are_warned():
    _, result = validate_vintage(frame(jobs(1500.0, gm0153_2024=180.0)), catalogue(), registry())
    [warning] = [w for w in result.warnings if "change" in w]
    assert "1 period-on-period change(s) beyond 50%" in warning and "GM0153 in 2024, 80%" in warning
    rates = frame(
        [("werkloosheid", "CR12", "2023", 3.5, "definitief"), ("werkloosheid", "CR12", "2024", 9.9, "definitief")]
    )
    _, result = validate_vintage(rates, catalogue(), registry())
    assert any("beyond 5.0 points" in w and "6.4 points" in w for w in result.warnings)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("nope", "CR12", "2024", 1.0, "definitief")], "unknown indicator 'nope'"),
        ([("werkloosheid", "CR99", "2024", 1.0, "definitief")], "unknown region 'CR99'"),
        (
            [("werkloosheid", "CR12", "2024Q1", 1.0, "definitief")],
            "werkloosheid has period '2024Q1', but its frequency is Y",
        ),
        ([("werkloosheid", "CR12", "2024", 1.0, "definitief")] * 2, "duplicate observation for werkloosheid CR12 2024"),
    ],
)
def test_what_must_not_be_stored(rows, message):
    with pytest.raises(DataError, match=message):
        validate_vintage(frame(rows), catalogue(), registry())


def test_diff_lists_revisions_new_periods_vanished_regions_and_units(tmp_path):
    store = Store(tmp_path)
    old_rows = [
        ("banen_werknemers", "GM0153", "2023", 82100.0, "voorlopig"),
        ("banen_werknemers", "GM0147", "2023", 6300.0, "definitief"),
        ("banen_werknemers", "GM0164", "2023", 46000.0, "definitief"),
        ("banen_werknemers", "GM0141", "2023", np.nan, "geheim"),
    ]
    new_rows = [
        ("banen_werknemers", "GM0153", "2023", 82400.0, "definitief"),
        ("banen_werknemers", "GM0164", "2023", 46000.0, "definitief"),
        ("banen_werknemers", "GM0141", "2023", 36900.0, "definitief"),
        ("banen_werknemers", "GM0153", "2024", 83000.0, "voorlopig"),
        ("werkloosheid", "CR12", "2024", 3.4, "voorlopig"),
    ]

    def res(unit: str) -> dict:
        return {
            "banen_werknemers": {
                "source": "83582NED",
                "measure": {"key": "BanenVanWerknemersInDecember_1", "unit": unit, "scale": 1000.0},
            }
        }

    store.write_vintage(frame(old_rows), {"resolution": res("1 000 banen")}, vintage_id="a")
    store.write_vintage(frame(new_rows), {"resolution": res("x 1 000")}, vintage_id="b")
    d = diff(store.resolve("a"), store.resolve("b"))
    revised = {(r.region, r.period): r.change for r in d.revised.itertuples()}
    assert revised == {("GM0153", "2023"): "value", ("GM0141", "2023"): "now available"}
    assert d.new_periods[["indicator", "period"]].values.tolist() == [["banen_werknemers", "2024"]]
    assert d.vanished_regions[["indicator", "region"]].values.tolist() == [["banen_werknemers", "GM0147"]]
    assert d.unit_changes.values.tolist() == [["banen_werknemers", "unit", "1 000 banen", "x 1 000"]]
    assert d.new_indicators == ["werkloosheid"]
    text = "\n".join(d.lines())
    assert "banen_werknemers GM0153 2023: 82,100 (voorlopig) → 82,400 (definitief) [value]" in text
    assert diff(store.resolve("a"), store.resolve("a")).lines() == ["diff a → a", "  no differences"]


def test_status_marks_the_default_and_the_sample(tmp_path, root):
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    store = Store(tmp_path)
    assert [(v.id, v.is_default) for v in list_vintages(store)] == [("sample", True)]
    manifest = {
        "sources": {"83582NED": {"modified": "2025-11-07", "indicators": ["banen_werknemers"]}},
        "refresh": {"carried_over": {"werkloosheid": "a"}},
    }
    store.write_vintage(
        frame(jobs(1400.0) + [("werkloosheid", "CR12", "2024", 3.4, "voorlopig")]), manifest, vintage_id="b"
    )
    rows = list_vintages(store)
    assert [(v.id, v.is_default, v.is_sample) for v in rows] == [("b", True, False), ("sample", False, True)]
    fresh = freshness(store.resolve("b"), catalogue()).set_index("indicator")
    assert (
        fresh.loc["banen_werknemers", "latest"] == "2024"
        and fresh.loc["banen_werknemers", "status"] == "definitief, voorlopig"
    )
    assert fresh.loc["banen_werknemers", "modified"] == "2025-11-07"
    assert fresh.loc["werkloosheid", "carried_over_from"] == "a"


def test_source_info_follows_the_resolved_table():
    manifest = {
        "sources": {
            "86300NED": {"modified": "2026-06-19", "indicators": ["werkloosheid"]},
            "btg_rapportcijfers.csv": {"modified": "2026-01-02", "indicators": ["btg_rapportcijfer"]},
        },
        "resolution": {"werkloosheid": {"source": "86300NED"}},
    }
    # indicators.yaml still says 86088NED; the family resolved to a newer edition
    assert source_info(manifest, "werkloosheid", "86088NED")["modified"] == "2026-06-19"
    assert source_info(manifest, "btg_rapportcijfer", "btg_rapportcijfers.csv")["modified"] == "2026-01-02"
    assert source_info(manifest, "hoogopgeleiden", "85525NED") == {}


def test_sums_allow_for_the_rounding_of_each_member():
    # 14 municipalities rounded to hundreds may together be 700 off; 1,400 vs 1,450 is then fine
    _, strict = validate_vintage(frame(jobs(1450.0)), catalogue(), registry())
    _, rounded = validate_vintage(frame(jobs(1450.0)), catalogue(), registry(), rounding={"banen_werknemers": 100.0})
    assert strict.checks["sums"]["banen_werknemers"]["off"] == 1
    assert rounded.checks["sums"]["banen_werknemers"]["off"] == 0


def test_diff_shows_revisions_of_large_totals_with_the_catalogues_decimals(tmp_path):
    """1,234,567 → 1,234,571 used to read "1.23457e+06 → 1.23457e+06": the revision was invisible."""
    store = Store(tmp_path)
    store.write_vintage(
        frame(
            [
                ("bevolking", "NL01", "2024", 1_234_567.0, "voorlopig"),
                ("werkloosheid", "CR12", "2024", 3.61, "voorlopig"),
                ("werkloosheid", "NL01", "2024", 3.7, "voorlopig"),
            ]
        ),
        {},
        vintage_id="a",
    )
    store.write_vintage(
        frame(
            [
                ("bevolking", "NL01", "2024", 1_234_571.0, "definitief"),
                ("werkloosheid", "CR12", "2024", 3.64, "definitief"),
                ("werkloosheid", "NL01", "2024", 3.8, "definitief"),
            ]
        ),
        {},
        vintage_id="b",
    )
    assert catalogue()["bevolking"].decimals == 0 and catalogue()["werkloosheid"].decimals == 1
    text = "\n".join(diff(store.resolve("a"), store.resolve("b")).lines())
    assert "bevolking NL01 2024: 1,234,567 (voorlopig) → 1,234,571 (definitief) [value]" in text
    assert "werkloosheid NL01 2024: 3.7 (voorlopig) → 3.8 (definitief) [value]" in text
    # a revision finer than the shown decimals gets the digits it needs
    assert "werkloosheid CR12 2024: 3.61 (voorlopig) → 3.64 (definitief) [value]" in text


def test_a_vintage_records_the_quarters_of_its_figures_so_a_run_plans_without_reading_them(tmp_path, root):
    """The quarter a run briefs on by default, and the first one it may brief on, come from the
    manifest written with the data; they are the quarters the data itself gives."""
    import json

    from signaal.periods import Period
    from signaal.store.vintage import COVERAGE, coverage

    sample = Store(root / "data").sample()
    assert sample.manifest[COVERAGE] == coverage(sample.observations)  # the bundled sample as committed
    rows = [
        ("banen_werknemers", "CR12", "2023", 1400.0, "definitief"),  # a year: its last quarter
        ("werkloosheid", "CR12", "2025Q1", 3.5, "definitief"),
        ("werkloosheid", "CR12", "2025Q2", np.nan, "geheim"),  # no figure: not reached
        ("werkloosheid", "CR12", "2024M11", 3.4, "definitief"),  # a month: its quarter
    ]
    store = Store(tmp_path / "data")
    written = store.write_vintage(frame(rows), {"sources": {}}, vintage_id="v1")
    assert written.manifest[COVERAGE] == {"first_quarter": "2023Q4", "latest_quarter": "2025Q1"}
    assert (written.first_quarter(), written.latest_quarter()) == (Period.parse("2023Q4"), Period.parse("2025Q1"))

    # a vintage written before manifests recorded it, or one whose record was edited by hand,
    # gives the same quarters from its data
    path = tmp_path / "data" / "vintages" / "v1" / "manifest.json"
    for record in (None, {"first_quarter": "later"}):
        manifest = {k: v for k, v in written.manifest.items() if k != COVERAGE}
        if record is not None:
            manifest[COVERAGE] = record
        path.write_text(json.dumps(manifest), "utf-8")
        again = Store(tmp_path / "data").resolve("v1")
        assert (str(again.first_quarter()), str(again.latest_quarter())) == ("2023Q4", "2025Q1")
