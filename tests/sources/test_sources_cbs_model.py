"""CBS conventions that do not depend on the API: units, symbols, period status, totals."""

import pytest

from signaal.sources import Endpoints
from signaal.sources.cbs.model import (
    Code,
    Dimension,
    NotationError,
    parse_cell,
    period_status,
    scaled,
    total_code,
    unit_scale,
)


@pytest.mark.parametrize(
    "unit, factor, rest",
    [
        ("1 000 banen", 1e3, "banen"),
        ("x 1 000", 1e3, ""),
        ("x 1 000 euro", 1e3, "euro"),
        ("1 000 000", 1e6, ""),
        ("mln uren", 1e6, "uren"),
        ("mld euro", 1e9, "euro"),
        ("%", 1, "%"),
        ("euro", 1, "euro"),
        ("aantal", 1, "aantal"),
        ("per 1 000 inwoners", 1, "per 1 000 inwoners"),  # a rate, not a scale
        ("km", 1, "km"),
    ],
)
def test_units_become_a_scale(unit, factor, rest):
    assert unit_scale(unit) == (factor, rest)


def test_scaling_has_no_binary_noise():
    assert scaled(135.5, 1e3, 1) == 135_500.0
    assert scaled(1.1, 1e3, 1) == 1100.0  # 1.1 * 1000 is 1100.0000000000002 in floats
    assert scaled(0.07, 1e9, 2) == 70_000_000.0
    assert scaled(3.45, 1, 2) == 3.45


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("   135.5", (135.5, None, None)),
        ("", (None, "ontbreekt", "empty")),
        ("       .", (None, "ontbreekt", ".")),
        ("x", (None, "geheim", "x")),
        ("-", (0.0, None, None)),  # CBS: nihil
        (None, (None, "ontbreekt", "null")),  # TypedDataSet null
        (42, (42.0, None, None)),
        ("n.v.t.", (None, "ontbreekt", "symbol 'n.v.t.'")),
    ],
)
def test_cells_and_symbols(raw, expected):
    assert parse_cell(raw) == expected


@pytest.mark.parametrize(
    "text, point, dutch",
    [
        ("1.234", 1.234, 1234.0),  # the same text, two numbers: the source decides which
        ("1.234.567", None, 1_234_567.0),
        ("1.234,5", None, 1234.5),
        ("12,5", None, 12.5),
        ("135.5", 135.5, None),
        ("  -3.25", -3.25, None),
        ("1234", 1234.0, 1234.0),
    ],
)
def test_numbers_are_read_in_the_notation_of_their_source(text, point, dutch):
    for notation, expected in (("point", point), ("dutch", dutch)):
        if expected is None:  # digits written another way: an error, never a guess
            with pytest.raises(NotationError, match=repr(text.strip())):
                parse_cell(text, notation)
        else:
            assert parse_cell(text, notation) == (expected, None, None)
    assert parse_cell("n.v.t.", "dutch") == (None, "ontbreekt", "symbol 'n.v.t.'")


def test_period_status_and_totals():
    assert period_status("Definitief") == "definitief"
    assert period_status("Voorlopig") == "voorlopig"
    assert period_status("Nader voorlopig") == "nader_voorlopig"
    assert period_status("", "2024*") == "voorlopig"
    dim = Dimension(
        "Geslacht", "Geslacht", "dim", [Code("3000   ", "Mannen"), Code("T001038", "Totaal mannen en vrouwen")]
    )
    assert total_code(dim).code == "T001038"
    dim = Dimension("Persoonskenmerken", "P", "dim", [Code("2 ", "Mannen"), Code("1 ", "Totaal")])
    assert total_code(dim).key == "1 "
    assert total_code(Dimension("X", "X", "dim", [Code("A", "Appels")])) is None


def test_base_urls_from_the_environment():
    e = Endpoints.from_env({"SIGNAAL_CBS_V3_URL": "http://mirror.local/cbs/", "SIGNAAL_DUO_URL": ""})
    assert e.cbs_v3 == "http://mirror.local/cbs" and e.cbs_v4 == "https://datasets.cbs.nl/odata/v1"
    assert e.pdok == "https://api.pdok.nl" and e.duo == "https://onderwijsdata.duo.nl"
