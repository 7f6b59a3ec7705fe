"""Benchmark: the quarterly run against the loop an analyst would script (run by hand).

    .venv/bin/python benchmarks/quarter.py                # everything (~10-15 minutes on 2 cores)
    .venv/bin/python benchmarks/quarter.py --quick        # skip the --jobs 1 run and naive 40 regions

Measured side by side in one run, on the same machine, notebooks and data (PRODUCT.md §10):

1. **full quarter, cold** — the naive loop (per theme notebook: ``papermill`` CLI, then
   ``jupyter nbconvert --to html`` and ``--to signaal-pdf``; per municipality the same with a
   factsheet notebook; no board pack, which the naive loop does not make) against
   ``signaal run --force`` (themes, board pack, factsheets, index, CSVs);
2. **no-change re-run** — ``signaal run`` again with nothing changed;
3. **scaling with --jobs** — ``signaal run --force --jobs 1`` against ``--jobs 2``;
4. **scaling with regions** — the factsheets alone for the 14 municipalities of Twente
   against the 40 COROP regions (``--factsheets corop``), signaal against the naive loop.

It prints seconds and ratios; ``--json FILE`` also writes them to a file.
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
                                indicator_ids, peer_group)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--quick", action="store_true", help="skip --jobs 1 and the naive loop for 40 regions")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")

    from signaal.publish.factsheets import subjects
    from signaal.run import theme_notebooks

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
    results: dict[str, float] = {}
    print(
        f"benchmark: {len(themes)} theme notebooks, {len(municipalities)} municipalities, "
        f"{len(corop)} COROP regions; {os.cpu_count()} cores; workspace {work}",
        flush=True,
    )

    # 1. the full quarter, cold: naive loop
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
    fs_times = []
    for code in municipalities:
        fs_times.append(naive_document(fs_nb, naive_dir, ["-p", "code", code, "-p", "quarter", QUARTER]))
    print(
        f"  naive  {len(fs_times)} factsheets         {sum(fs_times):6.1f} s "
        f"(mean {statistics.mean(fs_times):.1f} s each)",
        flush=True,
    )
    results["naive_full_quarter"] = sum(theme_times) + sum(fs_times)
    results["naive_factsheets_14"] = sum(fs_times)

    # 1. the full quarter, cold: signaal run (default --jobs: the number of cores)
    out = work / "reports" / QUARTER
    results["signaal_full_quarter"], manifest = signaal_run("--notebooks", str(nb_dir), "--out", str(out), "--force")
    print(
        f"  signaal run (cold, --jobs {manifest['parameters']['jobs']}) {results['signaal_full_quarter']:6.1f} s "
        f"({manifest['summary']['built']} documents)",
        flush=True,
    )

    # 2. no change
    results["signaal_no_change"], manifest = signaal_run("--notebooks", str(nb_dir), "--out", str(out))
    assert manifest["summary"]["built"] == 0, manifest["summary"]
    print(f"  signaal run (no change)       {results['signaal_no_change']:6.2f} s", flush=True)

    # 3. --jobs
    if not args.quick:
        results["signaal_jobs_1"], _ = signaal_run(
            "--notebooks", str(nb_dir), "--out", str(work / "j1" / QUARTER), "--force", "--jobs", "1"
        )
        print(f"  signaal run (cold, --jobs 1)  {results['signaal_jobs_1']:6.1f} s", flush=True)
    results["signaal_jobs_2"], _ = signaal_run(
        "--notebooks", str(nb_dir), "--out", str(work / "j2" / QUARTER), "--force", "--jobs", "2"
    )
    print(f"  signaal run (cold, --jobs 2)  {results['signaal_jobs_2']:6.1f} s", flush=True)

    # 4. regions: factsheets alone
    results["signaal_factsheets_14"] = factsheets_only("gemeenten", work / "fs14" / QUARTER, 2)
    results["signaal_factsheets_40"] = factsheets_only("corop", work / "fs40" / QUARTER, 2)
    print(
        f"  signaal factsheets 14 / 40    {results['signaal_factsheets_14']:6.1f} / "
        f"{results['signaal_factsheets_40']:.1f} s",
        flush=True,
    )
    if not args.quick:
        t40 = [naive_document(fs_nb, naive_dir, ["-p", "code", code, "-p", "quarter", QUARTER]) for code in corop]
        results["naive_factsheets_40"] = sum(t40)
        print(f"  naive  40 factsheets          {results['naive_factsheets_40']:6.1f} s", flush=True)

    r = results
    rows = [
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
    print("\nseconds:")
    for k, v in results.items():
        print(f"  {k:<28} {v:8.2f}")
    print("\nratios:")
    for label, value in rows:
        print(f"  {label:<62} {'–' if value is None else f'{value:6.2f}'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": {
                        "cores": os.cpu_count(),
                        "python": platform.python_version(),
                        "platform": platform.platform(),
                    },
                    "themes": list(themes),
                    "seconds": results,
                    "ratios": {k: v for k, v in rows},
                },
                indent=2,
            )
            + "\n"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
