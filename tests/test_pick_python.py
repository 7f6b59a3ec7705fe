"""The set-up's choice of interpreter for .venv (scripts/pick_python.py, the Makefile's PYTHON)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pick_python.py"
sys.path.insert(0, str(SCRIPT.parent))  # as when it runs as a script: it imports check_system
spec = importlib.util.spec_from_file_location("pick_python", SCRIPT)
assert spec and spec.loader
pick = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pick)

PYENV = ("/root/.pyenv/versions/3.11.7", "'--prefix=/root/.pyenv/versions/3.11.7' '--enable-shared'")
OPTIMISED = ("/root/.pyenv/versions/3.12.1", "'--prefix=/root/.pyenv/versions/3.12.1' '--enable-optimizations'")
DEBIAN = ("/usr", "'--enable-shared' '--prefix=/usr' '--with-computed-gotos'")
DOCKER = ("/usr/local", "'--enable-optimizations' '--with-lto' '--enable-shared'")
MAKE_INSTALL = ("/usr/local", "'--prefix=/usr/local'")  # ./configure && make altinstall


@pytest.mark.parametrize(
    ("build", "environ", "system", "expected"),
    [
        (PYENV, {}, (3, 11), pick.SYSTEM_PYTHON),  # a version manager's default build: the system's
        (PYENV, {}, (3, 13), pick.SYSTEM_PYTHON),
        (PYENV, {}, (3, 9), "python3"),  # the system's is too old
        (PYENV, {}, None, "python3"),  # none, or it cannot make an environment
        (PYENV, {"VIRTUAL_ENV": "/home/a/env"}, (3, 11), "python3"),  # what the user activated
        (PYENV, {"CONDA_PREFIX": "/opt/conda/envs/signaal"}, (3, 11), "python3"),
        (OPTIMISED, {}, (3, 11), "python3"),  # built with PGO by choice
        (DEBIAN, {}, (3, 11), "python3"),  # already the system's
        (DOCKER, {}, (3, 11), "python3"),  # python:3.x images are optimised builds
        (MAKE_INSTALL, {}, (3, 12), pick.SYSTEM_PYTHON),  # compiled by hand, without PGO
        (("/root/.pyenv/versions/3.11.7", ""), {}, (3, 11), "python3"),  # build settings unknown
    ],
)
def test_the_system_cpython_replaces_only_an_unoptimised_local_build(build, environ, system, expected):
    prefix, config_args = build
    assert pick.choose("python3", prefix, config_args, environ, system) == expected


def test_the_script_names_an_interpreter_that_can_build_the_environment():
    out = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True).stdout.strip()
    assert out in ("python3", pick.SYSTEM_PYTHON)
    version = subprocess.run(
        [out, "-c", "import ensurepip, sys; print(sys.version_info >= (3, 11))"],
        capture_output=True,
        text=True,
    )
    if out == pick.SYSTEM_PYTHON:  # chosen only where it can make .venv
        assert version.stdout.strip() == "True", version.stderr
