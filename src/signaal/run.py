"""The quarterly run: execute theme notebooks with papermill and publish HTML + PDF.

papermill executes one notebook in one fresh kernel and does nothing else; this module does
the rest (PRODUCT.md §1, §9): it validates every parameter before anything is written, runs
notebooks in parallel processes, exports each executed notebook in-process with the Signaal
exporters, keeps going when one notebook fails, and publishes atomically — outputs are built
in a staging folder and moved into place when complete; a folder that is replaced is kept in
``reports/archive/`` so a briefing that was sent out can always be found again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import __version__, config
from .briefing import resolve_quarter
from .catalogue import catalogue
from .errors import InputError, NotebookError, SignaalError
from .indicators import Data
from .periods import Period
from .regions import registry
from .store import Store
from .text import check_lang

MANIFEST = "manifest.json"


# ---------------------------------------------------------------------------------------
# Themes = notebooks
# ---------------------------------------------------------------------------------------
def discover_themes(notebooks: Path | None = None) -> dict[str, Path]:
    """Theme id → notebook. Every ``*.ipynb`` in ``notebooks/`` is a theme (sorted by the
    catalogue's theme order, then by name)."""
    folder = Path(notebooks or config.notebooks_dir())
    found = {p.stem: p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_"))}
    order = {t.id: t.order for t in catalogue().themes.values()}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])))


def parameters_cell(nb_path: Path) -> dict:
    """The names in a notebook's ``parameters`` cell (or an error saying what it lacks)."""
    import ast

    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names[target.id] = ast.literal_eval(node.value) if isinstance(node.value, ast.Constant) else None
            return names
    raise InputError(
        f"notebook {nb_path.name} has no cell tagged 'parameters'; "
        "tag the first code cell 'parameters' (region, quarter, vintage, lang)"
    )


REQUIRED_PARAMETERS = ("region", "quarter", "vintage", "lang")


def check_notebook(nb_path: Path) -> None:
    names = parameters_cell(nb_path)
    missing = [p for p in REQUIRED_PARAMETERS if p not in names]
    if missing:
        raise InputError(
            f"notebook {nb_path.name}: its parameters cell lacks {', '.join(missing)}; "
            f"a theme notebook takes {', '.join(REQUIRED_PARAMETERS)}"
        )


# ---------------------------------------------------------------------------------------
# Plan: everything validated before anything is written
# ---------------------------------------------------------------------------------------
@dataclass
class Plan:
    quarter: Period
    region: str
    lang: str
    themes: dict[str, Path]
    out: Path
    data_dir: Path
    vintage_id: str
    vintage_checksum: str
    is_sample: bool
    jobs: int
    force: bool = False

    def output_stem(self, theme: str) -> str:
        return theme if self.lang == "nl" else f"{theme}.{self.lang}"


def default_out(quarter: Period, region: str, reports: Path | None = None) -> Path:
    base = Path(reports or config.reports_dir())
    name = str(quarter) if region == registry().default_focus else f"{quarter}-{region}"
    return base / name


def make_plan(
    quarter: str | None = None,
    themes: str | list[str] | None = None,
    region: str | None = None,
    lang: str = "nl",
    out: str | Path | None = None,
    vintage: str | None = None,
    data_dir: str | Path | None = None,
    notebooks: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> Plan:
    lang = check_lang(lang)
    focus = registry().focus(region).code
    if quarter not in (None, ""):
        from .periods import parse_quarter

        parse_quarter(quarter)  # malformed quarters fail before data is read
    available = discover_themes(Path(notebooks) if notebooks else None)
    if isinstance(themes, str):
        themes = [x.strip() for x in themes.split(",") if x.strip()]
    chosen: dict[str, Path] = {}
    for theme in themes or list(available):
        if theme not in available:
            from .errors import suggest

            raise InputError(f"unknown theme {theme!r}; {suggest(theme, list(available))}")
        chosen[theme] = available[theme]
    if not chosen:
        raise InputError(f"no theme notebooks found in {notebooks or config.notebooks_dir()}")
    for nb in chosen.values():
        check_notebook(nb)
    root = Path(data_dir) if data_dir else config.data_dir()
    data = Data(Store(root).resolve(vintage or None))
    q = resolve_quarter(data, quarter)
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs} is not a number of processes; valid: 1 or more")
    out_path = Path(out) if out else default_out(q, focus)
    if out_path.exists() and any(out_path.iterdir()) and not (out_path / MANIFEST).exists():
        raise InputError(
            f"output folder {out_path} exists and is not a Signaal report folder; choose another --out"
        )
    return Plan(
        quarter=q,
        region=focus,
        lang=lang,
        themes=chosen,
        out=out_path.resolve(),
        data_dir=root.resolve(),
        vintage_id=data.vintage.id,
        vintage_checksum=data.vintage.checksum,
        is_sample=data.vintage.is_sample,
        jobs=jobs or os.cpu_count() or 1,
        force=force,
    )


