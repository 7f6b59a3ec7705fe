"""Where things are: the data folder, the notebooks, the reports.

A checkout works without any settings: the data folder is ``data/`` of the project that
holds this package (an editable install), or the first ``data/`` with a bundled sample found
upwards from the current directory. ``SIGNAAL_DATA_DIR`` and ``SIGNAAL_PROJECT_DIR`` override.
"""

from __future__ import annotations

import os
from pathlib import Path

KERNEL_NAME = "signaal"
SAMPLE_WATERMARK = {
    "nl": "VOORBEELDDATA — geen officiële cijfers",
    "en": "SAMPLE DATA — not official statistics",
}
LANGUAGES = ("nl", "en")


def _looks_like_project(path: Path) -> bool:
    return (path / "notebooks").is_dir() and (path / "data" / "sample").is_dir()


def project_dir() -> Path:
    """The project folder (holding ``notebooks/``, ``data/``, ``reports/``)."""
    env = os.environ.get("SIGNAAL_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _looks_like_project(candidate):
            return candidate
    pkg_root = Path(__file__).resolve().parents[2]
    if _looks_like_project(pkg_root):
        return pkg_root
    return here


def data_dir() -> Path:
    env = os.environ.get("SIGNAAL_DATA_DIR")
    return Path(env).resolve() if env else project_dir() / "data"


def notebooks_dir() -> Path:
    env = os.environ.get("SIGNAAL_NOTEBOOKS_DIR")
    return Path(env).resolve() if env else project_dir() / "notebooks"


def reports_dir() -> Path:
    return project_dir() / "reports"
