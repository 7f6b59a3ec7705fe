import math

from signaal import formatting as fmt


def test_dutch_numbers_and_percentages():
    assert fmt.percent(4.1) == "4,1%"
    assert fmt.number(12345) == "12.345"
    assert fmt.number(1234567.891, 2) == "1.234.567,89"
    assert fmt.value(343086, "euro", 0) == "€ 343.086"
    assert fmt.number(-0.04, 1) == "0,0"  # no negative zero
    assert fmt.number(-3.2, 1) == "−3,2"
    assert fmt.number(math.nan) == "–"


def test_english_numbers():
    assert fmt.percent(4.1, lang="en") == "4.1%"
    assert fmt.number(12345, lang="en") == "12,345"


def test_percentage_points_singular_and_plural():
    assert fmt.points(0.3) == "+0,3 procentpunt"
    assert fmt.points(-1.0, 0) == "−1 procentpunt"
    assert fmt.points(2.0, 0) == "+2 procentpunten"
    assert fmt.points(2.4) == "+2,4 procentpunt"
    assert fmt.points(0.3, lang="en") == "+0.3 percentage points"
    assert fmt.points(1.0, 0, lang="en") == "+1 percentage point"


def test_changes_in_the_indicators_unit():
    assert fmt.change(1234, "count", 0) == "+1.234"
    assert fmt.change(-0.25, "ratio", 2) == "−0,25"
    assert fmt.relative_change(105, 100) == "+5,0%"
