"""Stage 9 · the quarterly run: every theme notebook, the board pack, the factsheets, one folder.

The flow, one module each: :mod:`~.themes` (which notebooks are themes) → :mod:`~.plan`
(everything validated; the input checked at once by :mod:`~.preflight`) → :mod:`~.documents` (reuse, or a job per document) →
:mod:`~.scheduler` (the jobs, at most ``--jobs`` at a time) → :mod:`~.workers` (what a job
runs, given a :mod:`~.job` context) → :mod:`~.carry` (keep what this run did not make) →
:mod:`~.manifest` → :mod:`~.folder` (staging, lock, swap into place). :mod:`~.quarter` strings
them together; :mod:`~.progress` shows them.

The public names of the run (``make_plan``, ``execute``, ``run``, ``Plan``, ``RunResult``,
``Observer``, …) are importable from here, as before the run became a package.
"""

from ..errors import NotebookError, SignaalError
from ..publish.outcome import DocResult
from .carry import carry_over
from .folder import clean_stale_staging, swap_into_place
from .plan import Plan, RunResult, make_plan
from .preflight import Problems, quiet_nbformat
from .progress import Observer
from .quarter import OutputError, execute, run
from .themes import discover_themes, theme_notebooks

quiet_nbformat()  # in the run's process and in every worker process (they import this package)

publish = swap_into_place  # its name before the run became a package; `signaal.publish` is the stage

__all__ = [
    "Plan",
    "RunResult",
    "DocResult",
    "Observer",
    "make_plan",
    "execute",
    "run",
    "discover_themes",
    "theme_notebooks",
    "publish",
    "clean_stale_staging",
    "carry_over",
    "SignaalError",
    "NotebookError",
    "OutputError",
    "Problems",
]
