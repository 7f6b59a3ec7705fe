"""The signals of every region in one pass: per region exactly what a run for that region gives."""

from __future__ import annotations

import pytest

from signaal.indicators.data import Data
from signaal.regions import registry
from signaal.signals import compute_signals
from signaal.signals.engine import compute_all_signals
from signaal.signals.output import signals_csv, signals_json

from signalkit import COROP, make_data, years

NL = registry().national


def same(a, b) -> bool:
    """Two signal lists say the same: every signal (numbers, sentences, strength) and every skip."""
    return signals_json(a) == signals_json(b) and signals_csv(a) == signals_csv(b) and a.skipped == b.skipped


@pytest.mark.slow
def test_all_forty_regions_in_one_pass_equal_a_run_per_region_and_share_the_work(monkeypatch):
    data = Data.open()
    reads: list[str] = []
    table = data.table

    def counted(indicator, *args, **kwargs):
        reads.append(indicator)
        return table(indicator, *args, **kwargs)

    monkeypatch.setattr(data, "table", counted)
    every = compute_all_signals(data, quarter="2026Q3")
    one_pass = len(reads)
    assert list(every) == registry().codes("corop")  # all 40, in code order
    # a spread of regions: each province's, the default focus, the first and the last
    chosen = ["CR01", "CR05", "CR10", "CR12", "CR17", "CR23", "CR29", "CR33", "CR38", "CR40"]
    for code in chosen:
        reads.clear()
        alone = compute_signals(data, code, "2026Q3")
        assert same(every[code], alone), code
        assert every[code].meta == alone.meta
    # the shared work is done once: the indicators' tables of all regions are read once per
    # pass, so a region of the pass reads well under half the tables a run of its own reads
    # (what stays per region: its own figures, such as the counts behind "what it means")
    assert 0 < one_pass / len(every) < 0.6 * len(reads), (one_pass, len(reads))


def test_a_region_whose_series_ends_earlier_gets_its_own_window(tmp_path):
    """What the regions share is keyed by everything it depends on: a region whose series
    ends a year earlier compares with the regions' movements over its own window."""
    series = {
        ("aandeel", code): years(2012, [50 + 0.1 * i * (n % 7) + 0.3 * (i % 2) for i in range(14)])
        for n, code in enumerate(COROP)
    }
    series[("aandeel", "CR10")] = years(2012, [55 + 0.4 * i for i in range(13)])  # no 2025
    series[("aandeel", NL)] = years(2012, [60] * 14)
    data = make_data(tmp_path, series)
    every = compute_all_signals(data, ["CR12", "CR10", "CR40"], "2025Q4", indicators=["aandeel"], targets=[])
    assert list(every) == ["CR12", "CR10", "CR40"]
    for code, found in every.items():
        alone = compute_signals(data, code, "2025Q4", indicators=["aandeel"], targets=[])
        assert same(found, alone), code
    trend = {code: next(s for s in every[code] if s.rule == "trend") for code in every}
    assert trend["CR10"].numbers["last"] == "2024" and trend["CR12"].numbers["last"] == "2025"
    assert trend["CR10"].numbers["usual_change_over_window"] != trend["CR12"].numbers["usual_change_over_window"]


def test_a_bad_region_in_the_list_is_one_error_naming_it():
    with pytest.raises(Exception, match="CR99"):
        compute_all_signals(Data.open(), ["CR12", "CR99"], "2026Q3", theme="arbeidsmarkt")
