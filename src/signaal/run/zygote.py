"""What a warm kernel imports, imported first by the forkserver (:data:`~signaal.run.forkserver.PRELOAD`),
so that a kernel forked from it (:func:`~signaal.run.handover.kernel_main`) starts as a fresh one.

Importing a module may add warning filters, and a fresh kernel has only those of what it
imports itself: IPython's kernel, then, at its warm-up, what ``from signaal.briefing import
Briefing`` loads. The forkserver imports much more for the workers (nbconvert, WeasyPrint, the
HTTP client …), so the filters are noted here, before those imports: after the kernel's imports
(:data:`KERNEL`) and after the warm-up's (:data:`WARM`). A forked kernel starts from
:data:`KERNEL`; its warm-up puts back what the warm-up's imports added, where a fresh kernel
has it (:func:`warmed`).
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import cast

MPLBACKEND = os.environ.get("MPLBACKEND")  # what matplotlib, imported below, takes as its backend

import ipykernel.kernelapp  # noqa: E402, F401  (what a kernel imports as it starts)

KERNEL = list(warnings.filters)

from ..briefing import notebook  # noqa: E402, F401  (what a theme notebook's warm-up imports)

WARM = list(warnings.filters)


def _added() -> tuple[list, list] | None:
    """The filters the warm-up's imports added in front of :data:`KERNEL` and behind it
    (None when they changed it otherwise: then a kernel is not forked)."""
    for start in range(len(WARM) - len(KERNEL) + 1):
        if WARM[start : start + len(KERNEL)] == KERNEL:
            return WARM[:start], WARM[start + len(KERNEL) :]
    return None


ADDED = _added()


def like_fresh(env: dict[str, str]) -> bool:
    """Whether a kernel forked from this process, with the environment ``env``, starts as a
    fresh one would: the warm-up's filters are known, matplotlib was imported with the backend
    ipykernel gives a fresh kernel (``MPLBACKEND``, else matplotlib-inline's), and this
    interpreter runs with what a new one gets from ``env`` (no ``-W``, ``-O``, ``-X dev`` or
    ``-I`` of the run's command)."""
    backend = env.get("MPLBACKEND") or "module://matplotlib_inline.backend_inline"
    return ADDED is not None and backend == MPLBACKEND and _flags_from(env)


def _flags_from(env: dict[str, str]) -> bool:
    optimize = env.get("PYTHONOPTIMIZE", "")
    return (
        list(sys.warnoptions) == [w for w in env.get("PYTHONWARNINGS", "").split(",") if w]
        and sys.flags.optimize == (int(optimize) if optimize.isdigit() else 1 if optimize else 0)
        and sys.flags.dev_mode == bool(env.get("PYTHONDEVMODE"))
        and not sys.flags.isolated
        and not sys.flags.ignore_environment
    )


def start() -> None:
    """In a forked kernel, before IPython's kernel starts: the filters of a fresh kernel's imports."""
    cast(list, warnings.filters)[:] = KERNEL  # a list (typeshed says Sequence)
    warnings._filters_mutated()  # type: ignore[attr-defined]


def warmed() -> None:
    """In a forked kernel, at its warm-up (its modules are imported already): the filters the
    warm-up's imports add, in front of and behind what the kernel's start added, as a fresh
    kernel has them."""
    assert ADDED is not None
    front, back = ADDED
    cast(list, warnings.filters)[:] = front + [f for f in warnings.filters if f not in front and f not in back] + back
    warnings._filters_mutated()  # type: ignore[attr-defined]
