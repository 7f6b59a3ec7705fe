"""Benchmark: the quarterly run against the loop an analyst would script (run by hand).

    .venv/bin/python benchmarks/quarter.py                # everything (about an hour on 2 cores: 40 regions)
    .venv/bin/python benchmarks/quarter.py --quick        # no --jobs 1, no naive 40 factsheets, 1 and 2 regions
    .venv/bin/python benchmarks/quarter.py --regions 1,5  # the regions runs of these sizes
    .venv/bin/python benchmarks/quarter.py --scale        # 5. and 6. only: 1 and 3 regions, Dask (≈ 10 min)

Measured side by side in one run, on the same machine, notebooks and data (PRODUCT.md §10):

1. **full quarter, cold** — the naive loop (per theme notebook: ``papermill`` CLI, then
   ``jupyter nbconvert --to html`` and ``--to signaal-pdf``; per municipality the same with a
   factsheet notebook; no board pack, which the naive loop does not make) against
   ``signaal run --force`` (themes, board pack, factsheets, index, CSVs);
2. **no-change re-run** — ``signaal run`` again with nothing changed;
3. **scaling with --jobs** — ``signaal run --force --jobs 1`` against ``--jobs 2``;
4. **scaling with regions** — the factsheets alone for the 14 municipalities of Twente
   against the 40 COROP regions (``--factsheets corop``), signaal against the naive loop;
5. **several regions in one run** — ``signaal run --regions`` for 1, 5 and 40 regions (Twente
   first, then the others in code order) on this machine (``--jobs 2``): documents per minute
   and seconds per document, which should fall as the regions share the work (data opened
   once per worker, the signals of all regions in one pass), and the peak memory per worker
   (the manifests' ``workers``);
6. **Dask** — the same work (the smallest regions run of at least 2 regions) on a Dask
   ``LocalCluster`` on loopback (2 worker processes, 1 thread each) against the local pool.

It prints seconds and ratios; ``--json FILE`` also writes them to a file (``seconds``,
``ratios``, and per regions run ``regions``; ``estimates``: all 40 regions with the
factsheets of all 342 municipalities, on 2 cores and on N workers, from the measured costs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUARTER = "2026Q3"

FACTSHEET_NOTEBOOK = [
    ("parameters", 'code = "GM0153"\nquarter = "2026Q3"\nlang = "nl"'),
    (
        "",
        """from IPython.display import HTML, display
from signaal.publish.factsheets import (FactsheetContext, FigureSource, comparison_region, factsheet_html,
                                peer_group)
from signaal.publish.subjects import indicator_ids
from signaal.indicators import Data
from signaal.periods import Period
from signaal.publish.exporters import extra_css
from signaal.regions import registry

data = Data.open()
q = Period.parse(quarter)
source = FigureSource(data, q, lang)
parent, peers = comparison_region(code), peer_group(code)
level = registry()[code].level
figures = [f for i in indicator_ids(level) if (f := source.figure(i, code, parent, peers)) and f.subject is not None]
ctx = FactsheetContext(q.label(lang), "voorbeelddata", "vandaag", data.vintage.is_sample, lang)
display(HTML("<style>" + extra_css("factsheet.css") + "</style>" + factsheet_html(code, figures, ctx)))""",
    ),
]


def sh(*args: str, cwd: Path | None = None, check: bool = True) -> float:
    """Run a command; its wall-clock seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(args[:3])}… failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return secs


def naive_document(notebook: Path, work: Path, params: list[str]) -> float:
    """What an analyst scripts per notebook: papermill CLI, then nbconvert to HTML and PDF."""
    executed = work / f"{notebook.stem}-{abs(hash(tuple(params))) % 10**8}.ipynb"
    t = sh(
        str(BIN / "papermill"),
        str(notebook),
        str(executed),
        "-k",
        "signaal",
        "--cwd",
        str(notebook.parent),
        "--no-progress-bar",
        *params,
    )
    t += sh(str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed))
    t += sh(str(BIN / "jupyter"), "nbconvert", "--to", "signaal-pdf", str(executed))
    return t


