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

from typing import TYPE_CHECKING

from .. import lazy_attributes

if TYPE_CHECKING:
    from ..errors import NotebookError, SignaalError
    from ..publish.outcome import DocResult
    from .carry import carry_over
    from .folder import clean_stale_staging, swap_into_place
    from .plan import Plan, RunResult, make_plan
    from .preflight import Problems
    from .progress import Observer
    from .quarter import OutputError, execute, run
    from .themes import discover_themes, theme_notebooks

    publish = swap_into_place

# the public names load when first used (PEP 562): ``signaal run`` starts its worker processes'
# forkserver (:mod:`.forkserver`) before it loads the rest of the run
__getattr__ = lazy_attributes(
    __name__,
    {
        "NotebookError": "..errors",
        "SignaalError": "..errors",
        "DocResult": "..publish.outcome",
        "carry_over": ".carry",
        "clean_stale_staging": ".folder",
        "publish": ".folder:swap_into_place",  # its name before the run became a package
        "Plan": ".plan",
        "RunResult": ".plan",
        "make_plan": ".plan",
        "Problems": ".preflight",
        "Observer": ".progress",
        "OutputError": ".quarter",
        "execute": ".quarter",
        "run": ".quarter",
        "discover_themes": ".themes",
        "theme_notebooks": ".themes",
    },
)

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
