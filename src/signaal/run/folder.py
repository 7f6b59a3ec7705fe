"""The report folder: built in a staging folder beside it, swapped into place atomically.

- **never destroy** — everything is built in ``.staging-<name>.<random>`` beside the target
  and swapped into place in one step (``renameat2(RENAME_EXCHANGE)`` on Linux); the folder
  it replaces is kept in ``reports/archive/<name>-<time>/``;
- **one run at a time** — a lock per report folder, released by the OS if the run is killed;
- **recover** — a run killed half-way leaves the published folder untouched; the next run
  (holding the lock, so never while another run still writes) deletes its incomplete
  staging folder, or archives a complete one;
- **never worse** — a complete run that would lose what the published folder has is not
  swapped in but set aside beside it, in ``.failed-<name>-<time>/`` (:func:`set_aside`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..files import exchange
from ..publish.outcome import MANIFEST

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MANIFEST",
    "archive_path",
    "clean_stale_staging",
    "lock",
    "set_aside",
    "staging_folder",
    "swap_into_place",
]


def archive_path(target: Path, suffix: str = "") -> Path:
    """A new folder name in ``archive/`` beside ``target``: ``<name>-<time><suffix>``."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    archive_root = target.parent / "archive"
    archive_root.mkdir(exist_ok=True)
    path = archive_root / f"{target.name}-{stamp}{suffix}"
    n = 1
    while path.exists():
        path = archive_root / f"{target.name}-{stamp}{suffix}-{n}"
        n += 1
    return path


def swap_into_place(staging: Path, target: Path) -> Path | None:
    """Move a complete staging folder into place; keep a replaced folder in the archive
    (returned; None when there was nothing to replace).

    With an existing target the two folders are swapped in one atomic step, so at every
    moment ``target`` is either the old complete folder or the new one; the old one is then
    moved into ``archive/``. (If the run dies between the two steps, the old folder waits at
    the staging name, with its manifest, and the next run moves it to the archive.)
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.replace(staging, target)
        return None
    archived = archive_path(target)
    if exchange(staging, target):
        os.replace(staging, archived)
    else:  # no atomic swap on this system: two renames, a moment without the folder
        os.replace(target, archived)
        os.replace(staging, target)
    return archived


def set_aside(staging: Path, target: Path) -> Path:
    """Put a complete run that is not published beside ``target``: ``.failed-<name>-<time>``
    (returned). The published folder is not touched."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = target.parent / f".failed-{target.name}-{stamp}"
    n = 1
    while path.exists():
        path, n = target.parent / f".failed-{target.name}-{stamp}-{n}", n + 1
    os.replace(staging, path)
    return path


def _staging_prefix(out: Path) -> str:
    return f".staging-{out.name}."


def _is_staging_of(path: Path, out: Path) -> bool:
    """A staging folder of exactly this report folder (``.staging-2026Q3.k3j_9x2a``), not of
    another one that shares its beginning (``.staging-2026Q3-CR10.…``)."""
    return re.fullmatch(re.escape(_staging_prefix(out)) + r"[a-z0-9_]{8}", path.name) is not None


@contextlib.contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A new staging folder for ``out`` (with the permissions of a folder made by hand);
    deleted when the run raises, left for :func:`swap_into_place` when it does not."""
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out), dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextlib.contextmanager
def lock(out: Path) -> Iterator[None]:
    """One run per report folder at a time (released by the OS if the run is killed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.lock"
    with open(path, "a+") as fh:
        try:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"another signaal run is writing {out} (lock {path}); wait for it to finish or choose another --out"
            ) from None
        yield


def clean_stale_staging(out: Path) -> list[str]:
    """Staging folders left by a run that was killed (call while holding the lock): an
    incomplete one is deleted; a complete one (it has a manifest: a finished run that was
    not yet, or no longer, in place) is moved to the archive, never deleted."""
    done = []
    for path in sorted(out.parent.glob(_staging_prefix(out) + "*")):
        if not path.is_dir() or not _is_staging_of(path, out):
            continue
        if (path / MANIFEST).is_file():
            dest = archive_path(out, "-recovered")
            os.replace(path, dest)
            done.append(f"moved {path.name} (complete) to {dest}")
        else:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name} (an interrupted run)")
    return done
