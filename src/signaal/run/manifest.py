"""``manifest.json``: what a run made, from what, with what, and how it went.

Per document its status (built, reused, carried, skipped, failed, rejected), outputs,
checksums and cache key; for the run its parameters, vintage, code and package
fingerprints, git commit, timings and schedule. The next run reads it to reuse and to carry
documents over.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..publish.outcome import MANIFEST, STATUSES, DocResult, write_atomic
from . import incremental as inc
from .plan import Plan

__all__ = ["MANIFEST", "build_manifest", "git_commit", "read_manifest", "workers_of", "write_manifest"]


def git_commit() -> str | None:
    """The commit of the source tree the package runs from (``-dirty`` with changes), or None."""
    try:
        root = Path(__file__).resolve().parents[3]
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode == 0:
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a report folder; None when there is none (or it cannot be read)."""
    try:
        return json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def build_manifest(
    plan: Plan,
    docs: list[DocResult],
    *,
    started: str,
    t0: float,
    schedule: list[dict],
    not_carried: dict[str, str],
    fingerprints: dict[str, str],
    executor: dict | None = None,
) -> dict:
    """The manifest of a run of ``plan`` that made (or reused, or carried over) ``docs``;
    ``t0``: :func:`time.perf_counter` when it started; ``fingerprints``: the environment and
    data fingerprints of its cache keys; ``executor``: where its jobs ran (``kind``: inline,
    local or dask; ``slots``: how many at a time)."""
    return {
        "signaal_version": __version__,
        "kind": "quarterly-run",
        "parameters": {
            "quarter": str(plan.quarter),
            "region": plan.region,
            "lang": plan.lang,
            "themes": list(plan.themes),
            "jobs": plan.jobs,
            "whole_quarter": plan.whole_quarter,
            "factsheets": plan.factsheets,
            "force": plan.force,
        },
        "vintage": {
            "id": plan.vintage_id,
            "checksum": plan.vintage_checksum,
            "is_sample": plan.is_sample,
            "real_indicators": plan.real_indicators,
        },
        "data_dir": str(plan.data_dir),
        "git_commit": git_commit(),
        "packages": inc.package_versions(),
        # code, environment and data of the cache keys; the input as preflight read it (a re-run
        # that finds it unchanged need not read it again, see preflight.checked_before)
        "fingerprints": {"code": inc.code_fingerprint(), **fingerprints, "inputs": plan.checked},
        "started": started,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timings": {"total_seconds": round(time.perf_counter() - t0, 3)},
        "schedule": schedule,  # which job ran when (seconds since the start), for tuning --jobs
        "executor": executor,  # where the jobs ran (None: nothing was built)
        "workers": workers_of(schedule),  # each worker process and its peak memory
        "summary": {s: sum(1 for d in docs if d.status == s) for s in STATUSES},
        "rejected": plan.rejected,
        # documents of the published folder that are not in this one, and why
        "not_carried_over": not_carried,
        "documents": [asdict(d) for d in docs],
        "status": "failed" if any(d.failed for d in docs) else "ok",
    }


def workers_of(schedule: list[dict]) -> dict[str, dict]:
    """Each worker process of the schedule: its jobs and its peak memory in MB (its own, and
    that of the largest notebook kernel it ran)."""
    out: dict[str, dict] = {}
    for s in schedule:
        if not s.get("worker"):
            continue
        w = out.setdefault(s["worker"], {"jobs": 0, "peak_mb": 0.0, "kernel_peak_mb": 0.0})
        w["jobs"] += 1
        w["peak_mb"] = max(w["peak_mb"], s.get("peak_mb") or 0.0)
        w["kernel_peak_mb"] = max(w["kernel_peak_mb"], s.get("kernel_peak_mb") or 0.0)
    return out


def write_manifest(folder: Path, manifest: dict) -> None:
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
