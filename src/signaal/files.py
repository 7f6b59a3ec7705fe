"""Files: checksums, atomic writes and the one reader of curated CSV files, in a module of
its own so that light code paths (the no-change re-run, the run's preflight) can use them
without importing pandas."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from pathlib import Path

from .errors import DataError


def sha256(data: bytes | Path) -> str:
    """The SHA-256 hex digest of some bytes, or of a file's content (read in chunks).

    The one checksum of the package: raw responses, vintages, the sample and the run's cache
    keys all use it, so a checksum written by one part can be checked by another."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return hashlib.sha256(data).hexdigest()
    with open(data, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_atomic(path: Path, payload: bytes | str) -> None:
    """Write to a temporary name beside ``path``, then rename: never a half-written file,
    and no temporary file left behind when the write fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``);
    False where the system cannot, and nothing was changed."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if not hasattr(libc, "renameat2"):
            return False
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        return libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0
    except OSError:
        return False


def new_folder_beside(target: Path) -> Path:
    """An empty, hidden folder in ``target``'s parent to build a replacement of ``target`` in
    (same file system, so it can be swapped in; made with the user's umask, unlike mkdtemp)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        path = target.parent / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def replace_folder(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` at ``target`` and delete the folder it replaces.

    At every moment ``target`` is the old complete folder or the new one (an atomic swap on
    Linux; elsewhere two renames, with a moment in which ``target`` is absent, never mixed).
    """
    import shutil

    new, target = Path(new), Path(target)
    if not target.exists():
        os.replace(new, target)
        return
    if exchange(new, target):
        shutil.rmtree(new)  # the old folder, now under the temporary name
        return
    old = target.with_name(f".{target.name}.old.{os.getpid()}.{os.urandom(4).hex()}")
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old)


# ---------------------------------------------------------------------------------------
# Curated CSV files (data/manual): one reader for all of them
# ---------------------------------------------------------------------------------------
CSV_SEPARATORS = (",", ";", "\t")
_POINT_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"  # 1234.5
_COMMA_NUMBER = r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"  # 1.234,5 (as Dutch Excel writes numbers)
SAVE_AS = "save it in Excel as 'CSV UTF-8 (door komma's gescheiden)' or in any editor as UTF-8"


class CsvTable:
    """A curated CSV file as its writer meant it: the header (trimmed, lower case) and the rows
    as ``(line, {column: text})``, numbers in the numeric columns written with a decimal point.

    ``encoding`` is ``utf-8`` (with or without the BOM that Excel's "CSV UTF-8" writes) or
    ``windows-1252`` (Excel's plain "CSV" on Windows); ``separator`` is ``,``, ``;`` (Dutch
    Excel) or a tab, and a file separated by ``;`` writes its numbers with a decimal comma."""

    def __init__(self, name: str, content: bytes, encoding: str, separator: str, header: list[str], rows: list):
        self.name = name
        self.content = content
        self.encoding = encoding
        self.separator = separator
        self.header = header
        self.rows: list[tuple[int, dict[str, str]]] = rows

    @property
    def decimal(self) -> str:
        return "," if self.separator == ";" else "."


def _decode_csv(name: str, content: bytes) -> tuple[str, str]:
    """The text of a curated file and its encoding; one line naming the problem otherwise."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise DataError(f"{name} is UTF-16 text (Excel's 'Unicode text'); {SAVE_AS}")
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        line = content[: utf8_error.start].count(b"\n") + 1
        byte = content[utf8_error.start]
        raise DataError(
            f"{name} is neither UTF-8 nor Windows-1252 (byte 0x{byte:02x} on line {line}); {SAVE_AS}"
        ) from None


def _separator(first_line: str, columns: tuple[str, ...]) -> str:
    """The separator that splits the header into the most known column names (``,`` on a tie)."""

    def known(sep: str) -> int:
        fields = next(csv.reader([first_line], delimiter=sep), [])
        return sum(1 for f in fields if f.strip().lower() in columns)

    return max(CSV_SEPARATORS, key=lambda sep: (known(sep), sep == ","))


def _number(name: str, line: int, column: str, text: str, separator: str) -> str:
    """``text`` of a numeric column written with a decimal point (``''`` stays empty)."""
    if not text:
        return text
    if separator == ";":
        if re.fullmatch(_COMMA_NUMBER, text):
            return text.replace(".", "").replace(",", ".")
        how = "a ;-separated file (as Dutch Excel writes it) writes numbers with a decimal comma, e.g. 7,1 or 14100"
    else:
        if re.fullmatch(_POINT_NUMBER, text):
            return text
        how = f"a {'tab' if separator == chr(9) else ','}-separated file writes numbers with a decimal point, e.g. 7.1"
    raise DataError(f"{name} line {line}: {column} {text!r} is not a number; {how}")


def read_csv_table(
    path: Path, columns: tuple[str, ...], required: tuple[str, ...], numeric: tuple[str, ...] = ()
) -> CsvTable:
    """Read a curated CSV file as Excel or a text editor writes it (see :class:`CsvTable`);
    refuse it in one line naming the file (and line) when it cannot be read as meant: another
    encoding, a header without the ``required`` columns or with a column not in ``columns``,
    a row with more fields than the header, text in a ``numeric`` column."""
    path = Path(path)
    name = path.name
    content = path.read_bytes()
    text, encoding = _decode_csv(name, content)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise DataError(f"{name} is empty; expected a header line with {', '.join(required)}")
    separator = _separator(first, columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [h.strip().lower() for h in next(reader)]
    lacking = [c for c in required if c not in header]
    if lacking:
        shown = ", ".join(h for h in header if h) or "nothing"
        raise DataError(
            f"{name}: missing column(s) {', '.join(lacking)} (its header has {shown}); "
            f"expected {', '.join(required)}, separated by ',' or ';'"
        )
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise DataError(f"{name}: unknown column {unknown[0]!r}; valid: {', '.join(columns)}")
    rows = []
    last = reader.line_num
    for fields in reader:
        line, last = last + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > len(header):
            raise DataError(
                f"{name} line {line}: {len(fields)} fields, the header has {len(header)} "
                f"(a {separator!r} inside a value? put that value in double quotes)"
            )
        record = dict(zip(header, (f.strip() for f in fields), strict=False))
        record.update({h: "" for h in header[len(fields) :]})
        for column in numeric:
            if column in record:
                record[column] = _number(name, line, column, record[column], separator)
        rows.append((line, record))
    return CsvTable(name, content, encoding, separator, header, rows)
