"""Shared fixtures: paths, the real CBS fixtures (when ../shared is present), CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("SIGNAAL_REAL_FIXTURES", ROOT.parent / "shared" / "fixtures" / "real"))
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real CBS fixtures not found at {REAL} (../shared is absent on this machine)")
    return REAL


def signaal(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the real `signaal` command line."""
    return subprocess.run(
        [str(BIN / "signaal"), *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / "2026Q3"
    proc = signaal("run", "--quarter", "2026Q3", "--out", str(out))  # every theme notebook
    assert proc.returncode == 0, proc.stderr
    return out
