"""How the run's worker processes start: forked from a forkserver that imported what every
worker needs once (:data:`PRELOAD`), started by :func:`prestart` when ``signaal run`` begins,
so that those imports run on the second core while the run plans, and ended by
:func:`stop_forkserver` when the run is over.

A light module on purpose: the command line calls :func:`prestart` before it imports the
rest of the run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal

# What every worker imports (about 1,5 s of CPU), and what a warm kernel imports (IPython's
# kernel, and what ``from signaal.briefing import Briefing`` loads): imported once, by the
# forkserver, while the run plans; each worker and each warm kernel is then a fork of it, ready
# at once (see :mod:`~signaal.run.handover`). (A module that cannot be found is skipped by the
# forkserver and imported in the worker as before, with its error; a kernel then starts anew.)
PRELOAD = (
    "signaal.run.zygote",  # first: it notes the warning filters of a kernel's imports
    "signaal.run.workers",
    "signaal.run.kernels",
    "signaal.run.handover",
    "papermill",
    "weasyprint",
    "signaal.publish.exporters",
    "signaal.publish.boardpack",
    "signaal.publish.factsheets",
    "signaal.signals.engine",
)
# what ipykernel sets before a kernel imports matplotlib (unless it is set): the forkserver
# imports matplotlib for the kernels it forks, so it starts with the same setting
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def worker_context():
    """How worker processes start: forked from a forkserver that preloaded :data:`PRELOAD`
    (Linux, macOS), else spawned (a fresh interpreter that imports what it needs)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def prestart() -> bool:
    """Start the forkserver now, so that its imports run on the other core while this
    process plans the run (it ends with this process; a run that builds nothing wasted
    only that core's time). Whether it runs (False: workers are spawned, or it did not start)."""
    ctx = worker_context()
    if ctx.get_start_method() != "forkserver":
        return False
    from multiprocessing import forkserver

    added = {k: v for k, v in KERNEL_ENV.items() if k not in os.environ}
    os.environ.update(added)  # the server takes this process's environment as it starts
    try:
        forkserver.ensure_running()
        return True
    except Exception:  # a worker then starts it; never fail a run for this
        return False
    finally:
        for key in added:
            os.environ.pop(key, None)


def stop_forkserver() -> None:
    """End the forkserver the run started, if any (the run is over). Left alone it ends only
    after this process, once it has finished importing and then unloaded what it imported
    (up to two seconds), and until then it holds this process's stdout and stderr open: a
    script or cron job that reads the run's output would wait for it."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if not pid:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)  # it holds nothing: its workers and the kernels forked from it have ended
    with contextlib.suppress(Exception):
        server._stop()  # type: ignore[union-attr]  # reaps it, forgets it (a later run starts a new one)
