"""The UWV tension bands: one function names a value's band, for the signals and the topic page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from signaal.briefing.narrative import Context, band_line
from signaal.catalogue import load_catalogue
from signaal.catalogue.bands import band
from signaal.errors import CatalogueError
from signaal.periods import Period
from signaal.signals import compute_signals

from signalkit import make_data, quarters

UWV = {"zeer_ruim": 0.25, "ruim": 0.67, "gemiddeld": 1.5, "krap": 4.0}
HERE = Path(__file__).resolve().parents[2] / "src" / "signaal" / "catalogue"


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.1, "zeer_ruim"),
        (0.25, "ruim"),
        (0.66, "ruim"),
        (0.67, "gemiddeld"),
        (1.49, "gemiddeld"),
        (1.5, "krap"),
        (3.99, "krap"),
        (4.0, "zeer_krap"),
        (9.0, "zeer_krap"),
    ],
)
def test_a_value_falls_in_the_band_whose_upper_edge_lies_above_it(value, expected):
    # the UWV classes: below 0,25 very slack, 0,25-0,67 slack, 0,67-1,5 balanced, 1,5-4 tight, from 4 very tight
    assert band(value, UWV) == expected


@pytest.mark.parametrize("value", [0.25, 1.5, 2.2, 4.0])
def test_the_signal_and_the_topic_page_name_the_same_band(tmp_path, value):
    series = quarters("2023Q1", [1.0] * 14 + [value])
    data = make_data(tmp_path, {("alleen_provincie", "PV23"): series, ("alleen_provincie", "NL01"): series})
    change = next(
        s
        for s in compute_signals(data, "CR12", "2026Q3", indicators=["alleen_provincie"], targets=[])
        if s.rule == "verandering"
    )
    ctx = Context(
        data=data,
        ind=data.cat["alleen_provincie"],
        region="PV23",
        national="NL01",
        quarter=Period.parse("2026Q3"),
        lang="nl",
        focus="CR12",
    )
    label = {"ruim": "ruim", "krap": "krap", "zeer_krap": "zeer krap"}[change.numbers["band"]]
    assert change.numbers["band"] == band(value, UWV)
    assert band_line(ctx, pd.Series(series)).endswith(f"is de arbeidsmarkt in Overijssel {label}.")


def _catalogue_with_bands(tmp_path, bands) -> Path:
    doc = yaml.safe_load((HERE / "indicators.yaml").read_text("utf-8"))
    next(i for i in doc["indicators"] if i["id"] == "spanning")["signals"]["bands"] = bands
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize(
    "bands, expected",
    [
        (
            {"zeer_ruim": 0.25, "ruim": 0.67, "gemiddeld": 1.5, "boven": 4.0},
            r"'spanning'.*bands.*zeer_ruim, ruim, gemiddeld, krap.*unknown 'boven'",
        ),
        ({"zeer_ruim": 0.25, "ruim": 0.67, "gemiddeld": 1.5}, r"'spanning'.*missing 'krap'"),
        (
            {"zeer_ruim": 0.25, "ruim": 1.67, "gemiddeld": 1.5, "krap": 4.0},
            r"'spanning'.*must increase.*ruim: 1.67, gemiddeld: 1.5",
        ),
    ],
)
def test_bands_must_be_the_four_uwv_edges_in_order(tmp_path, bands, expected):
    with pytest.raises(CatalogueError, match=expected) as err:
        load_catalogue(_catalogue_with_bands(tmp_path, bands))
    assert "\n" not in str(err.value)
