"""Curated CSV files as Excel writes them: one reader for data/manual/*.csv and doelen.csv.

Excel's "CSV UTF-8" adds a byte order mark, Dutch Excel separates with ``;`` and writes
decimal commas, and its plain "CSV" on Windows is Windows-1252. Each is read as meant, or
refused in one line that names the file and says how to save it.
"""

from __future__ import annotations

import csv
import io

import pytest

from signaal.catalogue import catalogue
from signaal.catalogue.targets import load_targets
from signaal.errors import DataError
from signaal.regions import registry
from signaal.sources.manual import load_manual


def excel(rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    """A table as Excel saves it: CRLF line ends, quotes where needed."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding)


TARGETS_HEAD = ["id", "region", "indicator", "kind", "benchmark", "value", "start", "by"]
TARGETS_HEAD += ["label_nl", "label_en", "source_url", "note_nl", "note_en"]
WOONDEAL = ["woondeal", "CR12", "woningvoorraad", "cumulative", "", "14100", "2022Q4", "2030Q4"]
WOONDEAL += ["Woondeal Twente – één regio", "Woondeal Twente", "https://example.org/w", "twee derde betaalbaar", ""]
BTG_HEAD = ["indicator", "region", "period", "value", "source_url", "note", "region_name"]
BTG = [["btg_rapportcijfer", "CR12", "2025", "7.4", "https://example.org/a", "", "Twente"]]


@pytest.mark.parametrize(
    "how",
    [
        dict(bom=True),  # Excel: "CSV UTF-8 (door komma's gescheiden)"
        dict(sep=";"),  # Dutch Excel: "CSV (gescheiden door lijstscheidingsteken)"
        dict(sep=";", encoding="cp1252"),  # … on Windows: Windows-1252
        dict(sep="\t", bom=True),  # "Unicode text" saved again as UTF-8
    ],
)
def test_targets_as_excel_writes_them_are_read_as_meant(tmp_path, how):
    path = tmp_path / "doelen.csv"
    path.write_bytes(excel([TARGETS_HEAD, WOONDEAL], **how))
    (target,) = load_targets(path)
    assert target.id == "woondeal" and target.value == 14100
    assert target.label_nl == "Woondeal Twente – één regio" and target.note_nl == "twee derde betaalbaar"


def test_decimal_commas_in_a_semicolon_file_and_their_thousands_points(tmp_path):
    path = tmp_path / "btg_rapportcijfers.csv"
    rows = [
        BTG_HEAD,
        [*BTG[0][:3], "7,4", *BTG[0][4:]],
        ["btg_rapportcijfer", "NL01", "2025", "6,9", BTG[0][4], "", ""],
    ]
    path.write_bytes(excel(rows, sep=";", bom=True))
    values = load_manual(path, catalogue(), registry()).observations.set_index("region")["value"]
    assert values.to_dict() == {"CR12": 7.4, "NL01": 6.9}

    targets = tmp_path / "doelen.csv"
    targets.write_bytes(excel([TARGETS_HEAD, [*WOONDEAL[:5], "14.100", *WOONDEAL[6:]]], sep=";"))
    assert load_targets(targets)[0].value == 14100  # Dutch Excel with a thousands separator


@pytest.mark.parametrize(
    "rows, sep, message",
    [
        # a ;-file writes decimal commas: "7.4" there is refused, never guessed
        ([BTG_HEAD, [*BTG[0][:3], "7.4", *BTG[0][4:]]], ";", "line 2: value '7.4' is not a number; a ;-separated"),
        # a comma-file cannot hold a decimal comma (unless quoted, and then it is refused too)
        ([BTG_HEAD, [*BTG[0][:3], "7,4", *BTG[0][4:]]], ",", "line 2: value '7,4' is not a number; a ,-separated"),
        ([BTG_HEAD, [*BTG[0][:3], "zeven", *BTG[0][4:]]], ";", "line 2: value 'zeven' is not a number"),
        ([BTG_HEAD, [*BTG[0], "extra", "velden"]], ",", "line 2: 9 fields, the header has 7"),
    ],
)
def test_numbers_in_the_wrong_notation_are_refused_naming_the_line(tmp_path, rows, sep, message):
    path = tmp_path / "btg_rapportcijfers.csv"
    path.write_bytes(excel(rows, sep=sep))
    with pytest.raises(DataError, match=message.replace("(", r"\(")) as err:
        load_manual(path, catalogue(), registry())
    assert str(err.value).startswith("btg_rapportcijfers.csv")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "doelen.csv is empty; expected a header line with id, region"),
        ("id,region\n".encode("utf-16"), "doelen.csv is UTF-16 text"),
        (b"id,region\n\x81\x8d\x8f\xff,CR12\n", "doelen.csv is neither UTF-8 nor Windows-1252 (byte 0x81 on line 2)"),
        (
            excel([[h.replace("indicator", "indikator") for h in TARGETS_HEAD], WOONDEAL]),
            "doelen.csv: missing column(s) indicator (its header has id, region, indikator,",
        ),
        (excel([[*TARGETS_HEAD, "opmerking"], [*WOONDEAL, "x"]]), "doelen.csv: unknown column 'opmerking'"),
        (excel([TARGETS_HEAD, [*WOONDEAL[:5], "veertienduizend", *WOONDEAL[6:]]]), "line 2: value 'veertienduizend'"),
    ],
)
def test_a_targets_file_that_cannot_be_read_as_meant_is_one_line(tmp_path, content, message):
    path = tmp_path / "doelen.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_targets(path)
    assert message in str(err.value) and "\n" not in str(err.value)
    if "UTF" in message:
        assert "save it in Excel as 'CSV UTF-8" in str(err.value)
