"""The vocabulary both CBS backends (OData v3 and v4) translate into.

A table's metadata becomes a :class:`TableMeta` (measures with unit and decimals,
dimensions with their codes), and its cells become rows of one long table. The rules that
do not depend on the API live here: units such as "1 000 banen" → a scale factor, CBS
symbols ('.', 'x', '-') → a value and a status, period status texts → store statuses,
and how to find a dimension's total category.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

# Region dimensions by key, whatever type the API gives them (85792NED declares RegioS a plain
# Dimension); a table with two (home and work region) needs source.region_dimension.
GEO_KEYS = (
    "RegioS",
    "WijkenEnBuurten",
    "Regio",
    "Gemeenten",
    "RegioIndeling",
    "Provincies",
    "Regiokenmerken",
    "WoonregioS",
    "WerkregioS",
)


def norm(text: str | None) -> str:
    """Compare titles loosely: case, padding and repeated blanks do not matter."""
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Measure:
    key: str  # v3 column key (``Werkloosheidspercentage_12``) or v4 identifier (``M001924``)
    title: str
    unit: str = ""
    decimals: int | None = None
    group: str = ""  # title of the topic group it sits in (v3 TopicGroup)
    datatype: str = ""

    @property
    def key_prefix(self) -> str:
        """The key without CBS's table-specific numeric suffix (``_12``)."""
        return re.sub(r"_\d+$", "", self.key)


@dataclass(frozen=True)
class Code:
    key: str  # as the API gives it, padding included (used verbatim in filters)
    title: str
    status: str = ""  # time dimension: Definitief / Voorlopig / Nader voorlopig

    @property
    def code(self) -> str:
        return self.key.strip()


@dataclass
class Dimension:
    key: str
    title: str
    kind: str  # "geo", "time" or "dim"
    codes: list[Code] = field(default_factory=list)

    def by_code(self) -> dict[str, Code]:
        return {c.code: c for c in self.codes}


@dataclass
class TableMeta:
    api: str  # "v3" or "v4"
    table_id: str
    title: str
    modified: str  # as CBS gives it (ISO date-time)
    version: str = ""
    status: str = ""  # Regulier / Gediscontinueerd
    measures: list[Measure] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)

    @property
    def geo(self) -> Dimension | None:
        return next((d for d in self.dimensions if d.kind == "geo"), None)

    @property
    def time(self) -> Dimension | None:
        return next((d for d in self.dimensions if d.kind == "time"), None)

    @property
    def others(self) -> list[Dimension]:
        return [d for d in self.dimensions if d.kind == "dim"]


# ---- units ---------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^(?:x\s*)?1((?:[\s.\u00a0]?000)+)(?=\s|$)\s*(.*)$", re.IGNORECASE)
_WORDS = [
    (re.compile(r"^(?:x\s*)?(?:1\s*)?(?:mln|miljoen|million)\b\.?\s*(.*)$", re.IGNORECASE), 1e6),
    (re.compile(r"^(?:x\s*)?(?:1\s*)?(?:mld|miljard|billion)\b\.?\s*(.*)$", re.IGNORECASE), 1e9),
    (re.compile(r"^(?:x\s*)?(?:1\s*)?(?:duizend)\b\s*(.*)$", re.IGNORECASE), 1e3),
]


def unit_scale(unit: str | None) -> tuple[float, str]:
    """The factor a CBS unit multiplies by, and what is left of the unit.

    ``"1 000 banen"`` → ``(1000, "banen")``; ``"x 1 000"`` → ``(1000, "")``;
    ``"mln uren"`` → ``(1e6, "uren")``; ``"mld euro"`` → ``(1e9, "euro")``;
    ``"%"``, ``"euro"``, ``"per 1 000 inwoners"`` → factor 1 (a rate is not a scale).
    """
    text = " ".join(str(unit or "").split())
    m = _THOUSANDS.match(text)
    if m:
        return 10.0 ** (3 * m.group(1).count("000")), m.group(2).strip()
    for pattern, factor in _WORDS:
        m = pattern.match(text)
        if m:
            return factor, m.group(1).strip()
    return 1.0, text


