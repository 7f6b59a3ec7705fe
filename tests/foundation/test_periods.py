import datetime as dt

import pytest

from signaal.errors import InputError
from signaal.periods import Period, parse_quarter


def test_store_and_cbs_notation_round_trip():
    for text, cbs in (("2025", "2025JJ00"), ("2026Q3", "2026KW03"), ("2026M09", "2026MM09")):
        p = Period.parse(text)
        assert str(p) == text
        assert p.to_cbs() == cbs
        assert Period.from_cbs(cbs) == p
    assert Period.from_cbs("2024KW03  ") == Period("Q", 2024, 3)  # CBS padding


def test_ordering_shift_and_year_earlier():
    assert Period.parse("2025Q4").shift(1) == Period.parse("2026Q1")
    assert Period.parse("2026M01").shift(-1) == Period.parse("2025M12")
    assert Period.parse("2026Q3").year_earlier() == Period.parse("2025Q3")
    assert sorted(map(Period.parse, ["2026Q1", "2025Q4", "2025Q1"])) == list(
        map(Period.parse, ["2025Q1", "2025Q4", "2026Q1"])
    )


def test_periods_know_their_quarter():
    assert Period.parse("2026M08").quarter() == Period.parse("2026Q3")
    assert Period.parse("2025").quarter() == Period.parse("2025Q4")
    assert Period.parse("2025").within(Period.parse("2026Q3"))
    assert not Period.parse("2026").within(Period.parse("2026Q3"))
    assert Period.parse("2026Q3").end() == dt.date(2026, 9, 30)


def test_labels_in_dutch_and_english():
    assert Period.parse("2026Q3").label("nl") == "3e kwartaal 2026"
    assert Period.parse("2026Q3").label("en") == "Q3 2026"
    assert Period.parse("2026M09").label("nl") == "september 2026"


@pytest.mark.parametrize("bad", ["2026Q5", "26Q3", "2026-3", "2026Q0", "Q3 2026", ""])
def test_malformed_quarters_are_rejected_with_the_value_and_the_format(bad):
    with pytest.raises(InputError) as err:
        parse_quarter(bad)
    msg = str(err.value)
    assert repr(bad.strip()) in msg and "2026Q3" in msg
    assert "\n" not in msg


def test_quarter_argument_accepts_lower_case():
    assert parse_quarter("2026q3") == Period("Q", 2026, 3)


def test_unsupported_cbs_codes_fail_clearly():
    with pytest.raises(ValueError, match="2015X000"):
        Period.from_cbs("2015X000")
