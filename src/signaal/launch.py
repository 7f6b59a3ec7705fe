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
import sys

from . import config


def _last(args: list[str], long: str, short: str = "") -> str | None:
    """The value of the option's last occurrence (``--jobs 2``, ``--jobs=2``, ``-j2``), as the
    command line reads it; None where it is not given."""
    value = None
    for i, arg in enumerate(args):
        if arg in (long, short) and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(long + "="):
            value = arg.partition("=")[2]
        elif short and arg.startswith(short) and len(arg) > len(short) and not arg.startswith("--"):
            value = arg[len(short) :]
    return value


def starts_local_workers(args: list[str]) -> bool:
    """Whether the arguments are a ``signaal run`` that will start worker processes on this
    machine, as :func:`signaal.cli.run_cmd` decides (:func:`signaal.config.local_workers`).
    Where unsure (a malformed ``--jobs``) it says yes: a forkserver started for nothing only
    takes the other core's time and ends with the command."""
    if not args or args[0] != "run" or "--help" in args:
        return False
    jobs = _last(args[1:], "--jobs", "-j")
    try:
        number = int(jobs) if jobs is not None else None
    except ValueError:
        number = None
    return config.local_workers(number, _last(args[1:], "--scheduler"))


def main() -> int:
    """``signaal``: the forkserver first where a run will need it, then the command line."""
    if starts_local_workers(sys.argv[1:]):
        from .run.forkserver import prestart, stop_forkserver

        if prestart():
            atexit.register(stop_forkserver)  # also where the command line refuses the arguments
    from .cli import main as command_line

    return command_line()
