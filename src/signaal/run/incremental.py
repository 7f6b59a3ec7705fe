"""Incremental runs: a cache key per document, and reuse of unchanged outputs.

A document's key is a SHA-256 over everything that can change its output: the notebook's
bytes (for a theme), the run's parameters, the data (vintage checksum plus the curated
tables in ``data/manual``), the code (every file of the installed ``signaal`` package:
modules, catalogue, labels, template, CSS, fonts) and the versions of the packages that
execute and render it. When the previously published report folder holds a document with
the same key, and its files still match their recorded checksums, the run hard-links those
files into the new staging folder instead of building them again.

Everything here is cheap (no pandas, no kernel, no WeasyPrint), so a re-run with nothing
changed stays fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..files import sha256 as sha256_file

# Packages whose version changes what a briefing looks like or says.
RELEVANT_PACKAGES = (
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
    "pandas",
    "numpy",
    "matplotlib",
    "weasyprint",
    "pydyf",
    "babel",
    "jinja2",
    "beautifulsoup4",
)


def digest(*parts) -> str:
    """A stable SHA-256 of JSON-serialisable parts."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_fingerprint(root: Path, skip_dirs: tuple[str, ...] = ("__pycache__",)) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``root``."""
    h = hashlib.sha256()
    root = Path(root)
    if not root.is_dir():
        return "absent"
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith((".pyc", ".tmp")) or name.startswith("."):
                continue
            path = Path(dirpath) / name
            h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
            h.update(sha256_file(path).encode("ascii"))
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The installed ``signaal`` package: code, catalogue, labels, templates, CSS, fonts."""
    return tree_fingerprint(Path(__file__).resolve().parents[1])  # the whole signaal package


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("signaal", *RELEVANT_PACKAGES):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def environment_fingerprint() -> str:
    return digest(code_fingerprint(), package_versions())


def tree_signature(root: Path) -> list:
    """Names, sizes and modification times under ``root`` (cheap, for large caches)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def data_fingerprint(data_dir: Path, vintage_checksum: str) -> str:
    """The vintage, the curated tables the code reads beside it (targets, travel times) and
    the cached boundaries the maps are drawn from (``data/geo``: by size and time, they are large)."""
    return digest(vintage_checksum, tree_fingerprint(Path(data_dir) / "manual"), tree_signature(Path(data_dir) / "geo"))


# ---------------------------------------------------------------------------------------
# Reuse
# ---------------------------------------------------------------------------------------
def previous_documents(manifest: dict | None) -> dict[str, dict]:
    """Documents of a published manifest that may be reused (built, reused or carried over
    from an earlier run; not failed or skipped)."""
    if not manifest:
        return {}
    return {
        d["name"]: d
        for d in manifest.get("documents", [])
        if d.get("status") in ("built", "reused", "carried") and d.get("key")
    }


def reusable(previous: dict | None, key: str, folder: Path) -> bool:
    """True when ``previous`` was made with ``key`` and its files are intact in ``folder``."""
    if not previous or previous.get("key") != key:
        return False
    checksums = previous.get("checksums") or {}
    outputs = previous.get("outputs") or []
    if not outputs or set(outputs) - set(checksums):
        return False
    for rel in outputs:
        path = folder / rel
        if not path.is_file() or sha256_file(path) != checksums[rel]:
            return False
    return True


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link ``src`` to ``dst`` (an archived folder then costs no space); copy when the
    file system cannot link. Outputs are only ever replaced, never written in place, so a
    shared inode is never changed under an earlier run."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
