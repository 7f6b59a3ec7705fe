"""Which Python `make` builds the virtual environment with: prints the interpreter for the
Makefile's ``PYTHON`` (``make PYTHON=…`` chooses another and skips this).

A CPython that a version manager (pyenv, asdf) compiled on this machine is, by default, built
without profile-guided and link-time optimisation; the operating system's CPython (Debian,
Ubuntu, Fedora: ``/usr/bin/python3``) is built with both. On the first, Signaal's Python code
runs 10–20% slower: the quarter's run took 16,2 s against 13,2 s on 2 cores, the same code and
packages (README, Performance). So where the ``python3`` on the PATH is such a build and the
system has a CPython new enough, the system's is used. An active virtual or conda environment,
an optimised build, or a system CPython that is too old keeps the ``python3`` on the PATH.

Runs under any Python 3 (it only reads its own build settings and asks the system's
interpreter for its version).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig

from check_system import MIN_PYTHON  # the set-up's one minimum (this script's folder is on sys.path)

SYSTEM_PYTHON = "/usr/bin/python3"


def unoptimised_local_build(prefix: str, config_args: str) -> bool:
    """Whether an interpreter with this installation prefix and these ``configure`` arguments is
    a CPython compiled without ``--enable-optimizations`` and installed elsewhere than ``/usr``
    (where a distribution installs its own, optimised build)."""
    return bool(config_args) and prefix.rstrip("/") != "/usr" and "--enable-optimizations" not in config_args


def choose(path_python: str, prefix: str, config_args: str, environ: dict, system_version: tuple | None) -> str:
    """The interpreter to build the environment with: ``path_python`` (the ``python3`` on the
    PATH, with its prefix and configure arguments), or the system's CPython where that one is an
    unoptimised local build, no virtual or conda environment is active, and the system's
    (``system_version``, None where there is none) is at least :data:`MIN_PYTHON`."""
    if environ.get("VIRTUAL_ENV") or environ.get("CONDA_PREFIX"):
        return path_python  # the environment the user activated
    if not unoptimised_local_build(prefix, config_args):
        return path_python
    if system_version is None or tuple(system_version[:2]) < MIN_PYTHON:
        return path_python
    return SYSTEM_PYTHON


def system_version() -> tuple[int, int] | None:
    """The system CPython's version, None where there is none, or where it cannot make a virtual
    environment with pip (no ``ensurepip``: Debian's ``python3-venv`` is not installed)."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return None
    try:
        out = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import ensurepip, sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def main() -> int:
    config_args = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    print(choose("python3", sys.base_prefix, config_args, dict(os.environ), system_version()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