def factsheet_notebook(path: Path) -> Path:
    import nbformat

    cells = []
    for tag, source in FACTSHEET_NOTEBOOK:
        cell = nbformat.v4.new_code_cell(source)
        if tag:
            cell.metadata["tags"] = [tag]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "signaal", "display_name": "Signaal (Python 3)", "language": "python"}
    nbformat.write(nb, path)
    return path


def signaal_run(*args: str) -> tuple[float, dict]:
    out = Path(args[args.index("--out") + 1])
    t = sh(str(BIN / "signaal"), "run", "--quarter", QUARTER, *args, check=False)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    if manifest["status"] != "ok":
        bad = [d["error"] for d in manifest["documents"] if d["status"] in ("failed", "rejected")]
        raise SystemExit(f"benchmark: signaal run failed: {bad}")
    return t, manifest


def factsheets_only(mode: str, out: Path, jobs: int) -> float:
    """The run's factsheet stage alone (the same scheduler and workers, no themes)."""
    from signaal.run import execute, make_plan

    plan = make_plan(quarter=QUARTER, out=out, factsheets=mode, jobs=jobs, force=True)
    plan.themes, plan.whole_quarter = {}, False
    t0 = time.perf_counter()
    result = execute(plan)
    secs = time.perf_counter() - t0
    assert result.ok, [d.error for d in result.failures]
    return secs


REGION_ORDER = ["CR12"]  # Twente first, then every other COROP region in code order (filled in main)


def regions_run(codes: list[str], nb_dir: Path, out: Path, *extra: str, env: dict | None = None) -> dict:
    """``signaal run --regions`` (whole quarter, cold): seconds, documents, per-worker memory."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "signaal"), "run", "--quarter", QUARTER, "--regions", ",".join(codes), "--notebooks", str(nb_dir)]
        + ["--out", str(out), "--force", *extra],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: signaal run --regions failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    docs, workers, busy, made, seen = 0, {}, {}, {}, set()
    for code in codes:
        manifest = json.loads((out / code / "manifest.json").read_text("utf-8"))
        built = [d for d in manifest["documents"] if d["status"] == "built" and d["kind"] != "index"]
        docs += len(built)
        for d in built:
            made[d["kind"]] = made.get(d["kind"], 0) + 1
        for w, stats in (manifest.get("workers") or {}).items():
            workers[w] = max(workers.get(w, 0.0), stats["peak_mb"], stats.get("kernel_peak_mb") or 0.0)
        for job in manifest["schedule"]:  # a job of several regions is in each one's schedule: once
            if (job["job"], job["start"]) not in seen:
                seen.add((job["job"], job["start"]))
                kind = "theme" if job["kind"] == "theme-pdf" else job["kind"]
                busy[kind] = busy.get(kind, 0.0) + job["end"] - job["start"]
    return {
        "regions": len(codes),
        "seconds": secs,
        "documents": docs,
        "documents_per_minute": 60 * docs / secs,
        "seconds_per_document": secs / docs,
        "peak_mb_per_worker": max(workers.values()) if workers else None,
        "workers": len(workers),
        # worker-seconds per document of each kind (a theme: its notebook and its PDF)
        "worker_seconds_per_document": {k: busy[k] / made[k] for k in busy if made.get(k)},
    }


def on_local_cluster(codes: list[str], nb_dir: Path, out: Path) -> dict:
    """The same regions run on a Dask LocalCluster on loopback (2 processes, 1 thread each)."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        return regions_run(codes, nb_dir, out, env={"SIGNAAL_DASK_SCHEDULER": cluster.scheduler_address})


