"""The kernel side of a warm kernel: one kernel runs theme notebooks one after another, each as
if it had the kernel to itself (see :mod:`signaal.run.kernels`).

:func:`warm_up` imports what every theme notebook imports (``from signaal.briefing import
Briefing``: pandas, matplotlib, the package) and remembers the state a fresh kernel has after
those imports; :func:`reset` puts that state back before the next notebook: the working folder,
matplotlib's settings and figures, the warning filters and the record of warnings already shown,
and the package's own per-notebook state (the house stylesheet goes with the first block of a
notebook). The kernel then clears the user's namespace and restarts its execution count
(``%reset``), so that the next notebook's outputs equal a fresh kernel's.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import cast

_fresh: dict | None = None  # matplotlib's settings and the warning filters after warm_up


def warm_up() -> None:
    """Import what a theme notebook imports, and remember the state of a fresh kernel after it."""
    global _fresh
    import matplotlib

    from .. import config
    from . import notebook  # noqa: F401  (what ``from signaal.briefing import Briefing`` loads)

    config.collect_less()  # charts make many short-lived objects; the notebook's outputs are the same
    _fresh = {"rc": dict.copy(matplotlib.rcParams), "filters": list(warnings.filters)}


def reset(cwd: str) -> None:
    """The state of a fresh kernel after :func:`warm_up`, working in ``cwd`` (the notebook's folder)."""
    if _fresh is None:
        warm_up()
    assert _fresh is not None
    import matplotlib

    from . import style

    os.chdir(cwd)
    style.forget_stylesheet()
    pyplot = sys.modules.get("matplotlib.pyplot")  # only when a notebook imported it
    if pyplot is not None:
        pyplot.close("all")
    dict.clear(matplotlib.rcParams)
    dict.update(matplotlib.rcParams, _fresh["rc"])  # as they were: validated when first set
    cast(list, warnings.filters)[:] = _fresh["filters"]  # a list (typeshed says Sequence)
    warnings._filters_mutated()  # type: ignore[attr-defined]  # forget which warnings were shown once
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()


# what the worker sends the kernel (silently, outside the history): warm up; reset and %reset
WARM_UP = "__import__('signaal.briefing.fresh', fromlist=['fresh']).warm_up()"
RESET = "__import__('signaal.briefing.fresh', fromlist=['fresh']).reset({cwd!r})\nget_ipython().reset(new_session=True)"
