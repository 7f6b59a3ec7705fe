"""Chart functions on small frames: what is drawn, labelled and how numbers read."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from signaal import charts
from signaal.charts.compare import draw_bars, draw_rank_strip
from signaal.charts.maps import classify, draw_choropleth, draw_tiles, legend_labels, tile_positions
from signaal.charts.special import draw_target_progress
from signaal.charts.time import draw_band, draw_line
from signaal.regions import registry

NAMES = {
    "CR12": "Twente",
    "NL01": "Nederland",
    "PV23": "Overijssel",
    "CR10": "Noord-Overijssel",
    "_peers": "vergelijkbare regio's",
}


@pytest.fixture
def ax():
    with charts.house_style():
        yield charts.figure().subplots()


def texts(ax) -> list[str]:
    ax.figure.canvas.draw()
    return (
        [t.get_text() for t in ax.texts]
        + [t.get_text() for t in ax.get_yticklabels()]
        + [t.get_text() for t in ax.get_xticklabels()]
    )


def small_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"CR12": [4.6, 4.3, 4.1], "NL01": [4.4, 4.2, 4.0], "PV23": [4.5, 4.2, 3.9], "CR10": [3.9, 3.8, 3.6]},
        index=["2023", "2024", "2025"],
    )


def test_line_chart_labels_line_ends_in_dutch_style(ax):
    draw_line(ax, small_table(), "CR12", NAMES, "percent", 1, "nl", national="NL01", province="PV23", peers=["CR10"])
    labels = texts(ax)
    assert "Twente 4,1%" in labels and "Nederland 4,0%" in labels and "Overijssel 3,9%" in labels
    assert any(re.fullmatch(r"\d,\d%|\d%", t) for t in labels), labels  # y axis ticks read 4,2% / 4%
    assert {"2023", "2024", "2025"} <= set(labels)
    widths = sorted(line.get_linewidth() for line in ax.get_lines() if len(line.get_xdata()) == 3)
    assert widths[-1] > widths[0]  # the focus region is the heaviest line


def test_line_chart_in_english(ax):
    draw_line(ax, small_table(), "CR12", {**NAMES, "NL01": "the Netherlands"}, "percent", 1, "en", national="NL01")
    assert "Twente 4.1%" in texts(ax)


def test_method_break_is_marked(ax):
    table = pd.DataFrame({"CR12": np.arange(6.0), "NL01": np.arange(6.0)}, index=[str(y) for y in range(2018, 2024)])
    draw_line(
        ax, table, "CR12", {**NAMES, "_break": "methodebreuk"}, "percent", 1, "nl", national="NL01", breaks=["2021"]
    )
    assert "methodebreuk" in texts(ax)


def test_min_span_keeps_small_moves_small(ax):
    table = pd.DataFrame({"CR12": [7.1, 7.3, 7.4], "NL01": [6.9, 7.0, 6.9]}, index=["2023", "2024", "2025"])
    draw_line(ax, table, "CR12", NAMES, "mark", 1, "nl", national="NL01", min_span=1.5)
    lo, hi = ax.get_ylim()
    assert hi - lo >= 1.5


def test_bars_sort_and_label_values_with_reference_lines(ax):
    values = pd.Series({"GM0153": 3.2, "GM0164": 4.1, "GM0141": 5.0})
    names = {"GM0153": "Enschede", "GM0164": "Hengelo", "GM0141": "Almelo"}
    draw_bars(
        ax, values, names, "percent", 1, "nl", reference=[("Twente", 3.9, "focus"), ("Nederland", 3.7, "national")]
    )
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Enschede", "Hengelo", "Almelo"]  # largest on top
    assert {"3,2%", "4,1%", "5,0%"} <= {t.get_text() for t in ax.texts}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Twente 3,9%", "Nederland 3,7%"]


def test_bars_of_values_far_from_zero_are_dots_on_a_zoomed_axis(ax):
    draw_bars(ax, pd.Series({"A": 70.1, "B": 74.0, "C": 76.7}), {}, "percent", 1, "nl")
    assert ax.get_xlim()[0] > 60 and not ax.patches  # dots, not bars from zero


def test_growth_bars_start_at_zero(ax):
    draw_bars(ax, pd.Series({"A": -2.0, "B": 3.0}), {}, "percent", 1, "nl")
    assert len(ax.patches) == 2 and ax.get_xlim()[0] < -2


@pytest.mark.parametrize("polarity, expected", [("higher_is_better", 2), ("lower_is_better", 39)])
def test_rank_strip_ranks_by_polarity(ax, polarity, expected):
    values = pd.Series({f"CR{i:02d}": float(i) for i in range(1, 41)})
    rank = draw_rank_strip(ax, values, "CR39", {"CR39": "X"}, "percent", 1, polarity, "nl", national=20.0)
    assert rank is not None and (rank.low, rank.high, rank.n) == (expected, expected, 40)
    assert any(f"{expected}e van 40" in t for t in texts(ax))


def test_rank_strip_writes_out_a_shared_place(ax):
    # four regions at 20,0 as shown (CR20 itself, 19,96 and 20,04 round to 20,0): one place shared
    values = pd.Series({f"CR{i:02d}": float(i) for i in range(1, 41)})
    values["CR12"], values["CR21"] = 19.96, 20.0
    values["CR22"] = 20.04
    rank = draw_rank_strip(ax, values, "CR12", {"CR12": "Twente"}, "percent", 1, "higher_is_better", "nl")
    assert rank is not None and (rank.low, rank.high) == (19, 22)
    assert any("gedeeld 19e–22e van 40" in t for t in texts(ax))


def test_band_chart_labels_the_uwv_classes(ax):
    table = pd.DataFrame({"PV23": [0.5, 1.2, 2.3], "NL01": [0.6, 1.1, 2.4]}, index=["2024Q1", "2024Q2", "2024Q3"])
    bands = {"zeer_ruim": 0.25, "ruim": 0.67, "gemiddeld": 1.5, "krap": 4.0}
    labels = {
        "zeer_ruim": "zeer ruim",
        "ruim": "ruim",
        "gemiddeld": "gemiddeld",
        "krap": "krap",
        "zeer_krap": "zeer krap",
    }
    draw_band(ax, table, "PV23", NAMES, bands, labels, 2, "nl", national="NL01")
    shown = texts(ax)
    assert "krap" in shown and "gemiddeld" in shown and "Overijssel 2,30" in shown


def test_target_progress_draws_the_given_projection(ax):
    cumulative = pd.Series([400.0, 800.0, 1200.0, 1600.0], index=["2023Q1", "2023Q2", "2023Q3", "2023Q4"])
    draw_target_progress(
        ax, cumulative, 14100, "2022Q4", "2030Q4", {"target": "doel"}, "count", 0, "nl", projection=12800
    )
    shown = texts(ax)
    assert "doel 14.100" in shown and "1.600" in shown and "12.800" in shown


def test_classes_and_legend_in_dutch_number_style():
    values = pd.Series(np.linspace(200_000, 400_000, 14))
    classes, bins = classify(values, k=5)
    assert len(bins) == 5 and classes.min() == 0 and classes.max() == 4
    labels = legend_labels(bins, 200_000, "euro", 0, "nl")
    assert labels[0].startswith("€ 200.000 – € ") and labels[-1].endswith("€ 400.000")


def test_tile_map_places_every_municipality_on_its_own_cell(ax):
    reg = registry()
    members = reg.children("CR12")
    points = {m: (reg[m].x_rd, reg[m].y_rd) for m in members}
    cells = tile_positions(points)
    assert len(set(cells.values())) == len(members) == 14
    # Enschede lies east of Almelo and south of Tubbergen; the tiles keep that
    assert cells["GM0153"][0] > cells["GM0141"][0] and cells["GM0153"][1] < cells["GM0183"][1]
    draw_tiles(ax, pd.Series({m: float(i) for i, m in enumerate(members)}), points, {}, "count", 0, "nl")
    assert len(ax.patches) == 14
    assert "geen echte grenzen" in ax.get_legend().get_title().get_text()


def test_choropleth_from_real_boundaries(ax, real_fixtures):
    import geopandas as gpd

    gdf = gpd.read_file(real_fixtures / "geo" / "gemeenten_2023_wgs84_simplified.geojson")
    gdf = gdf.rename(columns={"gemeentecode": "code", "gemeentenaam": "name"}).set_crs(4326, allow_override=True)
    members = registry().children("CR12")
    draw_choropleth(ax, gdf, pd.Series({m: float(i) for i, m in enumerate(members)}), {}, "count", 0, "nl")
    assert len(ax.collections) >= 1
    assert len(ax.get_legend().get_texts()) == 5
    assert any("PDOK" in t.get_text() for t in ax.texts)


def test_svg_has_alt_text_and_unique_ids():
    a = charts.line(small_table(), "CR12", NAMES, "percent", 1, "nl", national="NL01", title="Werkloosheid & meer")
    b = charts.line(small_table() * 2, "CR12", NAMES, "percent", 1, "nl", national="NL01", title="Andere grafiek")
    assert a.svg.startswith("<svg") and 'role="img"' in a.svg and 'aria-label="Werkloosheid &amp; meer"' in a.svg
    ids_a = set(re.findall(r'id="([^"]+)"', a.svg))
    ids_b = set(re.findall(r'id="([^"]+)"', b.svg))
    assert ids_a and not ids_a & ids_b


def test_counts_of_very_different_size_are_drawn_as_an_index(ax):
    """18 million against 640 thousand on one axis would leave the region a flat line."""
    years = [str(y) for y in range(2020, 2026)]
    table = pd.DataFrame(
        {
            "CR12": np.linspace(630_000, 640_000, 6),
            "NL01": np.linspace(17.4e6, 18.0e6, 6),
            "PV23": np.linspace(1.16e6, 1.2e6, 6),
        },
        index=years,
    )
    draw_line(ax, table, "CR12", NAMES, "count", 0, "nl", national="NL01", province="PV23")
    labels = texts(ax)
    assert ax.get_ylabel() == "index, 2020 = 100"
    assert "Twente 102" in labels and "Nederland 103" in labels and "Overijssel 103" in labels
    # rates and counts of a similar size stay levels
    with charts.house_style():
        other = charts.figure().subplots()
    draw_line(other, table[["CR12", "PV23"]], "CR12", NAMES, "count", 0, "nl", province="PV23")
    assert other.get_ylabel() == "" and "Twente 640.000" in texts(other)


def test_charts_change_no_global_matplotlib_state():
    """Drawing a chart leaves the analyst's settings, backend and pyplot figures alone."""
    before = dict(matplotlib.rcParams)
    figures = plt.get_fignums()
    chart = charts.line(small_table(), "CR12", NAMES, "percent", 1, "nl", national="NL01", title="x")
    assert "Source Sans 3" in chart.svg  # drawn in the house style all the same
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == figures  # no figure left for plt.show() to pick up
    with charts.house_style():
        assert matplotlib.rcParams["font.size"] == 9.5
    assert dict(matplotlib.rcParams) == before
