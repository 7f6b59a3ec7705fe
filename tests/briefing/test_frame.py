"""The figures behind a page as a DataFrame: ``b.frame(...)`` and ``signaal.frame(...)``."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

import signaal
from signaal.briefing.notebook import Briefing
from signaal.errors import InputError
from signaal.indicators.data import Data
from signaal.indicators.frame import COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def test_the_frame_has_the_documented_columns_and_its_source():
    df = signaal.frame("werkloosheid", ["CR12", "NL01"], up_to="2026Q3")
    assert (
        tuple(df.columns)
        == COLUMNS
        == (
            "indicator",
            "region",
            "region_name",
            "level",
            "period",
            "value",
            "unit",
            "status",
        )
    )
    assert set(df["region"]) == {"CR12", "NL01"}
    assert set(df["region_name"]) == {"Twente", "Nederland"} and set(df["level"]) == {"corop", "land"}
    assert isinstance(df["period"].dtype, pd.PeriodDtype) and df["period"].max() <= pd.Period("2026", "Y")
    assert df["value"].dtype == "float64" and set(df["unit"]) == {"percent"}
    assert set(df["status"]) <= {"definitief", "voorlopig", "nader_voorlopig", "ontbreekt", "geheim", "afgeschermd"}
    assert df.attrs["table"] == "86088NED" and df.attrs["source"] == "CBS StatLine"
    assert df.attrs["title"] == "Werkloosheid" and df.attrs["vintage"] == "sample" and df.attrs["is_sample"] is True
    # the same numbers as the table a chart is drawn from
    table = Data.open().table("werkloosheid", ["CR12"], up_to="2026Q3")
    twente = df[df["region"] == "CR12"].set_index(df["period"][df["region"] == "CR12"].astype(str))["value"]
    pd.testing.assert_series_equal(twente, table["CR12"].dropna(), check_names=False, check_index_type=False)


def test_quarterly_and_derived_figures_and_english_names():
    df = signaal.frame("spanning", "PV23", lang="en")
    assert str(df["period"].dtype) == "period[Q-DEC]" and df["region_name"].iloc[0] == "Overijssel"
    assert (
        df.attrs["derived_from"] == ["vacatures", "ww_kortdurend"]
        and df.attrs["title"] == Data.open().cat["spanning"].title.en
    )
    assert signaal.frame("werkloosheid", "NL01", lang="en")["region_name"].iloc[0] == "The Netherlands"


def test_the_briefing_gives_its_own_vintage_quarter_and_language():
    b = Briefing("wonen", quarter="2024Q2", lang="en")
    df = b.frame("woz_waarde", ["CR12"])
    assert df["period"].max() == pd.Period("2023", "Y")  # 2024 is not over by 2024Q2: not shown yet
    assert df.attrs["title"] == b.data.cat["woz_waarde"].title.en
    assert "b.frame(" in (Briefing.frame.__doc__ or "") and "signaal.frame" in (signaal.frame.__doc__ or "")


@pytest.mark.parametrize(
    "args, message",
    [
        (("woz_waard",), "unknown indicator 'woz_waard'; did you mean 'woz_waarde'?"),
        (("woz_waarde", "Twente"), "unknown region 'Twente'"),
    ],
)
def test_bad_input_is_one_line_naming_what_is_valid(args, message):
    with pytest.raises(InputError, match=message):
        signaal.frame(*args)


def test_the_foundation_declares_frame_and_imports_nothing_above_it():
    """``signaal.frame`` works after ``import signaal`` alone, yet ``signaal/__init__.py``
    imports no stage above the foundation: the indicators stage provides it through the
    ``signaal.api`` entry point (pyproject.toml)."""
    init = ROOT / "src" / "signaal" / "__init__.py"
    imported = {
        n.module or "" for n in ast.walk(ast.parse(init.read_text("utf-8"))) if isinstance(n, ast.ImportFrom)
    } | {a.name for n in ast.walk(ast.parse(init.read_text("utf-8"))) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("signaal", "."))}
    assert 'frame = "signaal.indicators.frame:frame"' in (ROOT / "pyproject.toml").read_text("utf-8")
    from importlib.metadata import entry_points

    (ep,) = entry_points(group=signaal.API_GROUP, name="frame")
    from signaal.indicators.frame import frame

    assert ep.load() is frame