def naive_quarter(themes, nb_dir: Path, fs_nb: Path, naive_dir: Path, municipalities) -> dict[str, float]:
    """1. the full quarter, cold: the naive loop."""
    theme_times = []
    for name in themes:
        theme_times.append(
            naive_document(
                nb_dir / f"{name}.ipynb",
                naive_dir,
                ["-p", "region", "CR12", "-p", "quarter", QUARTER, "-p", "lang", "nl"],
            )
        )
        print(f"  naive  theme {name:<18} {theme_times[-1]:6.1f} s", flush=True)
    fs_times = [
        naive_document(fs_nb, naive_dir, ["-p", "code", code, "-p", "quarter", QUARTER]) for code in municipalities
    ]
    print(
        f"  naive  {len(fs_times)} factsheets         {sum(fs_times):6.1f} s "
        f"(mean {statistics.mean(fs_times):.1f} s each)",
        flush=True,
    )
    return {"naive_full_quarter": sum(theme_times) + sum(fs_times), "naive_factsheets_14": sum(fs_times)}


def signaal_quarter(nb_dir: Path, work: Path, quick: bool) -> dict[str, float]:
    """1.–3. the full quarter cold with signaal run, the no-change re-run, --jobs 1 and 2."""
    results: dict[str, float] = {}
    out = work / "reports" / QUARTER
    results["signaal_full_quarter"], manifest = signaal_run("--notebooks", str(nb_dir), "--out", str(out), "--force")
    print(
        f"  signaal run (cold, --jobs {manifest['parameters']['jobs']}) {results['signaal_full_quarter']:6.1f} s "
        f"({manifest['summary']['built']} documents)",
        flush=True,
    )
    results["signaal_no_change"], manifest = signaal_run("--notebooks", str(nb_dir), "--out", str(out))
    assert manifest["summary"]["built"] == 0, manifest["summary"]
    print(f"  signaal run (no change)       {results['signaal_no_change']:6.2f} s", flush=True)
    if not quick:
        results["signaal_jobs_1"], _ = signaal_run(
            "--notebooks", str(nb_dir), "--out", str(work / "j1" / QUARTER), "--force", "--jobs", "1"
        )
        print(f"  signaal run (cold, --jobs 1)  {results['signaal_jobs_1']:6.1f} s", flush=True)
    results["signaal_jobs_2"], _ = signaal_run(
        "--notebooks", str(nb_dir), "--out", str(work / "j2" / QUARTER), "--force", "--jobs", "2"
    )
    print(f"  signaal run (cold, --jobs 2)  {results['signaal_jobs_2']:6.1f} s", flush=True)
    return results


def factsheets(fs_nb: Path, naive_dir: Path, work: Path, corop, quick: bool) -> dict[str, float]:
    """4. the factsheets alone, 14 and 40 (and the naive loop for 40)."""
    results = {
        "signaal_factsheets_14": factsheets_only("gemeenten", work / "fs14" / QUARTER, 2),
        "signaal_factsheets_40": factsheets_only("corop", work / "fs40" / QUARTER, 2),
    }
    print(
        f"  signaal factsheets 14 / 40    {results['signaal_factsheets_14']:6.1f} / "
        f"{results['signaal_factsheets_40']:.1f} s",
        flush=True,
    )
    if not quick:
        t40 = [naive_document(fs_nb, naive_dir, ["-p", "code", code, "-p", "quarter", QUARTER]) for code in corop]
        results["naive_factsheets_40"] = sum(t40)
        print(f"  naive  40 factsheets          {results['naive_factsheets_40']:6.1f} s", flush=True)
    return results


def several_regions(counts: list[int], nb_dir: Path, work: Path) -> tuple[dict[str, dict], dict[str, float]]:
    """5.–6. regions runs of each size (--jobs 2), then the smallest of 2+ regions on Dask."""
    runs: dict[str, dict] = {}
    for n in counts:
        runs[str(n)] = regions_run(REGION_ORDER[:n], nb_dir, work / f"regions{n}", "--jobs", "2")
        r = runs[str(n)]
        print(
            f"  signaal run --regions ({n:>2})   {r['seconds']:6.1f} s, {r['documents']} documents, "
            f"{r['documents_per_minute']:.1f}/min, {r['seconds_per_document']:.2f} s each, "
            f"peak {r['peak_mb_per_worker']:.0f} MB per worker",
            flush=True,
        )
    n = min((c for c in counts if c >= 2), default=2)
    local = runs.get(str(n)) or regions_run(REGION_ORDER[:n], nb_dir, work / f"regions{n}", "--jobs", "2")
    dask = on_local_cluster(REGION_ORDER[:n], nb_dir, work / f"dask{n}")
    runs[f"dask_{n}"] = dask
    print(
        f"  Dask LocalCluster ({n} regions) {dask['seconds']:6.1f} s against the local pool {local['seconds']:.1f} s; "
        f"peak {dask['peak_mb_per_worker']:.0f} MB per worker",
        flush=True,
    )
    return runs, {f"signaal_regions_{n}_local": local["seconds"], f"dask_regions_{n}_local_cluster": dask["seconds"]}


