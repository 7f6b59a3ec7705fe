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


def signaal(
    *args: str, env: dict | None = None, cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run the real `signaal` command line."""
    return subprocess.run(
        [str(BIN / "signaal"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or ROOT,
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

    settings = HttpSettings(
        connect_timeout=2, read_timeout=5, attempts=3, backoff=0.01, backoff_max=0.05, retry_after_max=0.3
    )
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
        "SIGNAAL_CBS_V3_URL": loopback.base,
        "SIGNAAL_CBS_V4_URL": loopback.base,
        "SIGNAAL_PDOK_URL": loopback.base,
        "SIGNAAL_DUO_URL": loopback.base,
        "SIGNAAL_HTTP_ATTEMPTS": "3",
        "SIGNAAL_HTTP_BACKOFF": "0.01",
        "SIGNAAL_HTTP_BACKOFF_MAX": "0.05",
        "SIGNAAL_HTTP_RETRY_AFTER_MAX": "0.3",
        "SIGNAAL_HTTP_TIMEOUT": "5",
    }


# ---- a complete earlier live vintage -------------------------------------------------------
def fetched_indicators() -> list[str]:
    """The catalogue indicators a full refresh fetches (every vintage holds all of them)."""
    from signaal.catalogue import catalogue
    from signaal.store.refresh import FETCHED_KINDS

    return [i.id for i in catalogue().stored() if i.source.kind in FETCHED_KINDS]


def complete_vintage(data_dir: Path, vintage_id: str = "v0", without: tuple[str, ...] = ()) -> str:
    """Write an earlier live vintage that holds every fetched indicator (one constructed row each).

    A refresh with ``--only`` carries the other indicators over from it, as on a machine that has
    refreshed before (a vintage always holds every indicator). ``without`` leaves indicators out,
    as in a vintage written before they were added to the catalogue. Created in 2020, so that
    every vintage a test writes is newer.
    """
    import pandas as pd

    from signaal.catalogue import catalogue
    from signaal.regions import registry
    from signaal.store.refresh import FETCHED_KINDS
    from signaal.store.vintage import Store

    reg = registry()
    period = {"Y": "2020", "Q": "2020Q1", "M": "2020M01"}
    rows = []
    for ind in catalogue().stored():
        if ind.source.kind not in FETCHED_KINDS or ind.id in without:
            continue
        region = (
            reg.default_focus
            if "corop" in ind.levels
            else next(c for c, r in reg.regions.items() if r.level == ind.levels[0])
        )
        rows.append((ind.id, region, period[ind.frequency], 1.0, "definitief"))
    obs = pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "status"])
    manifest = {
        "is_sample": False,
        "title": "an earlier live vintage (constructed for a test)",
        "created": "2020-01-01T00:00:00+00:00",
        "sources": {},
    }
    return Store(data_dir).write_vintage(obs, manifest, vintage_id=vintage_id).id


@pytest.fixture
def fresh_data_dir(tmp_path, root):
    """A data folder with the curated tables and the bundled sample, as in a fresh checkout."""
    import shutil

    d = tmp_path / "data"
    shutil.copytree(root / "data" / "manual", d / "manual")
    shutil.copytree(root / "data" / "sample", d / "sample")
    return d


@pytest.fixture
def data_dir(fresh_data_dir):
    """A checkout that has refreshed before: live vintage v0 holds every indicator."""
    complete_vintage(fresh_data_dir, "v0")
    return fresh_data_dir
