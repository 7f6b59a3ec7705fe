"""The broad-welfare compass: our own composite, its sensitivity analysis, and the published BTG."""

from __future__ import annotations

from html import unescape

import numpy as np
import pandas as pd
import pytest

from signaal.briefing.compass import btg_html, compass_html
from signaal.catalogue import catalogue
from signaal.errors import DataError
from signaal.indicators.data import Data
from signaal.signals.compass import (
    AGGREGATIONS,
    DIMENSIONS,
    NORMALISATIONS,
    aggregate,
    compass,
    normalise,
    weights,
    write_compass,
)

from signalkit import COROP, make_data

IDS = [i for ids in DIMENSIONS.values() for i in ids]
LOWER = {i for i in IDS if catalogue()[i].polarity == "lower_is_better"}


def compass_data(tmp_path, scale: dict[str, float] | None = None, best: str | None = None, drop=None):
    """Seven indicators for 40 COROP regions (pseudo-random but fixed) and NL; ``best`` is
    made the most favourable region on every indicator; ``scale`` multiplies an indicator."""
    rng = np.random.default_rng(7)
    series = {}
    for ind in IDS:
        base = {"mediaan_inkomen": 45000, "laag_inkomen": 7}.get(ind, 50)
        values = base * (1 + rng.normal(0, 0.08, len(COROP)))
        for code, v in zip(COROP, values, strict=True):
            if code == best:
                v = values.min() * 0.9 if ind in LOWER else values.max() * 1.1
            v *= (scale or {}).get(ind, 1.0)
            for year in ("2023", "2024"):
                if drop and ((ind, code, year) in drop or (ind, code, "*") in drop):
                    continue
                series[(ind, code)] = {**series.get((ind, code), {}), year: float(v)}
        series[(ind, "NL01")] = {"2023": float(base), "2024": float(base)}
    return make_data(tmp_path, series, cat=catalogue())


def test_weights_sum_to_one_and_leave_one_out_drops_the_indicator():
    for scheme in ["dimension", "indicator"] + [f"without:{i}" for i in IDS]:
        w = weights(DIMENSIONS, scheme)
        assert sum(w.values()) == pytest.approx(1.0)
    assert weights(DIMENSIONS, "dimension")["mediaan_inkomen"] == pytest.approx(1 / 6)  # 1/3 dimension, 2 indicators
    assert weights(DIMENSIONS, "dimension")["hoogopgeleiden"] == pytest.approx(1 / 3)  # alone in its dimension
    w = weights(DIMENSIONS, "without:werkloosheid")
    assert "werkloosheid" not in w and w["netto_arbeidsparticipatie"] == pytest.approx(1 / 3)


def test_normalisations_are_invariant_to_rescaling_an_input():
    x = pd.DataFrame({"a": [1.0, 5.0, 3.0, 2.0], "b": [10.0, 0.0, 5.0, 7.0]})
    y = x.assign(a=x["a"] * 1000)
    for method in NORMALISATIONS:
        pd.testing.assert_frame_equal(normalise(x, method), normalise(y, method))
    mm = normalise(x, "minmax")
    assert mm["a"].min() == 0 and mm["a"].max() == 100


def test_geometric_aggregation_is_less_compensatory_than_linear():
    scores = pd.DataFrame({"a": [50.0, 100.0, 0.0], "b": [50.0, 0.0, 0.0]}, index=["even", "lopsided", "floor"])
    w = {"a": 0.5, "b": 0.5}
    lin, geo = aggregate(scores, w, "linear"), aggregate(scores, w, "geometric")
    assert lin["even"] == lin["lopsided"] == 50
    assert geo["even"] > geo["lopsided"]


def test_ranks_are_invariant_to_rescaling_one_input(tmp_path):
    base = compass(compass_data(tmp_path / "a"), "CR12", "2024Q4")
    rescaled = compass(compass_data(tmp_path / "b", scale={"mediaan_inkomen": 1000.0}), "CR12", "2024Q4")
    assert rescaled.raw["mediaan_inkomen"].mean() == pytest.approx(base.raw["mediaan_inkomen"].mean() * 1000)
    pd.testing.assert_series_equal(base.ranks, rescaled.ranks)
    pd.testing.assert_frame_equal(base.variant_ranks, rescaled.variant_ranks)


def two_contenders(tmp_path):
    """Twente and a rival alike on everything but two indicators: Twente far ahead on
    hoogopgeleiden, the rival a little ahead on mediaan_inkomen. A third region is behind both
    on everything, 37 more are behind that one. So under every variant Twente is 1st or 2nd,
    the third region 3rd; leaving out hoogopgeleiden puts the rival first whatever the
    normalisation or aggregation, leaving out mediaan_inkomen puts Twente first."""
    rival, third = COROP[0], COROP[1]
    fillers = [c for c in COROP if c not in ("CR12", rival, third)]
    quality = {
        code: {ind: 10.0 + 0.1 * i for ind in IDS} for i, code in enumerate(fillers)
    }  # oriented: higher = better
    quality[third] = {ind: 40.0 for ind in IDS}
    quality["CR12"] = {ind: 60.0 for ind in IDS} | {"hoogopgeleiden": 90.0}
    quality[rival] = {ind: 60.0 for ind in IDS} | {"mediaan_inkomen": 61.0}
    series = {
        (ind, code): {"2024": (100.0 - q[ind]) if ind in LOWER else q[ind]}
        for code, q in quality.items()
        for ind in IDS
    }
    return make_data(tmp_path, series, cat=catalogue()), rival, third