def scaled(value: float, scale: float, decimals: int | None) -> float:
    """Multiply by the unit's scale without binary noise (135.5 × 1000 = 135500, not 135500.00000001)."""
    out = value * scale
    if decimals is None:
        return round(out, 10)
    shift = int(round(math.log10(scale))) if scale > 0 else 0
    return round(out, max(int(decimals) - shift, 0))


# ---- cell values ---------------------------------------------------------------------
# CBS's legend: '.' figures unknown/not available, 'x' secret, '-' nil (zero),
# '' (blank) a figure cannot occur. Anything else that is not a number is missing too.
SYMBOLS = {"": ("ontbreekt", "empty"), ".": ("ontbreekt", "."), "x": ("geheim", "x"), "?": ("ontbreekt", "?")}


# How a source writes a number in a string. Decided per source, never guessed per value:
# "1.234" is 1.234 with a decimal point and 1234 in Dutch notation, so a guess made "1.234"
# and "1.234.567" come out a thousand times apart.
NOTATIONS = {
    "point": re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"),  # 1234.5 (v3 UntypedDataSet, v4 StringValue)
    "dutch": re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"),  # 1.234,5
}
NOTATION_TEXT = {
    "point": "a decimal point and no thousands separator, e.g. 1234.5",
    "dutch": "a decimal comma and points between thousands, e.g. 1.234,5",
}
_NUMBERISH = re.compile(r"[-+]?[\d.,]*\d[\d.,]*")


class NotationError(ValueError):
    """A cell that looks like a number, but not in the notation of its source."""


def parse_cell(raw, notation: str = "point") -> tuple[float | None, str | None, str | None]:
    """``(value, missing_status, reason)`` for a cell from the untyped feed or a StringValue.

    A number gives ``(value, None, None)``; '-' (nihil) gives 0; a symbol gives
    ``(None, status, reason)``. Text is read in the source's ``notation`` (see
    :data:`NOTATIONS`); digits written otherwise raise :class:`NotationError`, since the
    source then writes its numbers in another way than this code expects.
    """
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}; valid: {', '.join(NOTATIONS)}")
    if raw is None:
        return None, "ontbreekt", "null"
    if isinstance(raw, bool):
        return None, "ontbreekt", f"unexpected {raw!r}"
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return None, "ontbreekt", "NaN"
        return float(raw), None, None
    text = str(raw).strip()
    if text in SYMBOLS:
        status, reason = SYMBOLS[text]
        return None, status, reason
    if text in ("-", "\u2013", "\u2014"):
        return 0.0, None, None
    if NOTATIONS[notation].fullmatch(text):
        if notation == "dutch":
            text = text.replace(".", "").replace(",", ".")
        return float(text), None, None
    if _NUMBERISH.fullmatch(text):
        raise NotationError(f"value {text!r} is not a number as this source writes them ({NOTATION_TEXT[notation]})")
    return None, "ontbreekt", f"symbol {text[:12]!r}"


# ---- v4 value attributes -------------------------------------------------------------
def attribute_status(attribute: str) -> str:
    """A v4 ``ValueAttribute`` other than ``None`` → the store's missing status."""
    a = norm(attribute)
    if any(s in a for s in ("confidential", "secret", "geheim")):
        return "geheim"
    return "ontbreekt"


# ---- periods -------------------------------------------------------------------------
def period_status(status: str | None, title: str | None = None) -> str:
    """A CBS period status ('Definitief', 'Voorlopig', 'Nader voorlopig') → the store's status."""
    s = norm(status)
    if "nader" in s:
        return "nader_voorlopig"
    if "voorlopig" in s or "provisional" in s or (title or "").rstrip().endswith("*"):
        return "voorlopig"
    return "definitief"


FREQ_KIND = {"Y": "JJ", "Q": "KW", "M": "MM"}


# ---- totals --------------------------------------------------------------------------
_TOTAL_CODE = re.compile(r"^T\d{6}$")


def total_code(dim: Dimension) -> Code | None:
    """The category that means "all" in a dimension: a CBS total code (``T001081``), else a
    title starting with "Totaal"; None when the dimension has none."""
    for code in dim.codes:
        if _TOTAL_CODE.match(code.code):
            return code
    for code in dim.codes:
        if norm(code.title).startswith("totaal"):
            return code
    return None
