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


# ---- live-source tests: a loopback server and fast retries ---------------------------------
@pytest.fixture
def loopback(httpserver):
    """A stand-in for CBS/PDOK/DUO on 127.0.0.1 (see tests/loopback.py)."""
    from loopback import Loopback

    return Loopback(httpserver)


@pytest.fixture
def fast_http():
    """An HttpClient with short timeouts and waits, so that retry tests take milliseconds."""
    from signaal.sources.http import HttpClient, HttpSettings

    settings = HttpSettings(connect_timeout=2, read_timeout=5, attempts=3, backoff=0.01, backoff_max=0.05,
                            retry_after_max=0.3)
    client = HttpClient(settings)
    yield client
    client.close()


@pytest.fixture
def endpoints(loopback):
    from signaal.sources import Endpoints

    return Endpoints(cbs_v3=loopback.base, cbs_v4=loopback.base, pdok=loopback.base, duo=loopback.base)


@pytest.fixture
def loopback_env(loopback):
    """Environment for the real CLI: every source on the loopback server, fast retries."""
    return {
        "SIGNAAL_CBS_V3_URL": loopback.base, "SIGNAAL_CBS_V4_URL": loopback.base,
        "SIGNAAL_PDOK_URL": loopback.base, "SIGNAAL_DUO_URL": loopback.base,
        "SIGNAAL_HTTP_ATTEMPTS": "3", "SIGNAAL_HTTP_BACKOFF": "0.01", "SIGNAAL_HTTP_BACKOFF_MAX": "0.05",
        "SIGNAAL_HTTP_RETRY_AFTER_MAX": "0.3", "SIGNAAL_HTTP_TIMEOUT": "5",
    }
