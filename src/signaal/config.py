"""Where things are: the data folder, the notebooks, the reports.

A checkout works without any settings: the data folder is ``data/`` of the project that
holds this package (an editable install), or the first ``data/`` with a bundled sample found
upwards from the current directory. ``SIGNAAL_DATA_DIR`` and ``SIGNAAL_PROJECT_DIR`` override.

Also the time limits of a run: how long one theme notebook may take as a whole (``--timeout``,
default :data:`NOTEBOOK_TIMEOUT`, or ``SIGNAAL_NOTEBOOK_TIMEOUT``) and one of its cells
(:data:`CELL_TIMEOUT`, or ``SIGNAAL_CELL_TIMEOUT``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

KERNEL_NAME = "signaal"
SAMPLE_WATERMARK = {
    "nl": "VOORBEELDDATA — geen officiële cijfers",
    "en": "SAMPLE DATA — not official statistics",
}
LANGUAGES = ("nl", "en")
NOTEBOOK_TIMEOUT = 1800.0  # seconds one theme notebook may run as a whole (kernel start to last cell)
CELL_TIMEOUT = 600.0  # seconds one cell of a theme notebook may run


DASK_SCHEDULER_ENV = "SIGNAAL_DASK_SCHEDULER"


def scheduler_address(option: str | None) -> str | None:
    """``--scheduler``, else ``SIGNAAL_DASK_SCHEDULER``, else None (the jobs run on this machine)."""
    return option or os.environ.get(DASK_SCHEDULER_ENV) or None


def local_workers(jobs: int | None, scheduler: str | None) -> bool:
    """Whether a run with ``--jobs`` and ``--scheduler`` starts worker processes on this
    machine: no Dask scheduler, and more than one job (``--jobs`` 0 or not given: the cores)."""
    return not scheduler_address(scheduler) and (jobs or os.cpu_count() or 1) > 1


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


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a number of seconds; e.g. {default:g}") from None
    if value <= 0:
        raise InputError(f"{name}={raw!r} is not a time limit; give a number of seconds above 0")
    return value


def notebook_timeout() -> float:
    """Seconds one theme notebook may run as a whole (``--timeout`` overrides)."""
    return _seconds("SIGNAAL_NOTEBOOK_TIMEOUT", NOTEBOOK_TIMEOUT)


def cell_timeout() -> float:
    """Seconds one cell of a theme notebook may run."""
    return _seconds("SIGNAAL_CELL_TIMEOUT", CELL_TIMEOUT)


def warm_kernels() -> bool:
    """Whether a run's theme notebooks run in warm kernels (``SIGNAAL_WARM_KERNELS=0``: each in
    a fresh kernel, papermill's own engine)."""
    return os.environ.get("SIGNAAL_WARM_KERNELS", "1").strip().lower() not in ("0", "no", "false", "off")


# the garbage collector's thresholds in a process that builds documents (see collect_less)
GC_THRESHOLDS = (20_000, 10, 10)


def collect_less() -> None:
    """Tune the garbage collector of a process that builds documents: a run's worker, a warm
    kernel. What it loaded so far (pandas, matplotlib, WeasyPrint …) is moved out of the
    collector's sight (``gc.freeze``), and young objects are collected every 20.000
    allocations instead of every 700. Laying out a PDF or drawing a chart makes hundreds of
    thousands of short-lived objects, so the default collector runs thousands of times per
    document; this saves about a tenth of the CPU of rendering a briefing, for some tens of
    MB more memory at its peak. Collection itself is unchanged: garbage is still freed."""
    import gc

    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
