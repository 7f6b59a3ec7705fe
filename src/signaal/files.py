"""Files: checksums and atomic writes, in a module of its own so that light code paths (the
no-change re-run) can use them without importing pandas."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


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
