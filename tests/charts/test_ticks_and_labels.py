"""Ticks a Dutch reader can trust and labels that never collide (issue 13).

The checks of :mod:`signaal.charts.checks` are themselves tested on charts that break the
rules, so that the test over every chart of the sample (test_every_chart.py) can fail.
"""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.ticker import FuncFormatter

from signaal.charts.base import figure, house_style
from signaal.charts.checks import overlap_problems, parse_number, problems, tick_problems
from signaal.charts.compare import draw_bars, draw_rank_strip
from signaal.charts.ticks import DecimalFormatter, nice_ticks, shown_decimals, tick_label, value_axis


@pytest.mark.parametrize(
    "lo, hi, decimals",
    [(6.8, 7.95, 1), (0.7, 2.3, 1), (0, 17.5, 0), (62, 78, 1), (-0.62, 0.62, 2), (210_000, 480_000, 0), (3.1, 3.9, 1)],
)
def test_every_tick_prints_exactly_with_the_shown_decimals(lo, hi, decimals):
    ticks = nice_ticks(lo, hi, decimals, max_ticks=5)
    assert 2 <= len(ticks) <= 7
    assert all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks)
    for t in ticks:
        assert round(t, decimals) == pytest.approx(t, abs=1e-12), t  # never 7,25 at one decimal


def test_no_quarter_steps_at_one_decimal_and_no_half_steps_without_decimals():
    assert 7.25 not in nice_ticks(6.9, 7.9, 1, 5)
    assert all(float(t).is_integer() for t in nice_ticks(0, 17.5, 0, 8))
    assert 0.25 in nice_ticks(-0.6, 0.6, 2, 5)


def test_one_number_of_decimals_per_axis_in_dutch():
    assert shown_decimals([7.0, 7.5, 8.0], 1) == 1
    assert shown_decimals([2.0, 4.0, 6.0], 1) == 0
    f = DecimalFormatter("percent", 1, "nl")
    f.set_locs([62.5, 65.0, 67.5])
    assert [f(x) for x in (62.5, 65.0, 67.5)] == ["62,5%", "65,0%", "67,5%"]  # never "65%" beside "62,5%"
    assert tick_label(-0.5, "number", 1) == "−0,5" and tick_label(40000, "euro", 0) == "€ 40.000"
    assert tick_label(0.5, "number", 1, "en") == "0.5"


def test_parse_reads_dutch_numbers_and_refuses_english_ones():
    assert parse_number("€ 40.000") == 40000 and parse_number("−0,25") == -0.25 and parse_number("72,5%") == 72.5
    assert parse_number("0.5") is None and parse_number("2.5%") is None


def _bad_axis_figure(formatter):
    with house_style():
        fig = figure((4, 2))
        ax = fig.subplots()
        ax.plot([6.9, 7.9], [0, 1])
        ax.set_xlim(6.9, 7.9)
        ax.set_xticks([7.0, 7.25, 7.5, 7.75])
        ax.xaxis.set_major_formatter(formatter)
        fig.canvas.draw()
        return fig


def test_the_tick_check_catches_rounded_and_english_labels():
    rounded = _bad_axis_figure(FuncFormatter(lambda x, _: f"{x:.1f}".replace(".", ",")))  # 7,25 -> "7,2"
    assert any("labelled '7,2'" in p for p in tick_problems(rounded))
    english = _bad_axis_figure(FuncFormatter(lambda x, _: f"{x:.2f}"))
    assert any("not a number in nl style" in p for p in tick_problems(english))
    ragged = _bad_axis_figure(FuncFormatter(lambda x, _: f"{x:g}".replace(".", ",")))  # "7" beside "7,25"
    assert any("different decimals" in p for p in tick_problems(ragged))


def test_the_overlap_check_catches_labels_on_top_of_each_other():
    with house_style():
        fig = figure((4, 2))
        ax = fig.subplots()
        ax.text(0.5, 0.5, "Enschede 3,2%")
        ax.text(0.52, 0.5, "Hengelo 4,1%")
        fig.canvas.draw()
    assert overlap_problems(fig)


def test_bars_with_negative_values_keep_their_labels_clear_of_the_names():
    """'Enschede−1,4%' (review p. 22): a label left of a negative bar ran into the category name."""
    values = pd.Series({f"GM{i:04d}": v for i, v in enumerate([-13.4, -9.1, -1.4, 0.3, 2.2, 5.0, -0.2, 1.1])})
    names = {c: n for c, n in zip(values.index, ["Borne", "Hellendoorn", "Enschede", "Almelo", "Losser", "Dinkelland", "Wierden", "Tubbergen"], strict=True)}  # fmt: skip
    with house_style():
        fig = figure((3.4, 2.7))
        ax = fig.subplots()
        draw_bars(
            ax, values, names, "percent", 1, reference=[("Twente", -3.9, "focus"), ("Nederland", 3.0, "national")]
        )
        assert problems(fig) == []


def test_a_distance_axis_never_runs_below_zero_and_the_focus_label_keeps_off_the_national_line():
    """The review's p. 41 axis ran to −5 km; the Twente label was struck through by the NL line."""
    values = pd.Series({f"CR{i:02d}": 0.8 + (i % 13) * 1.9 for i in range(1, 41)})
    with house_style():
        fig = figure((3.4, 2.4))
        ax = fig.subplots()
        names = {"CR12": "Twente", "_national": "Nederland"}
        draw_rank_strip(ax, values, "CR12", names, "km", 1, "lower_is_better", national=float(values["CR12"]))
        fig.canvas.draw()
        assert ax.get_ylim()[0] >= 0
        assert problems(fig) == []
        label = next(t for t in ax.texts if t.get_text().startswith("Twente"))
        line_y = ax.transData.transform((0, values["CR12"]))[1]
        box = label.get_window_extent(fig.canvas.get_renderer())
        assert not (box.y0 < line_y < box.y1)


def test_value_axis_in_english():
    with house_style():
        fig = figure((3, 2))
        ax = fig.subplots()
        ax.plot([0, 1], [0.1, 0.9])
        value_axis(ax, "y", "number", 1, "en")
        fig.canvas.draw()
        assert tick_problems(fig, "en") == []
        assert any("." in t.get_text() for t in ax.get_yticklabels())
