"""Numbers as the board reads them: Dutch style by default (``4,1%``, ``12.345``).

All number formatting goes through Babel with the locale of the briefing's language, so
English briefings get ``4.1%`` and ``12,345`` from the same calls.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
_MINUS = "−"  # a real minus sign reads better in print than a hyphen


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: float | None, decimals: int = 0, lang: str = "nl", sign: bool = False) -> str:
    """``12345.6`` → ``12.346`` (nl) / ``12,346`` (en); ``sign=True`` adds ``+``/``−``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0,0"
    text = format_decimal(abs(rounded), format=_pattern(decimals), locale=LOCALES.get(lang, "nl_NL"))
    if rounded < 0:
        return _MINUS + text
    return ("+" + text) if sign and rounded > 0 else text


def percent(value: float | None, decimals: int = 1, lang: str = "nl", sign: bool = False) -> str:
    """``4.1`` (already a percentage) → ``4,1%``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number(value, decimals, lang, sign) + "%"


def value(v: float | None, unit: str, decimals: int, lang: str = "nl") -> str:
    """A value with its unit, as in running text."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "percent":
        return percent(v, decimals, lang)
    if unit == "euro":
        return "€ " + number(v, decimals, lang)
    if unit == "km":
        return number(v, decimals, lang) + " km"
    if unit == "minutes":
        return number(v, decimals, lang) + " min"
    if unit == "per_1000":
        return number(v, decimals, lang) + (" per 1.000" if lang == "nl" else " per 1,000")
    return number(v, decimals, lang)


def points(delta: float, decimals: int = 1, lang: str = "nl", sign: bool = True) -> str:
    """A difference between two percentages: ``+0,3 procentpunt`` / ``+0.3 percentage points``.

    Dutch uses the singular for fractions and for one point (``0,3 procentpunt``,
    ``1 procentpunt``) and the plural for whole numbers above one (``2 procentpunten``).
    English uses the singular only for exactly one.
    """
    text = number(delta, decimals, lang, sign)
    size = round(abs(delta), decimals)
    if lang == "nl":
        word = "procentpunten" if size > 1 and float(size).is_integer() else "procentpunt"
    else:
        word = "percentage point" if size == 1 else "percentage points"
    return f"{text} {word}"


def change(delta: float, unit: str, decimals: int, lang: str = "nl") -> str:
    """A change in an indicator's own unit, with sign: ``+0,3 procentpunt``, ``+1.234``."""
    if unit == "percent":
        return points(delta, decimals, lang)
    if unit == "euro":
        return ("+" if delta > 0 else (_MINUS if delta < 0 else "")) + "€ " + number(abs(delta), decimals, lang)
    return (
        value(delta, unit, decimals, lang)
        if delta < 0
        else ("+" + value(delta, unit, decimals, lang) if delta > 0 else value(0.0, unit, decimals, lang))
    )


def relative_change(new: float, old: float, decimals: int = 1, lang: str = "nl") -> str:
    """Percentage change with sign: ``+2,1%``."""
    if old in (0, None) or new is None:
        return "–"
    return percent((new / old - 1) * 100, decimals, lang, sign=True)


def plural_category(n: float, lang: str = "nl") -> str:
    """Babel's plural category (``one``/``other``) of a number as it is printed."""
    from babel.core import Locale

    shown = round(abs(float(n)), 6)
    return Locale.parse(LOCALES.get(lang, "nl_NL")).plural_form(int(shown) if shown.is_integer() else shown)


def counted(n: float, forms: str, lang: str = "nl", decimals: int = 0) -> str:
    """A number with its noun in the right form: ``1 kwartaal``, ``8 kwartalen``, ``8 jaar``.

    ``forms`` is ``"singular|plural"`` (from ``text/labels.yaml``); the form follows the
    language's plural rule for the number as printed (Babel's CLDR data).
    """
    singular, _, plural_ = forms.partition("|")
    word = singular if plural_category(round(n, decimals), lang) == "one" else (plural_ or singular)
    return f"{number(n, decimals, lang)} {word}"


def magnitude(delta: float, unit: str, decimals: int, lang: str = "nl") -> str:
    """The size of a difference without its sign: ``0,3 procentpunt``, ``€ 8.490``, ``0,25``."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    size = abs(float(delta))
    if unit == "percent":
        return points(size, decimals, lang, sign=False)
    return value(size, unit, decimals, lang)
