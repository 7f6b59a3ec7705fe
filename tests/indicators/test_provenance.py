"""Real, derived and synthetic figures; region figures CBS does not publish; money in real terms."""

from __future__ import annotations

import pandas as pd
import pytest

from signaal.indicators.data import Data
from signaal.store.vintage import Store


@pytest.fixture(scope="module")
def sample(root):
    return Data(Store(root / "data").sample())


def test_every_level_says_whether_its_figures_are_real_derived_or_synthetic(sample):
    assert sample.figure_kinds("banen_werknemers") == {"corop": "real", "provincie": "derived", "land": "derived"}
    assert sample.figure_kinds("banengroei") == {"land": "derived", "provincie": "derived", "corop": "real"}
    assert sample.figure_kinds("prijsindex_koopwoningen") == {"land": "real", "provincie": "real", "corop": "synthetic"}
    assert sample.figure_kinds("cpi") == {"land": "real"}
    assert set(sample.figure_kinds("werkloosheid").values()) == {"synthetic"}
    # a real deflator does not make synthetic income real
    assert set(sample.figure_kinds("mediaan_inkomen_reeel").values()) == {"synthetic"}
    assert sample.is_synthetic("prijsindex_koopwoningen", "CR12") and not sample.is_synthetic(
        "prijsindex_koopwoningen", "NL01"
    )
    assert sample.real_table("banengroei") == "83582NED" and sample.real_table("werkloosheid") is None
    assert sample.provenance.summary("prijsindex_koopwoningen") == "mixed"
    assert sample.provenance.mixes_real_and_synthetic


def test_a_live_vintage_is_all_real(tmp_path):
    obs = pd.DataFrame(
        {
            "indicator": ["werkloosheid"],
            "region": ["CR12"],
            "period": ["2025"],
            "value": [3.5],
            "status": ["definitief"],
        }
    )
    v = Store(tmp_path).write_vintage(obs, {"is_sample": False, "sources": {}}, vintage_id="v1")
    data = Data(v)
    assert set(data.figure_kinds("werkloosheid").values()) == {"real"} and not data.is_synthetic("werkloosheid")


def test_which_region_a_page_shows_for_twente(sample):
    # COROP published: Twente itself; the price index has a synthetic COROP series beside the real ones
    assert sample.display_region("banen_werknemers", "CR12") == "CR12"
    # WW benefits per labour-market region: AM05 covers exactly Twente's 14 municipalities
    assert sample.display_region("ww_uitkeringen", "CR12") == "AM05"
    assert not sample.not_published("ww_uitkeringen", "CR12")
    # vacancies: the province as a proxy, by design (proxy_note)
    assert sample.display_region("vacatures", "CR12") == "PV23" and not sample.not_published("vacatures", "CR12")
    # sale prices, building permits, early school leavers: municipalities only, no COROP figure
    for ind in ("verkoopprijs_woningen", "bouwvergunningen", "voortijdig_schoolverlaters"):
        assert sample.not_published(ind, "CR12"), ind
    # derived COROP totals count as published (inhabitants summed from the municipalities)
    assert not sample.not_published("huishoudens", "CR12") and sample.levels("huishoudens")[-2:] == [
        "corop",
        "provincie",
    ]
    # a national-only figure is shown as such
    assert sample.display_region("levenlang_leren", "CR12") == "NL01" and not sample.not_published(
        "levenlang_leren", "CR12"
    )


def test_signals_that_need_the_region_figure_are_skipped_with_the_reason(sample):
    from signaal.signals import compute_signals

    found = compute_signals(sample, "CR12", "2026Q3", indicators=["verkoopprijs_woningen", "banen_werknemers"])
    assert not found.for_indicator("verkoopprijs_woningen")
    skipped = [s for s in found.skipped if s.indicator == "verkoopprijs_woningen"]
    assert len(skipped) == 1 and "CBS publiceert geen cijfer voor Twente" in skipped[0].reason_nl
    assert found.for_indicator("banen_werknemers")  # the real jobs are judged


def _vintage(tmp_path, rows):
    obs = pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "status"])
    return Data(Store(tmp_path).write_vintage(obs, {"is_sample": False, "sources": {}}, vintage_id="v1"))


def test_money_in_real_terms_is_the_nominal_amount_in_the_prices_of_one_year(tmp_path):
    rows = [
        ("mediaan_inkomen", "CR12", "2020", 30_000.0, "definitief"),
        ("mediaan_inkomen", "CR12", "2023", 33_000.0, "definitief"),
        ("mediaan_inkomen", "NL01", "2023", 36_000.0, "definitief"),
        ("mediaan_inkomen", "CR12", "2024", 34_000.0, "definitief"),  # no CPI for 2024: no real figure
        ("cpi", "NL01", "2020", 80.0, "definitief"),
        ("cpi", "NL01", "2023", 96.0, "definitief"),
        ("cpi", "NL01", "2025", 100.0, "definitief"),
    ]
    real = _vintage(tmp_path, rows).table("mediaan_inkomen_reeel")
    assert real.loc["2020", "CR12"] == pytest.approx(37_500.0)  # 30 000 x 100 / 80
    assert real.loc["2023", "CR12"] == pytest.approx(34_375.0) and real.loc["2023", "NL01"] == pytest.approx(37_500.0)
    assert "2024" not in real.index or pd.isna(real.loc["2024", "CR12"])


def test_real_terms_need_the_cpi_of_their_price_year(tmp_path):
    from signaal.errors import DataError

    rows = [("mediaan_inkomen", "CR12", "2020", 30_000.0, "definitief"), ("cpi", "NL01", "2020", 80.0, "definitief")]
    with pytest.raises(DataError, match="no cpi figure for 2025"):
        _vintage(tmp_path, rows).table("mediaan_inkomen_reeel")
