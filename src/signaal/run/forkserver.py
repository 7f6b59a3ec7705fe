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

# What every worker imports (about 1,5 s of CPU): imported once, by the forkserver, while the
# run plans; each worker is then a fork of it, ready at once. (An import that fails here is
# skipped by the forkserver and happens in the worker as before, with its error.)
PRELOAD = (
    "signaal.run.workers",
    "signaal.run.kernels",
    "papermill",
    "weasyprint",
    "signaal.publish.exporters",
    "signaal.publish.boardpack",
    "signaal.publish.factsheets",
    "signaal.signals.engine",
)


def worker_context():
    """How worker processes start: forked from a forkserver that preloaded :data:`PRELOAD`
    (Linux, macOS), else spawned (a fresh interpreter that imports what it needs)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def prestart() -> None:
    """Start the forkserver now, so that its imports run on the other core while this
    process plans the run (it ends with this process; a run that builds nothing wasted
    only that core's time)."""
    ctx = worker_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with contextlib.suppress(Exception):  # a worker then starts it; never fail a run for this
            forkserver.ensure_running()


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
        os.kill(pid, signal.SIGKILL)  # it holds nothing: its workers have ended
    with contextlib.suppress(Exception):
        server._stop()  # type: ignore[union-attr]  # reaps it, forgets it (a later run starts a new one)
