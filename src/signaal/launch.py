"""The ``signaal`` command's entry point: light on purpose.

``signaal run`` starts the forkserver its worker processes are forked from
(:mod:`signaal.run.forkserver`), whose imports take the run's first seconds on the other core.
The command line itself (click, rich, the region registry, …) takes about 0,08 s to import; a
run that will start worker processes on this machine starts the forkserver before that,
straight from its arguments, and the run starts sooner by as much. The command line then
decides as always (:func:`signaal.cli.run_cmd` starts it where it is not running yet).
"""

from __future__ import annotations

import atexit
import os
import sys

_JOBS = ("--jobs", "-j")


def _jobs(args: list[str]) -> int | None:
    """The ``--jobs`` of the arguments, the last one given, as the command line reads it
    (None: not given, 0 or not a number; the command line then takes the number of cores)."""
    jobs = None
    for i, arg in enumerate(args):
        value = None
        if arg in _JOBS and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--jobs="):
            value = arg.partition("=")[2]
        elif arg.startswith("-j") and not arg.startswith("--") and len(arg) > 2:
            value = arg[2:]
        if value is not None:
            try:
                jobs = int(value) or None
            except ValueError:
                jobs = None
    return jobs


def starts_local_workers(args: list[str]) -> bool:
    """Whether the arguments are a ``signaal run`` that will start worker processes on this
    machine (as :func:`signaal.cli.run_cmd` decides: more than one job, no Dask scheduler).
    Where unsure (a malformed ``--jobs``) it says yes: a forkserver started for nothing only
    takes the other core's time and ends with the command."""
    if not args or args[0] != "run" or "--help" in args:
        return False
    if os.environ.get("SIGNAAL_DASK_SCHEDULER") or any(
        a == "--scheduler" or a.startswith("--scheduler=") for a in args
    ):
        return False
    jobs = _jobs(args[1:])
    return (jobs if jobs is not None else (os.cpu_count() or 1)) > 1


def main() -> int:
    """``signaal``: the forkserver first where a run will need it, then the command line."""
    if starts_local_workers(sys.argv[1:]):
        from .run.forkserver import prestart, stop_forkserver

        if prestart():
            atexit.register(stop_forkserver)  # also where the command line refuses the arguments
    from .cli import main as command_line

    return command_line()