# ---------------------------------------------------------------------------------------
# One document: execute, export HTML and PDF (runs in a worker process)
# ---------------------------------------------------------------------------------------
@dataclass
class DocResult:
    name: str
    notebook: str
    status: str                      # "ok" | "failed"
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None


def ensure_kernel() -> None:
    """Register the ``signaal`` kernel in this environment when it is missing."""
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(kernel_name=config.KERNEL_NAME, display_name="Signaal (Python 3)", prefix=sys.prefix)


def _failure(exc: BaseException, notebook: str) -> tuple[str, int | None]:
    """One line naming the notebook, the failing cell and the error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = " ".join((exc.source or "").split())
        if len(source) > 80:
            source = source[:77] + "…"
        return (
            f"notebook {notebook} failed in cell {exc.exec_count or exc.cell_index} ({source}): "
            f"{exc.ename}: {' '.join(str(exc.evalue).split())}",
            exc.cell_index,
        )
    return f"notebook {notebook} failed: {type(exc).__name__}: {' '.join(str(exc).split())}", None


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send file descriptor 2 (ours and the kernel's) to a log file for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def build_document(
    name: str,
    notebook: str,
    staging: str,
    parameters: dict,
    data_dir: str,
    stem: str,
) -> DocResult:
    """Execute one notebook and write ``<stem>.html`` and ``<stem>.pdf`` into ``staging``."""
    import logging

    import nbformat
    import papermill as pm

    from .publish.exporters import SignaalHTMLExporter, render_pdf

    logging.getLogger("papermill").setLevel(logging.WARNING)
    os.environ["SIGNAAL_DATA_DIR"] = data_dir
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # this environment's kernel, not a user-level one
    staging_path = Path(staging)
    executed = staging_path / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = DocResult(name=name, notebook=Path(notebook).name, status="ok")
    t0 = time.perf_counter()
    log_path = staging_path / "logs" / f"{stem}.log"
    log_path.parent.mkdir(exist_ok=True)
    try:
        with _stderr_to(log_path):  # kernel chatter goes to the log, not the run's output
            pm.execute_notebook(
                notebook,
                str(executed),
                parameters=parameters,
                kernel_name=config.KERNEL_NAME,
                cwd=str(Path(notebook).parent),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
    except Exception as exc:  # the executed notebook is kept for debugging
        result.status = "failed"
        result.error, result.cell = _failure(exc, Path(notebook).name)
        result.outputs = [str(executed.relative_to(staging_path))]
        result.timings["execute"] = round(time.perf_counter() - t0, 3)
        return result
    result.timings["execute"] = round(time.perf_counter() - t0, 3)
    try:
        t1 = time.perf_counter()
        nb = nbformat.read(executed, as_version=4)
        html, _ = SignaalHTMLExporter(for_pdf=False).from_notebook_node(nb)
        pdf_html, _ = SignaalHTMLExporter(for_pdf=True).from_notebook_node(nb)
        result.timings["html"] = round(time.perf_counter() - t1, 3)
        t2 = time.perf_counter()
        pdf = render_pdf(pdf_html)
        result.timings["pdf"] = round(time.perf_counter() - t2, 3)
        for suffix, payload in ((".html", html.encode("utf-8")), (".pdf", pdf)):
            target = staging_path / f"{stem}{suffix}"
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, target)
            result.outputs.append(target.name)
        result.outputs.append(str(executed.relative_to(staging_path)))
    except Exception as exc:
        result.status = "failed"
        result.error = f"publishing {Path(notebook).name} failed: {type(exc).__name__}: {' '.join(str(exc).split())}"
        result.outputs = [str(executed.relative_to(staging_path))]
        traceback.print_exc()
    return result


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------
@dataclass
class RunResult:
    plan: Plan
    documents: list[DocResult]
    out: Path
    archived: Path | None
    manifest: dict

    @property
    def ok(self) -> bool:
        return all(d.status == "ok" for d in self.documents)

    @property
    def failures(self) -> list[DocResult]:
        return [d for d in self.documents if d.status != "ok"]


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parents[2]
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if out.returncode == 0:
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, timeout=5,
            ).stdout.strip()
            return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def _package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("signaal", "papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "weasyprint", "babel"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(staging: Path, target: Path) -> Path | None:
    """Move a complete staging folder into place; keep a replaced folder in the archive."""
    archived = None
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        archive_root = target.parent / "archive"
        archive_root.mkdir(exist_ok=True)
        archived = archive_root / f"{target.name}-{stamp}"
        n = 1
        while archived.exists():
            archived = archive_root / f"{target.name}-{stamp}-{n}"
            n += 1
        os.replace(target, archived)
    os.replace(staging, target)
    return archived


def execute(plan: Plan, progress=None) -> RunResult:
    """Run a validated plan."""
    ensure_kernel()
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    plan.out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{plan.out.name}-", dir=plan.out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        parameters = {
            "region": plan.region,
            "quarter": str(plan.quarter),
            "vintage": plan.vintage_id,
            "lang": plan.lang,
        }
        jobs = [
            dict(
                name=theme,
                notebook=str(path.resolve()),
                staging=str(staging),
                parameters=parameters,
                data_dir=str(plan.data_dir),
                stem=plan.output_stem(theme),
            )
            for theme, path in plan.themes.items()
        ]
        results: list[DocResult] = []
        workers = max(1, min(plan.jobs, len(jobs)))
        if workers == 1:
            for job in jobs:
                results.append(build_document(**job))
                if progress:
                    progress(results[-1])
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(build_document, **job): job["name"] for job in jobs}
                for fut in as_completed(futures):
                    try:
                        res = fut.result()
                    except Exception as exc:  # a worker that died
                        name = futures[fut]
                        res = DocResult(name=name, notebook=f"{name}.ipynb", status="failed",
                                        error=f"notebook {name}.ipynb: worker crashed: {exc}")
                    results.append(res)
                    if progress:
                        progress(res)
        order = list(plan.themes)
        results.sort(key=lambda r: order.index(r.name) if r.name in order else 999)
        manifest = {
            "signaal_version": __version__,
            "kind": "quarterly-run",
            "parameters": {
                "quarter": str(plan.quarter),
                "region": plan.region,
                "lang": plan.lang,
                "themes": list(plan.themes),
                "jobs": plan.jobs,
            },
            "vintage": {"id": plan.vintage_id, "checksum": plan.vintage_checksum, "is_sample": plan.is_sample},
            "data_dir": str(plan.data_dir),
            "git_commit": _git_commit(),
            "packages": _package_versions(),
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "timings": {"total_seconds": round(time.perf_counter() - t0, 3)},
            "documents": [asdict(r) for r in results],
            "status": "ok" if all(r.status == "ok" for r in results) else "failed",
        }
        for doc in manifest["documents"]:
            doc["checksums"] = {
                o: _sha256(staging / o) for o in doc["outputs"] if (staging / o).is_file() and not o.endswith(".ipynb")
            }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        archived = publish(staging, plan.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RunResult(plan=plan, documents=results, out=plan.out, archived=archived, manifest=manifest)


def run(**kwargs) -> RunResult:
    """Validate the parameters, then run. Raises SignaalError for bad input."""
    return execute(make_plan(**kwargs))


__all__ = ["Plan", "RunResult", "DocResult", "make_plan", "execute", "run", "discover_themes", "SignaalError", "NotebookError"]