def test_the_sensitivity_range_is_the_spread_of_the_ranks_a_weighting_change_causes(tmp_path):
    data, rival, third = two_contenders(tmp_path)
    c = compass(data, "CR12", "2024Q4")
    assert len(c.sensitivity) == len(NORMALISATIONS) * (2 + len(IDS)) * len(AGGREGATIONS) == 42
    by_weighting = c.sensitivity.groupby("weighting")["CR12"]
    assert set(by_weighting.get_group("without:hoogopgeleiden")) == {2}  # the weight change moves Twente down
    assert set(by_weighting.get_group("without:mediaan_inkomen")) == {1}
    # base (min-max, equal per dimension, arithmetic): Twente 1/3 x (100 - 62,5) ahead on
    # hoogopgeleiden, 1/6 x (100 - 98,04) behind on mediaan_inkomen, so first
    assert c.focus_rank == 1
    assert c.rank_range == (1, 2)
    table = c.rank_table
    assert (table.loc["CR12", "low"], table.loc["CR12", "high"]) == (1, 2)
    assert (table.loc[rival, "low"], table.loc[rival, "high"]) == (1, 2)
    assert (table.loc[third, "low"], table.loc[third, "high"]) == (3, 3)
    assert sorted(c.ranks) == list(range(1, 41))


def test_a_region_best_on_everything_ranks_first_in_every_variant(tmp_path):
    c = compass(compass_data(tmp_path, best="CR12"), "CR12", "2024Q4")
    assert c.focus_rank == 1 and c.rank_range == (1, 1)
    assert c.scores.loc["CR12"].min() == pytest.approx(100.0)  # oriented: best on lower-is-better too


def test_a_year_with_a_missing_region_is_not_used(tmp_path):
    c = compass(compass_data(tmp_path, drop={("laag_inkomen", "CR05", "2024")}), "CR12", "2024Q4")
    assert c.years["laag_inkomen"] == "2023" and c.years["hoogopgeleiden"] == "2024"


def test_an_indicator_without_a_complete_year_is_a_clear_error(tmp_path):
    data = compass_data(tmp_path, drop={("werkloosheid", "CR07", "*")})
    with pytest.raises(DataError, match="werkloosheid.*all 40 COROP regions"):
        compass(data, "CR12", "2024Q4")


def test_the_html_names_it_ours_publishes_sub_indicators_and_has_a_chart(tmp_path):
    data = compass_data(tmp_path)
    c = compass(data, "CR12", "2024Q4")
    html = compass_html(c, "nl", data)
    assert "Brede-welvaartskompas (eigen samenstelling Signaal)" in html
    assert "geen officiële CBS- of RaboResearch-index" in html
    for ind in IDS:
        assert catalogue()[ind].title.nl in html
    assert f"{c.focus_rank}e van de 40 COROP-gebieden" in html
    low, high = c.rank_range
    assert f"tussen {low} en {high}" in html
    assert html.count("<svg") == 1 and 'role="img"' in html
    assert "Spanning op de arbeidsmarkt" in html  # excluded, and said why
    assert "Bruto Twents Geluk" not in html  # the published marks stay out of our compass
    en = unescape(compass_html(c, "en", data))
    assert "Broad-welfare compass (Signaal's own composite)" in en and "The Netherlands" in en
    path = write_compass(c, tmp_path / "out")
    table = pd.read_csv(path, index_col="regio")
    assert len(table) == 40 and table.loc["CR12", "plaats_base"] == c.focus_rank


def test_the_published_btg_marks_are_shown_as_published():
    data = Data.open()
    html = btg_html(data, "CR12", "2026Q3", "nl")
    stored = data.table("btg_rapportcijfer", ["CR12", "NL01"])
    assert "Bruto Twents Geluk, zoals gepubliceerd" in html
    assert f'<td class="num">{str(stored.loc["2025", "CR12"]).replace(".", ",")}</td>' in html
    assert "RaboResearch" in html
    other = btg_html(data, "CR10", "2026Q3", "nl")
    assert "Voor Noord-Overijssel is geen gepubliceerd rapportcijfer beschikbaar." in other


def test_the_compass_on_the_bundled_sample():
    data = Data.open()
    c = compass(data, "CR12", "2026Q3")
    assert set(c.composite.index) == set(COROP)
    assert c.rank_range[0] <= c.focus_rank <= c.rank_range[1]
    assert "btg_rapportcijfer" not in c.raw.columns


def test_the_regions_of_a_run_share_one_scoring_and_each_gets_what_it_alone_would_get(monkeypatch):
    """A run of all 40 regions scores them once per worker; each focus region's compass is
    what a fresh computation for it alone gives, and changing one region's copy leaves the
    others' alone."""
    data = Data.open()
    reads = []
    original = Data.table
    monkeypatch.setattr(Data, "table", lambda self, *a, **kw: reads.append(a[0]) or original(self, *a, **kw))
    shared = {code: compass(data, code, "2026Q3") for code in ("CR12", "CR10", "CR17")}
    assert len(reads) == len(IDS)  # the figures of all regions read once, for the first region
    for code, c in shared.items():
        alone = compass(_fresh(), code, "2026Q3")
        assert c.focus == code and c.focus_rank == alone.focus_rank and c.rank_range == alone.rank_range
        pd.testing.assert_frame_equal(c.sensitivity, alone.sensitivity)
        pd.testing.assert_frame_equal(c.table(), alone.table())
    shared["CR12"].raw.iloc[0, 0] = -1.0
    assert shared["CR10"].raw.iloc[0, 0] != -1.0


def _fresh() -> Data:
    from signaal.signals import compass as module

    module._ALL_REGIONS.clear()
    return Data.open()
