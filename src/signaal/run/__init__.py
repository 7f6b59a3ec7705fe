"""Stage 9 · the quarterly run: every theme notebook, the board pack, the factsheets, one folder.

The public names of the run (``make_plan``, ``execute``, ``run``, ``Plan``, ``RunResult``,
``Observer``, …) are importable from here, as before the run became a package.
"""

from .quarter import (
    DocResult,
    NotebookError,
    Observer,
    Plan,
    RunResult,
    SignaalError,
    carry_over,
    clean_stale_staging,
    discover_themes,
    execute,
    make_plan,
    publish,
    run,
    theme_notebooks,
)

__all__ = [
    "Plan", "RunResult", "DocResult", "Observer", "make_plan", "execute", "run", "discover_themes",
    "theme_notebooks", "publish", "clean_stale_staging", "carry_over", "SignaalError", "NotebookError",
]