def estimates(runs: dict[str, dict], themes: int) -> dict[str, float]:
    """On paper: the quarters of all 40 regions, which include the factsheets of all 342
    municipalities, from the worker-seconds per document of the largest regions run; on 2
    cores (the work over two workers) and per worker (divide by N for N workers)."""
    largest = max((r for k, r in runs.items() if not k.startswith("dask")), key=lambda r: r["regions"])
    cost = largest["worker_seconds_per_document"]
    per_region = themes * cost.get("theme", 0.0) + cost.get("boardpack", 0.0) + cost.get("signals", 0.0)
    work = 40 * per_region + 342 * cost.get("factsheet", 0.0)
    return {
        "worker_seconds_per_region_without_factsheets": per_region,
        "worker_seconds_per_factsheet": cost.get("factsheet", 0.0),
        "all_40_regions_worker_seconds": work,  # divide by N workers for a cluster of N
        "all_40_regions_2_cores_seconds": work / 2,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--quick", action="store_true", help="skip --jobs 1 and the naive loop for 40 regions")
    parser.add_argument(
        "--regions", default=None, help="sizes of the regions runs (default 1,5,40; --quick 1,2; --scale 1,3)"
    )
    parser.add_argument(
        "--scale", action="store_true", help="only the regions runs and Dask (5., 6.): no naive loop, no single runs"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    os.environ.pop("SIGNAAL_DASK_SCHEDULER", None)  # the local runs run locally

    from signaal.publish.subjects import subjects
    from signaal.regions import registry
    from signaal.run import theme_notebooks

    default = "1,3" if args.scale else "1,2" if args.quick else "1,5,40"
    counts = [int(n) for n in (args.regions or default).split(",")]
    REGION_ORDER.extend(c for c in registry().codes("corop") if c not in REGION_ORDER)
    themes, rejected = theme_notebooks(args.notebooks)
    if rejected:
        print(f"benchmark: not themes (skipped): {', '.join(rejected)}")
    municipalities = subjects("CR12", "gemeenten")
    corop = subjects("CR12", "corop")
    work = Path(tempfile.mkdtemp(prefix="signaal-bench-"))
    nb_dir = work / "notebooks"
    shutil.copytree(args.notebooks, nb_dir, ignore=shutil.ignore_patterns(".*", "_*"))
    fs_nb = factsheet_notebook(work / "factsheet.ipynb")
    naive_dir = work / "naive"
    naive_dir.mkdir()
    print(
        f"benchmark: {len(themes)} theme notebooks, {len(municipalities)} municipalities, "
        f"{len(corop)} COROP regions; {os.cpu_count()} cores; workspace {work}",
        flush=True,
    )
    results: dict[str, float] = {}
    if not args.scale:
        results |= naive_quarter(themes, nb_dir, fs_nb, naive_dir, municipalities)
        results |= signaal_quarter(nb_dir, work, args.quick)
        results |= factsheets(fs_nb, naive_dir, work, corop, args.quick)
    runs, cluster = several_regions(counts, nb_dir, work)
    results |= cluster
    rows = ratios(results, runs)
    print("\nseconds:")
    for k, v in results.items():
        print(f"  {k:<36} {v:8.2f}")
    print("\nratios:")
    for label, value in rows:
        print(f"  {label:<70} {'–' if value is None else f'{value:6.2f}'}")
    guess = estimates(runs, len(themes))
    print_scale(runs, guess)
    if args.json:
        machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
        report = {"machine": machine, "themes": list(themes), "seconds": results, "ratios": dict(rows)}
        report |= {"regions": runs, "estimates": guess}
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def ratios(r: dict[str, float], runs: dict[str, dict]) -> list[tuple[str, float | None]]:
    """The ratios the README quotes."""
    one = runs.get("1")
    many = max((v for k, v in runs.items() if not k.startswith("dask")), key=lambda v: v["regions"])
    dask = next((v for k, v in runs.items() if k.startswith("dask")), None)
    local = next((k for k in r if k.startswith("signaal_regions_")), None)
    rows: list[tuple[str, float | None]] = []
    if "naive_full_quarter" in r:
        rows += [
            ("full quarter, cold: naive loop / signaal run", r["naive_full_quarter"] / r["signaal_full_quarter"]),
            ("no-change re-run: seconds", r["signaal_no_change"]),
            ("full quarter cold / no-change re-run", r["signaal_full_quarter"] / r["signaal_no_change"]),
            (
                "--jobs 2 speed-up over --jobs 1",
                r["signaal_jobs_1"] / r["signaal_jobs_2"] if "signaal_jobs_1" in r else None,
            ),
            (
                "factsheets 40 / 14 regions (signaal; 40/14 = 2.86 is linear)",
                r["signaal_factsheets_40"] / r["signaal_factsheets_14"],
            ),
            ("factsheets for 14: naive / signaal", r["naive_factsheets_14"] / r["signaal_factsheets_14"]),
            (
                "factsheets for 40: naive / signaal",
                r["naive_factsheets_40"] / r["signaal_factsheets_40"] if "naive_factsheets_40" in r else None,
            ),
        ]
    return rows + [
        (
            f"seconds per document: {many['regions']} regions / 1 region (below 1: shared work)",
            many["seconds_per_document"] / one["seconds_per_document"] if one and many is not one else None,
        ),
        ("Dask LocalCluster / local pool (same regions)", dask["seconds"] / r[local] if dask and local else None),
    ]


def print_scale(runs: dict[str, dict], guess: dict[str, float]) -> None:
    """The regions runs as a short table, then the estimate for all 40 regions."""
    print("\nregions runs (signaal run --regions, --force, cold):")
    print(
        f"  {'run':<22} {'seconds':>8} {'docs':>5} {'docs/min':>9} {'s/doc':>6} {'peak MB/worker':>15}"
        "   worker-s per: theme  pack  signals  factsheet"
    )
    for key, r in runs.items():
        label = f"Dask LocalCluster, {r['regions']}" if key.startswith("dask") else f"local pool, {r['regions']}"
        peak = "–" if r["peak_mb_per_worker"] is None else f"{r['peak_mb_per_worker']:.0f}"
        cost = {k: f"{v:.2f}" for k, v in r["worker_seconds_per_document"].items()}
        print(
            f"  {label:<22} {r['seconds']:8.1f} {r['documents']:5d} {r['documents_per_minute']:9.1f} "
            f"{r['seconds_per_document']:6.2f} {peak:>15}   {cost.get('theme', '–'):>18} "
            f"{cost.get('boardpack', '–'):>5} {cost.get('signals', '–'):>8} {cost.get('factsheet', '–'):>10}"
        )
    per = guess["worker_seconds_per_region_without_factsheets"]
    print(
        f"\nestimate, all 40 regions + factsheets of all 342 municipalities: {per:.0f} worker-s per region "
        f"without factsheets, {guess['worker_seconds_per_factsheet']:.2f} worker-s per factsheet → "
        f"{guess['all_40_regions_worker_seconds'] / 60:.0f} worker-minutes: "
        f"{guess['all_40_regions_2_cores_seconds'] / 60:.0f} min on 2 cores, "
        f"{guess['all_40_regions_worker_seconds'] / 60 / 16:.1f} min on 16 workers"
    )


if __name__ == "__main__":
    sys.exit(main())
