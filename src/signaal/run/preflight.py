"""Preflight: every problem with the input of a run, found before any work, all at once.

A run costs minutes and ends by replacing the published quarter, so what can be known
beforehand is checked first, and every problem found is reported, each in one line:

- the **curated tables** in ``data/manual`` (each file the catalogue reads, through the one
  reader of curated CSV files) and the board **targets** (``doelen.csv``);
- the **vintage** (it can be read; the quarter is inside its data);
- the **output folder**: a folder (or one that can be made), writable, not a mount point,
  with room for as much as the last run of it took, and holding this run's quarter and region
  (a folder holds one quarter of one focus region; its languages side by side).

A problem in any of these stops the run: nothing is written (:class:`Problems`, exit 2).
Notebook problems are not among them: a notebook that is not a theme is rejected on its own
and the other themes still run (:mod:`signaal.run.themes`). The checks of notebooks that the
run adds (time limits, nbformat's warnings) are here and in :mod:`signaal.run.workers`, apart
from the theme marking in :mod:`signaal.run.themes`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..catalogue import catalogue
from ..catalogue.targets import FILE as TARGETS_FILE
from ..catalogue.targets import load_targets
from ..errors import InputError, SignaalError
from ..periods import Period
from ..publish.outcome import MANIFEST
from ..regions import registry
from ..store.vintage import Vintage

MB = 1024 * 1024


class Problems(InputError):
    """Several problems found before a run, each one line (``problems``); the message joins them."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = [" ".join(p.split()) for p in problems]


# ---------------------------------------------------------------------------------------
# Curated tables and targets
# ---------------------------------------------------------------------------------------
def curated_problems(data_dir: Path) -> list[str]:
    """Every curated table in ``<data>/manual`` that Signaal reads, and the targets: one line
    per file that cannot be read as meant (the first problem in it)."""
    from ..sources.manual import load_manual  # pandas: only when the tables are checked

    folder = Path(data_dir) / "manual"
    cat, reg = catalogue(), registry()
    files = sorted({i.source.file for i in cat.indicators.values() if i.source.kind == "manual" and i.source.file})
    problems = []
    for name in files:
        path = folder / name
        if not path.exists():
            continue  # a refresh says so; a run reads the vintage, not the file
        try:
            load_manual(path, cat, reg)
        except SignaalError as exc:
            problems.append(f"{folder}/{exc}")
        except OSError as exc:
            problems.append(f"{folder}/{name} cannot be read ({exc.strerror or exc})")
    try:
        load_targets(folder / TARGETS_FILE)
    except SignaalError as exc:
        problems.append(f"{folder}/{exc}")
    except OSError as exc:
        problems.append(f"{folder}/{TARGETS_FILE} cannot be read ({exc.strerror or exc})")
    return problems


def vintage_problems(vintage: Vintage, read: bool = True) -> list[str]:
    """The vintage's data file, in one line when it is not as written: it matches the checksum
    of its manifest, and (``read``) it reads as a run reads it (columns, codes, numbers; the
    reading compares the checksum too)."""
    try:
        if read:
            vintage.observations  # noqa: B018  (reading it is the check)
        else:
            vintage.verify_checksum()
    except SignaalError as exc:
        return [str(exc)]
    return []


def inputs_fingerprint(data_dir: Path, vintage_checksum: str) -> str:
    """The input that :func:`curated_problems` and :func:`vintage_problems` read, as they read
    it: the bytes of ``<data>/manual``, the vintage (its checksum), and the code and packages
    that read them. A run's manifest records it (``fingerprints.inputs``); see
    :func:`checked_before`."""
    from . import incremental as inc

    return inc.digest(inc.tree_fingerprint(Path(data_dir) / "manual"), vintage_checksum, inc.environment_fingerprint())


def checked_before(out: Path, fingerprint: str) -> bool:
    """Whether the run published in ``out`` read the curated tables and the vintage as they are
    now, with the code of now (its manifest's ``fingerprints.inputs`` is ``fingerprint``): they
    passed then, so they pass now, and a re-run need not read them again (that reading, with
    pandas, was most of the time of a re-run with nothing to do). The vintage's file is still
    compared with its checksum."""
    try:
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
        return manifest["fingerprints"]["inputs"] == fingerprint
    except (OSError, ValueError, TypeError, KeyError):
        return False


# ---------------------------------------------------------------------------------------
# The output folder
# ---------------------------------------------------------------------------------------
def _existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (each inode once: hard-linked files cost once)."""
    seen, total = set(), 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def _holds(manifest: dict) -> str:
    params = manifest.get("parameters") or {}
    code = str(params.get("region", "?"))
    name = registry().get(code).name_nl if code in registry() else code
    return f"{name} ({code}) {params.get('quarter', '?')}"


def output_problems(out: Path, quarter: Period, region: str, suggestion: Path | None = None) -> list[str]:
    """What keeps a run from writing ``out`` (for ``quarter`` and ``region``), in one line each."""
    if out.exists() and not out.is_dir():
        return [f"--out {out} is a file, not a folder; choose a folder (it is made when missing)"]
    base = _existing(out.parent)
    if not base.is_dir():
        return [f"--out {out} cannot be made: {base} is a file, not a folder"]
    if out.exists() and os.path.ismount(out):
        return [
            f"--out {out} is a mount point: a run puts its folder in place by renaming it, which a mount "
            f"point cannot be; choose a folder inside it, e.g. {out / str(quarter)}"
        ]
    problems = []
    if not os.access(base, os.W_OK | os.X_OK):
        how = "is on a read-only file system" if _read_only_fs(base) else "is read-only"
        problems.append(f"--out {out} cannot be written: {base} {how}; choose another --out")
    if out.is_dir():
        problems += _published_problems(out, quarter, region, suggestion)
        need = folder_size(out)
        free = shutil.disk_usage(out).free
        if need > free:
            problems.append(
                f"not enough free space for {out}: {free / MB:.1f} MB free, and its last run took {need / MB:.1f} MB; "
                "free some space or choose another --out"
            )
    return problems


def _published_problems(out: Path, quarter: Period, region: str, suggestion: Path | None) -> list[str]:
    """A folder that holds something else than this run's quarter and region."""
    if not any(out.iterdir()):
        return []
    if not (out / MANIFEST).exists():
        return [f"output folder {out} exists and is not a Signaal report folder; choose another --out"]
    try:
        published = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return []  # an unreadable manifest: nothing to carry over; the folder goes to the archive
    params = published.get("parameters") if isinstance(published, dict) else None
    if not isinstance(params, dict) or "quarter" not in params or "region" not in params:
        return []  # it does not say what it holds: nothing to carry over, and it goes to the archive
    if params.get("quarter") == str(quarter) and params.get("region") == region:
        return []
    reg = registry()
    other = f" (e.g. {suggestion})" if suggestion is not None and suggestion.resolve() != out.resolve() else ""
    return [
        f"output folder {out} holds {_holds(published)}; this run is for {reg.get(region).name_nl} ({region}) "
        f"{quarter}; a folder holds one quarter of one region (its languages side by side): "
        f"choose another --out{other}"
    ]
