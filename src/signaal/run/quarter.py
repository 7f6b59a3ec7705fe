"""The quarterly run: every theme notebook, the board pack, the factsheets, one folder.

papermill executes one notebook in one fresh kernel and does nothing else; this module does
the rest (PRODUCT.md §1, §7, §9, §10):

- **plan** — validate every parameter before anything is written; every ``*.ipynb`` in
  ``notebooks/`` with a ``parameters`` cell is a theme (one without is rejected with a
  message saying what it lacks, and the rest still run);
- **incremental** — each document has a cache key (:mod:`signaal.incremental`); documents
  whose key matches the published folder are hard-linked from it instead of rebuilt, and
  ``manifest.json`` says per document ``built`` or ``reused``;
- **parallel** — theme notebooks, factsheet batches and the board pack run in ``--jobs``
  worker processes (spawned, one kernel per notebook); the board pack starts as soon as the
  themes are done, factsheets fill the gaps;
- **keep going** — a failing notebook is reported with notebook, cell and error; its
  executed notebook is kept, the others publish, the exit code is non-zero;
- **never destroy** — everything is built in a staging folder beside the target and swapped
  into place atomically (``renameat2(RENAME_EXCHANGE)`` on Linux); the folder it replaces
  is kept in ``reports/archive/<name>-<time>/``. A run killed half-way leaves the published
  folder untouched; the next run clears its staging folder (under a lock, so never one that
  another run is still writing);
- **add, never take out** — a run of some themes or of another language carries every
  document of the published folder it does not make itself into the new one (hard links,
  status ``carried``), so the quarter's folder always holds the whole quarter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__, config
from ..errors import InputError, NotebookError, SignaalError
from ..files import exchange
from ..briefing.edition import Edition
from ..publish.outcome import BUILT, CARRIED, FAILED, REJECTED, REUSED, SKIPPED, STATUSES, DocResult, one_line, write_atomic
from ..periods import Period
from ..regions import registry
from ..text import check_lang

MANIFEST = "manifest.json"
INDEX = "index.html"
PACK_STEM = "bestuursbriefing"
FACTSHEET_MODES = ("gemeenten", "corop", "none")


# ---------------------------------------------------------------------------------------
# Themes = notebooks
# ---------------------------------------------------------------------------------------
def discover_themes(notebooks: Path | None = None) -> dict[str, Path]:
    """Theme id → notebook. Every ``*.ipynb`` in ``notebooks/`` is a theme (sorted by the
    catalogue's theme order, then by name)."""
    from ..catalogue import catalogue

    folder = Path(notebooks or config.notebooks_dir())
    found = {p.stem: p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_"))}
    order = {t.id: t.order for t in catalogue().themes.values()}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])))


def parameters_cell(nb_path: Path) -> dict:
    """The names in a notebook's ``parameters`` cell (or an error saying what it lacks)."""
    import ast

    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception as exc:
        raise InputError(f"notebook {nb_path.name} cannot be read as a notebook: {one_line(exc)[:200]}") from None
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {}
            try:
                body = ast.parse(cell.source).body
            except SyntaxError as exc:
                raise InputError(f"notebook {nb_path.name}: its parameters cell is not valid Python ({exc.msg})") from None
            for node in body:
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


def theme_notebooks(notebooks: Path | None = None) -> tuple[dict[str, Path], dict[str, str]]:
    """(themes, rejected): the notebooks that are themes, and why the others are not."""
    themes, rejected = {}, {}
    for name, path in discover_themes(notebooks).items():
        try:
            check_notebook(path)
            themes[name] = path
        except InputError as exc:
            rejected[name] = str(exc)
    return themes, rejected


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
    rejected: dict[str, str] = field(default_factory=dict)   # notebook → why it is not a theme
    whole_quarter: bool = True                              # all themes: board pack + factsheets
    factsheets: str = "gemeenten"                           # gemeenten | corop | none
    today: dt.date = field(default_factory=dt.date.today)

    def output_stem(self, theme: str) -> str:
        """A document's name and file stem: ``talent`` in Dutch, ``talent.en`` in English (the
        two are different documents of one quarter folder)."""
        return theme if self.lang == "nl" else f"{theme}.{self.lang}"

    def output_file(self, stem: str, extension: str) -> str:
        """A file of the quarter in this run's language: ``indicators.csv``, ``indicators.en.csv``."""
        return f"{self.output_stem(stem)}.{extension}"

    @property
    def board_pack(self) -> bool:
        return self.whole_quarter

    def parameters(self) -> dict:
        return {"region": self.region, "quarter": str(self.quarter), "vintage": self.vintage_id, "lang": self.lang}


def default_out(quarter: Period, region: str, reports: Path | None = None) -> Path:
    """``reports/<quarter>`` (``<quarter>-<region>`` for another focus region), in every
    language: a run of some themes or of another language adds to the quarter's folder and
    keeps what it did not make (see :func:`carry_over`)."""
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
    factsheets: str | None = None,
) -> Plan:
    from ..store.vintage import Store

    lang = check_lang(lang)
    focus = registry().focus(region).code
    if quarter not in (None, ""):
        from ..periods import parse_quarter

        parse_quarter(quarter)  # malformed quarters fail before data is read
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs} is not a number of processes; valid: 1 or more")
    if factsheets not in (None, *FACTSHEET_MODES):
        raise InputError(f"unknown factsheet set {factsheets!r}; valid: {', '.join(FACTSHEET_MODES)}")
    folder = Path(notebooks) if notebooks else None
    available = discover_themes(folder)
    if isinstance(themes, str):
        themes = [x.strip() for x in themes.split(",") if x.strip()]
    chosen: dict[str, Path] = {}
    rejected: dict[str, str] = {}
    if themes:
        for theme in themes:
            if theme not in available:
                from ..errors import suggest

                raise InputError(f"unknown theme {theme!r}; {suggest(theme, list(available))}")
            check_notebook(available[theme])  # a notebook asked for by name must be a theme
            chosen[theme] = available[theme]
    else:
        chosen, rejected = theme_notebooks(folder)
    if not chosen:
        where = folder or config.notebooks_dir()
        if rejected:
            raise InputError(f"no theme notebooks in {where}: {next(iter(rejected.values()))}")
        raise InputError(f"no theme notebooks found in {where}")
    root = Path(data_dir) if data_dir else config.data_dir()
    found = Store(root).resolve(vintage or None)
    q = found.resolve_quarter(quarter)
    out_path = Path(out) if out else default_out(q, focus)
    if out_path.exists() and any(out_path.iterdir()) and not (out_path / MANIFEST).exists():
        raise InputError(
            f"output folder {out_path} exists and is not a Signaal report folder; choose another --out"
        )
    whole = not themes or set(chosen) == set(available)
    return Plan(
        quarter=q,
        region=focus,
        lang=lang,
        themes=chosen,
        out=out_path.resolve(),
        data_dir=root.resolve(),
        vintage_id=found.id,
        vintage_checksum=found.checksum,
        is_sample=found.is_sample,
        jobs=jobs or os.cpu_count() or 1,
        force=force,
        rejected=rejected,
        whole_quarter=whole,
        factsheets=factsheets or ("gemeenten" if whole else "none"),
    )


# ---------------------------------------------------------------------------------------
# One theme: execute, export HTML and PDF (runs in a worker process)
# ---------------------------------------------------------------------------------------
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
            f"{exc.ename}: {one_line(exc.evalue)}",
            exc.cell_index,
        )
    return f"notebook {notebook} failed: {type(exc).__name__}: {one_line(exc)}", None


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


def execute_theme(
    name: str,
    notebook: str,
    staging: str,
    parameters: dict,
    data_dir: str,
    stem: str,
) -> DocResult:
    """Stage 1 of a theme: execute the notebook (papermill, a fresh kernel) and export
    ``<stem>.html``. The board pack needs only this; the PDF is stage 2."""
    import logging

    import nbformat
    import papermill as pm

    from ..publish.outcome import report
    from ..publish.exporters import SignaalHTMLExporter

    logging.getLogger("papermill").setLevel(logging.WARNING)
    os.environ["SIGNAAL_DATA_DIR"] = data_dir
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # this environment's kernel, not a user-level one
    staging_path = Path(staging)
    executed = staging_path / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = DocResult(name=name, notebook=Path(notebook).name, status=BUILT, kind="theme",
                       lang=parameters.get("lang") or "nl")
    t0 = time.perf_counter()
    log_path = staging_path / "logs" / f"{stem}.log"
    log_path.parent.mkdir(exist_ok=True)
    kept = [str(executed.relative_to(staging_path)), str(log_path.relative_to(staging_path))]
    total = theme_steps(notebook)
    done = [0]

    def on_cell(**_kw):
        done[0] += 1
        report(name, min(done[0], total - 2), total, "cells")

    report(name, 0, total, "kernel")
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
                on_cell_executed=on_cell,
            )
    except Exception as exc:  # the executed notebook is kept for debugging
        result.status = FAILED
        result.error, result.cell = _failure(exc, Path(notebook).name)
        result.outputs = [k for k in kept if (staging_path / k).exists()]
        result.timings["execute"] = round(time.perf_counter() - t0, 3)
        return result
    result.timings["execute"] = round(time.perf_counter() - t0, 3)
    try:
        t1 = time.perf_counter()
        report(name, total - 2, total, "html")
        nb = nbformat.read(executed, as_version=4)
        html, _ = SignaalHTMLExporter(for_pdf=False).from_notebook_node(nb)
        write_atomic(staging_path / f"{stem}.html", html.encode("utf-8"))
        result.timings["html"] = round(time.perf_counter() - t1, 3)
        result.outputs = [f"{stem}.html", *kept]
        report(name, total - 1, total, "pdf next")
    except Exception as exc:
        result.fail(f"publishing {Path(notebook).name}", exc)
        result.outputs = [k for k in kept if (staging_path / k).exists()]
    return result


def render_theme_pdf(name: str, staging: str, stem: str, notebook: str = "", steps: int = 1) -> DocResult:
    """Stage 2 of a theme: ``<stem>.pdf`` from the executed notebook (WeasyPrint, tagged
    PDF/UA), with the charts as SVG images (see :func:`~signaal.publish.exporters.svg_as_images`)."""
    import nbformat

    from ..publish.outcome import report
    from ..publish.exporters import SignaalHTMLExporter, render_pdf

    result = DocResult(name=name, notebook=notebook or None, status=BUILT, kind="theme")
    t0 = time.perf_counter()
    report(name, steps - 1, steps, "pdf")
    try:
        nb = nbformat.read(Path(staging) / "notebooks" / f"{stem}.ipynb", as_version=4)
        html, _ = SignaalHTMLExporter(for_pdf=True, svg_images=True).from_notebook_node(nb)
        pdf = render_pdf(html)
        write_atomic(Path(staging) / f"{stem}.pdf", pdf)
        result.outputs = [f"{stem}.pdf"]
    except Exception as exc:
        result.fail(f"publishing {notebook or name}", exc)
    result.timings["pdf"] = round(time.perf_counter() - t0, 3)
    report(name, steps, steps, "done")
    return result


def theme_steps(notebook: str | Path) -> int:
    """Steps of a theme's progress bar: its code cells, the parameters cell, HTML and PDF."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code") + 3


def build_document(name: str, notebook: str, staging: str, parameters: dict, data_dir: str, stem: str) -> DocResult:
    """Both stages of a theme in one call: execute, then ``<stem>.html`` and ``<stem>.pdf``."""
    result = execute_theme(name, notebook, staging, parameters, data_dir, stem)
    if result.ok:
        pdf = render_theme_pdf(name, staging, stem, Path(notebook).name)
        merge_stage(result, pdf)
    return result


def merge_stage(result: DocResult, stage: DocResult) -> DocResult:
    """Fold a theme's PDF stage into its result."""
    result.timings.update(stage.timings)
    if stage.ok:
        result.outputs = [*[o for o in result.outputs if o.endswith(".html")], *stage.outputs,
                          *[o for o in result.outputs if not o.endswith(".html")]]
    else:
        result.status, result.error = FAILED, stage.error
        result.outputs = [o for o in result.outputs if not o.endswith(".html")]
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
    recovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> list[DocResult]:
        return [d for d in self.documents if d.failed]


class Observer:
    """What a run tells the person (or log) watching it; the CLI shows it with rich."""

    def planned(self, plan: Plan, to_build: list[tuple[str, str]], reused: list[DocResult]) -> None: ...

    def advanced(self, name: str, done: int, total: int, phase: str) -> None: ...

    def finished(self, doc: DocResult) -> None: ...


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parents[3]
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


# ---- publishing ----------------------------------------------------------------------
def _archive_path(target: Path, suffix: str = "") -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    archive_root = target.parent / "archive"
    archive_root.mkdir(exist_ok=True)
    path = archive_root / f"{target.name}-{stamp}{suffix}"
    n = 1
    while path.exists():
        path = archive_root / f"{target.name}-{stamp}{suffix}-{n}"
        n += 1
    return path


def publish(staging: Path, target: Path) -> Path | None:
    """Move a complete staging folder into place; keep a replaced folder in the archive.

    With an existing target the two folders are swapped in one atomic step, so at every
    moment ``target`` is either the old complete folder or the new one; the old one is then
    moved into ``archive/``. (If the run dies between the two steps, the old folder waits at
    the staging name, with its manifest, and the next run moves it to the archive.)
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.replace(staging, target)
        return None
    archived = _archive_path(target)
    if exchange(staging, target):
        os.replace(staging, archived)
    else:  # no atomic swap on this system: two renames, a moment without the folder
        os.replace(target, archived)
        os.replace(staging, target)
    return archived


def _staging_prefix(out: Path) -> str:
    return f".staging-{out.name}."


def _is_staging_of(path: Path, out: Path) -> bool:
    """A staging folder of exactly this report folder (``.staging-2026Q3.k3j_9x2a``), not of
    another one that shares its beginning (``.staging-2026Q3-CR10.…``)."""
    import re

    return re.fullmatch(re.escape(_staging_prefix(out)) + r"[a-z0-9_]{8}", path.name) is not None


@contextlib.contextmanager
def _lock(out: Path):
    """One run per report folder at a time (released by the OS if the run is killed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.lock"
    fh = open(path, "a+")
    try:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        except OSError:
            raise InputError(
                f"another signaal run is writing {out} (lock {path}); wait for it to finish or choose another --out"
            ) from None
        yield
    finally:
        fh.close()


def clean_stale_staging(out: Path) -> list[str]:
    """Staging folders left by a run that was killed (call while holding the lock): an
    incomplete one is deleted; a complete one (it has a manifest: a finished run that was
    not yet, or no longer, in place) is moved to the archive, never deleted."""
    done = []
    for path in sorted(out.parent.glob(_staging_prefix(out) + "*")):
        if not path.is_dir() or not _is_staging_of(path, out):
            continue
        if (path / MANIFEST).is_file():
            dest = _archive_path(out, "-recovered")
            os.replace(path, dest)
            done.append(f"moved {path.name} (complete) to {dest}")
        else:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name} (an interrupted run)")
    return done


# ---- jobs ----------------------------------------------------------------------------
@dataclass
class Job:
    name: str
    kind: str
    fn: str                      # "module:function", resolved in the worker
    kwargs: dict
    key: str = ""
    names: list[str] = field(default_factory=list)   # documents it produces (a factsheet batch: several)


def _call(fn: str, kwargs: dict):
    """Worker entry: import and call ``module:function``; always a list of DocResults."""
    import importlib

    module, func = fn.split(":")
    out = getattr(importlib.import_module(module), func)(**kwargs)
    return out if isinstance(out, list) else [out]


def _read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


class _InlineQueue:
    """Progress when documents are built in this process (``--jobs 1``)."""

    def __init__(self, observer: Observer):
        self.observer = observer

    def put_nowait(self, item) -> None:
        self.observer.advanced(*item)


def execute(plan: Plan, progress: Observer | None = None) -> RunResult:
    """Run a validated plan."""
    observer = progress or Observer()
    with _lock(plan.out):
        recovered = clean_stale_staging(plan.out)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(plan.out), dir=plan.out.parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        try:
            result = _execute(plan, staging, observer)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        result.recovered = recovered
        return result


def _execute(plan: Plan, staging: Path, observer: Observer) -> RunResult:
    from . import incremental as inc
    from ..publish.factsheets import factsheet_path, indicator_ids, subjects

    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    published = _read_manifest(plan.out)           # what the folder holds now (carried over below)
    previous_manifest = None if plan.force else published
    previous = inc.previous_documents(previous_manifest)
    env_fp = inc.environment_fingerprint()
    data_fp = inc.data_fingerprint(plan.data_dir, plan.vintage_checksum)
    params = plan.parameters()
    built_stamp = started.isoformat(timespec="seconds")
    results: dict[str, DocResult] = {}

    def try_reuse(name: str, kind: str, key: str, notebook: str | None = None) -> bool:
        prev = previous.get(name)
        if not inc.reusable(prev, key, plan.out):
            return False
        for rel in prev["outputs"]:
            inc.link_or_copy(plan.out / rel, staging / rel)
        results[name] = DocResult(
            name=name, notebook=notebook, status=REUSED, kind=kind, outputs=list(prev["outputs"]),
            key=key, checksums=dict(prev["checksums"]), built=prev.get("built"), notes=prev.get("notes") or {},
            lang=plan.lang,
        )
        return True

    # -- themes (a document per theme and language: ``talent``, ``talent.en``)
    theme_jobs: list[Job] = []
    theme_keys: dict[str, str] = {}
    doc_of = {theme: plan.output_stem(theme) for theme in plan.themes}
    for theme, path in plan.themes.items():
        name = doc_of[theme]
        key = inc.digest("theme", inc.sha256_file(path), params, data_fp, env_fp)
        theme_keys[theme] = key
        if try_reuse(name, "theme", key, path.name):
            continue
        theme_jobs.append(Job(
            name=name, kind="theme", fn="signaal.run.quarter:execute_theme", key=key, names=[name],
            kwargs=dict(name=name, notebook=str(path.resolve()), staging=str(staging), parameters=params,
                        data_dir=str(plan.data_dir), stem=name),
        ))
    for name, reason in plan.rejected.items():
        results[name] = DocResult(name=name, notebook=f"{name}.ipynb", status=REJECTED, kind="theme", error=reason,
                                  lang=plan.lang)

    edition = Edition(plan.region, plan.quarter, plan.lang, plan.vintage_id, plan.is_sample, plan.today,
                      plan.vintage_checksum)

    # -- factsheets
    fs_todo: list[tuple[str, str, str]] = []        # (code, name, key)
    if plan.factsheets != "none":
        for code in subjects(plan.region, plan.factsheets):
            name = factsheet_path(code, plan.lang).removesuffix(".pdf")
            key = inc.digest("factsheet", code, params, data_fp, env_fp)
            if not try_reuse(name, "factsheet", key):
                fs_todo.append((code, name, key))
    fs_jobs: list[Job] = []
    fs_keys = {name: key for _, name, key in fs_todo}
    if fs_todo:
        workers_hint = max(1, plan.jobs)
        size = max(4, math.ceil(len(fs_todo) / workers_hint))
        for i in range(0, len(fs_todo), size):
            batch = fs_todo[i:i + size]
            fs_jobs.append(Job(
                name=f"factsheets {i // size + 1}", kind="factsheet", fn="signaal.publish.factsheets:build_factsheets",
                names=[n for _, n, _ in batch],
                kwargs=dict(edition=edition, staging=str(staging), data_dir=str(plan.data_dir),
                            codes=[c for c, _, _ in batch], names={c: n for c, n, _ in batch}),
            ))

    # -- the signals and their board (needs the data, not the notebooks)
    from ..publish.boardpack import BOARD_PAGE

    signals_name = plan.output_stem(BOARD_PAGE)
    signals_jobs: list[Job] = []
    signals_key = inc.digest("signals", params, data_fp, env_fp)
    if plan.board_pack and not try_reuse(signals_name, "signals", signals_key):
        signals_jobs.append(Job(
            name=signals_name, kind="signals", fn="signaal.publish.boardpack:build_signal_board", key=signals_key,
            names=[signals_name],
            kwargs=dict(name=signals_name, staging=str(staging), stem=signals_name, region=plan.region,
                        quarter=str(plan.quarter), lang=plan.lang, vintage=plan.vintage_id, data_dir=str(plan.data_dir),
                        csv_name=plan.output_file("signals", "csv"), json_name=plan.output_file("signals", "json")),
        ))

    # -- the board pack: decided once every theme has run (its key depends on their outcome)
    pack_name = plan.output_stem(PACK_STEM)
    pack_state = {"decided": not plan.board_pack, "job": None}

    def decide_pack() -> Job | None:
        pack_state["decided"] = True
        themes_done = [(n, theme_keys[n], results[doc_of[n]].status == FAILED) for n in plan.themes]
        board = results.get(signals_name)
        board_state = (signals_key, board.ok) if board else None
        key = inc.digest("boardpack", params, themes_done, plan.factsheets, board_state, data_fp, env_fp)
        if try_reuse(pack_name, "boardpack", key):
            return None
        ok = [(n, f"notebooks/{doc_of[n]}.ipynb") for n in plan.themes if results[doc_of[n]].ok]
        # a theme whose notebook failed is named in the pack (with a reason the board reads);
        # a notebook that is not a theme (a scratch notebook) is not the board's business
        missing = [n for n in plan.themes if not results[doc_of[n]].ok]
        level = "gemeente" if plan.factsheets != "corop" else "corop"
        return Job(
            name=pack_name, kind="boardpack", fn="signaal.publish.boardpack:build_pack", key=key, names=[pack_name],
            kwargs=dict(edition=edition, staging=str(staging), data_dir=str(plan.data_dir), themes=ok, name=pack_name,
                        missing=missing, extra_indicators=indicator_ids(level) if plan.factsheets != "none" else [],
                        board_page=f"{signals_name}.html" if board is not None and board.ok else None,
                        indicators_name=plan.output_file("indicators", "csv")),
        )

    # longest notebooks first, so that the last one to finish (the board pack waits for it)
    # finishes early: last run's execution time when known, else the number of code cells
    last_times = {d["name"]: (d.get("timings") or {}).get("execute")
                  for d in ((published or {}).get("documents") or [])}
    if all(last_times.get(j.name) for j in theme_jobs):
        theme_jobs.sort(key=lambda j: -last_times[j.name])
    else:
        theme_jobs.sort(key=lambda j: -theme_steps(j.kwargs["notebook"]))
    keys = {**{j.name: j.key for j in theme_jobs}, **fs_keys}
    pending: list[Job] = [*theme_jobs, *signals_jobs]
    if not pack_state["decided"] and not theme_jobs and not signals_jobs:
        pack_state["job"] = decide_pack()
        if pack_state["job"]:
            pending.append(pack_state["job"])
    pending += fs_jobs
    to_build = [(n, j.kind) for j in pending for n in j.names]
    if pack_state["job"] is None and not pack_state["decided"]:
        to_build.append((pack_name, "boardpack"))  # it will be built or reused after the themes
    observer.planned(plan, to_build, [r for r in results.values() if r.status == REUSED])
    for r in results.values():
        if r.status == REJECTED:
            observer.finished(r)

    def record(job: Job, docs: list[DocResult]) -> None:
        for doc in docs:
            if job.kind == "theme-pdf":  # stage 2 of a theme: fold it into stage 1
                doc = merge_stage(results[doc.name], doc)
                if not doc.ok:  # no page without its PDF: the executed notebook and log stay
                    (staging / f"{job.kwargs['stem']}.html").unlink(missing_ok=True)
            doc.key = doc.key or keys.get(doc.name) or job.key
            doc.lang = plan.lang
            if doc.ok:
                doc.built = built_stamp
            results[doc.name] = doc
            if job.kind == "theme" and doc.ok:  # executed and exported: its PDF is next
                pending.append(Job(
                    name=f"{doc.name} (pdf)", kind="theme-pdf", fn="signaal.run.quarter:render_theme_pdf", key=job.key,
                    names=[doc.name], kwargs=dict(name=doc.name, staging=str(staging), stem=job.kwargs["stem"],
                                                  notebook=doc.notebook or "",
                                                  steps=theme_steps(job.kwargs["notebook"])),
                ))
            else:
                observer.finished(doc)

    def crashed(job: Job, exc: BaseException) -> list[DocResult]:
        return [
            DocResult(name=n, notebook=job.kwargs.get("notebook") and Path(job.kwargs["notebook"]).name,
                      status=FAILED, kind=job.kind, lang=plan.lang,
                      error=f"{job.kind} {n}: worker crashed: {type(exc).__name__}: {one_line(exc)}")
            for n in job.names
        ]

    schedule: list[dict] = []
    if pending:
        if any(j.kind == "theme" for j in pending):
            ensure_kernel()
        schedule = _run_jobs(plan, pending, record, crashed, decide_pack, pack_state, observer, t0)

    # -- what the published folder holds that this run did not make stays in the quarter
    carried, not_carried = carry_over(published, plan, results, staging)
    for doc in carried:
        results[doc.name] = doc

    # -- the quarter's index, manifest, publish
    docs = _ordered(plan, results)
    index_doc = _index(plan, staging, docs, previous, env_fp, try_reuse, results)
    if index_doc is not None:
        docs.append(index_doc)
        observer.finished(index_doc)
    for doc in docs:
        if doc.status == BUILT:
            doc.checksums = {o: inc.sha256_file(staging / o) for o in doc.outputs if (staging / o).is_file()}
    status = "failed" if any(d.failed for d in docs) else "ok"
    manifest = {
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
        "vintage": {"id": plan.vintage_id, "checksum": plan.vintage_checksum, "is_sample": plan.is_sample},
        "data_dir": str(plan.data_dir),
        "git_commit": _git_commit(),
        "packages": inc.package_versions(),
        "fingerprints": {"code": inc.code_fingerprint(), "environment": env_fp, "data": data_fp},
        "started": built_stamp,
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "timings": {"total_seconds": round(time.perf_counter() - t0, 3)},
        "schedule": schedule,   # which job ran when (seconds since the start), for tuning --jobs
        "summary": {s: sum(1 for d in docs if d.status == s) for s in STATUSES},
        "rejected": plan.rejected,
        # documents of the published folder that are not in this one, and why
        "not_carried_over": not_carried,
        "documents": [asdict(d) for d in docs],
        "status": status,
    }
    write_atomic(staging / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    archived = publish(staging, plan.out)
    return RunResult(plan=plan, documents=docs, out=plan.out, archived=archived, manifest=manifest)


def _responsible(plan: Plan) -> set[str]:
    """The kinds of document a whole-quarter run makes the complete set of, in its language:
    its themes, board pack and signals, and its factsheets unless ``--factsheets none``."""
    if not plan.whole_quarter:
        return set()
    kinds = {"theme", "boardpack", "signals"}
    if plan.factsheets != "none":
        kinds.add("factsheet")
    return kinds


def carry_over(published: dict | None, plan: Plan, results: dict[str, DocResult],
               staging: Path) -> tuple[list[DocResult], dict[str, str]]:
    """Documents of the published folder that this run did not make, hard-linked into the
    new folder (status ``carried``), so that a run of some themes (``--themes talent``) or of
    another language (``--lang en``) never takes anything out of the quarter.

    Documents are told apart by name, which carries the language (``talent`` and
    ``talent.en`` are two documents). Not carried: what this run made again (built, reused,
    failed or rejected: its newer outcome counts), failed and rejected documents of earlier
    runs, the index (it is made anew), a document whose files are gone or changed, and, after
    a whole-quarter run, the documents of its language of the kinds it makes (a theme
    notebook that was removed, the factsheets of the other set): that run is the quarter in
    its language. Returns (carried, {name: why not carried})."""
    from . import incremental as inc

    carried: list[DocResult] = []
    skipped: dict[str, str] = {}
    if not published:
        return carried, skipped
    run_lang = (published.get("parameters") or {}).get("lang") or "nl"
    replaced = _responsible(plan)
    for d in published.get("documents") or []:
        name, kind = d.get("name"), d.get("kind") or "theme"
        if not name or kind == "index" or name in results:
            continue
        if d.get("status") not in (BUILT, REUSED, CARRIED):
            skipped[name] = f"{d.get('status')} in the earlier run"
            continue
        lang = d.get("lang") or run_lang         # manifests before documents recorded their language
        if kind == "theme" and lang != "nl" and not name.endswith(f".{lang}"):
            name = f"{name}.{lang}"              # … named their English themes without the language
            if name in results:
                continue
        if lang == plan.lang and kind in replaced:
            skipped[name] = "replaced by this whole-quarter run"
            continue
        outputs = list(d.get("outputs") or [])
        checksums = d.get("checksums") or {}
        clash = [o for o in outputs if (staging / o).exists()]
        if clash:
            skipped[name] = f"this run wrote {clash[0]}"
            continue
        damaged = [o for o in outputs if not (plan.out / o).is_file()
                   or (o in checksums and inc.sha256_file(plan.out / o) != checksums[o])]
        if not outputs or damaged:
            skipped[name] = f"its file {damaged[0]} is missing or changed" if damaged else "it has no files"
            continue
        for rel in outputs:
            inc.link_or_copy(plan.out / rel, staging / rel)
        notes = dict(d.get("notes") or {})
        notes.setdefault("carried_from", published.get("started"))
        carried.append(DocResult(
            name=name, notebook=d.get("notebook"), status=CARRIED, kind=kind, outputs=outputs, key=d.get("key"),
            checksums=dict(checksums), built=d.get("built"), notes=notes, lang=lang,
        ))
    return carried, skipped


PRIORITY = {"theme": 0, "signals": 1, "boardpack": 2, "theme-pdf": 3, "factsheet": 4}


def _run_jobs(plan, pending, record, crashed, decide_pack, pack_state, observer, t0: float) -> list[dict]:
    """Run jobs, at most ``plan.jobs`` at a time. Notebooks are executed first, then the
    signals; the board pack starts as soon as those are done (it needs the notebooks' output,
    not their PDFs, and it is the longest single job); theme PDFs and factsheets fill the
    other workers."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    from ..publish import outcome

    themes_left = {j.name for j in pending if j.kind in ("theme", "signals")}  # what the pack waits for

    def after(job: Job) -> None:
        themes_left.discard(job.name)
        if not themes_left and not pack_state["decided"]:
            job_pack = decide_pack()
            if job_pack is not None:
                pending.append(job_pack)

    def pick() -> Job:
        job = min(pending, key=lambda j: PRIORITY.get(j.kind, 9))
        pending.remove(job)
        return job

    schedule: list[dict] = []

    def log(job: Job, start: float) -> None:
        schedule.append({"job": job.name, "kind": job.kind, "start": round(start - t0, 2),
                         "end": round(time.perf_counter() - t0, 2)})

    expected = len(pending) + len(themes_left) + (0 if pack_state["decided"] else 1)
    workers = max(1, min(plan.jobs, expected))
    if workers == 1:  # in this process: no start-up of worker processes
        outcome._queue = _InlineQueue(observer)
        try:
            while pending:
                job = pick()
                start = time.perf_counter()
                try:
                    docs = _call(job.fn, job.kwargs)
                except Exception as exc:
                    docs = crashed(job, exc)
                log(job, start)
                record(job, docs)
                after(job)
        finally:
            outcome._queue = None
        return schedule

    ctx = get_context("spawn")
    queue = ctx.Queue()
    import threading

    stop = threading.Event()

    def pump():
        while not stop.is_set():
            try:
                item = queue.get(timeout=0.1)
            except Exception:
                continue
            with contextlib.suppress(Exception):
                observer.advanced(*item)

    listener = threading.Thread(target=pump, daemon=True)
    listener.start()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=outcome.set_progress_queue, initargs=(queue,))
    try:
        in_flight = {}

        def fill():
            while pending and len(in_flight) < workers:
                job = pick()
                in_flight[pool.submit(_call, job.fn, job.kwargs)] = (job, time.perf_counter())

        fill()
        while in_flight:
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for fut in done:
                job, start = in_flight.pop(fut)
                try:
                    docs = fut.result()
                except Exception as exc:  # a worker that died
                    docs = crashed(job, exc)
                log(job, start)
                record(job, docs)
                after(job)
            fill()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        stop.set()
        listener.join(timeout=2)
        queue.close()
    return schedule


def _theme_of(doc: DocResult) -> str:
    """The theme (notebook) a theme document was made from: ``talent`` for ``talent.en``."""
    return Path(doc.notebook).stem if doc.notebook else doc.name


def _ordered(plan: Plan, results: dict[str, DocResult]) -> list[DocResult]:
    """Themes in the catalogue's order (each theme's languages together, Dutch first), then the
    board packs, signals and factsheets."""
    from ..catalogue import catalogue

    kinds = {"theme": 0, "boardpack": 1, "signals": 2, "factsheet": 3}
    order = {t.id: t.order for t in catalogue().themes.values()}

    def key(d: DocResult):
        lang_rank = (d.lang != "nl", d.lang)
        if d.kind == "theme":
            theme = _theme_of(d)
            return (0, order.get(theme, 999), theme, lang_rank, d.name)
        return (kinds.get(d.kind, 9), 0, "", lang_rank, d.name)

    return sorted(results.values(), key=key)


def index_language(plan: Plan, docs: list[DocResult]) -> str:
    """The index is in Dutch while the folder holds Dutch documents (a run in English adds
    to the quarter, it does not turn its overview into English), else in the run's language."""
    return "nl" if any(d.ok and d.lang == "nl" for d in docs) else plan.lang


def _index(plan, staging, docs, previous, env_fp, try_reuse, results) -> DocResult | None:
    """Write (or reuse) the quarter's index.html: every document in the folder, also those
    carried over from earlier runs."""
    from . import incremental as inc

    name = "index"
    lang = index_language(plan, docs)
    # what the page shows of each document (built, reused or carried over look the same)
    listing = [(d.name, d.kind, "ok" if d.ok else d.status, d.lang, d.outputs, d.error, d.notes.get("skipped"))
               for d in docs]
    key = inc.digest("index", plan.parameters(), lang, listing, plan.is_sample, env_fp)
    if try_reuse(name, "index", key):
        doc = results.pop(name)
        doc.lang = lang
        return doc
    t0 = time.perf_counter()
    try:
        html = quarter_index_html(plan, docs)
        from ..publish.site import write_index

        write_index(staging / INDEX, html)
        return DocResult(name=name, notebook=None, status=BUILT, kind="index", outputs=[INDEX], key=key,
                         timings={"total": round(time.perf_counter() - t0, 3)}, lang=lang,
                         built=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    except Exception as exc:
        return DocResult(name=name, notebook=None, status=FAILED, kind="index", key=key, lang=lang).fail(
            "index.html", exc)


DATA_FILES = {"signals": ("csv", "json"), "indicators": ("csv",)}


def _data_file_label(rel: str, lang: str) -> str | None:
    """The index's label of a data file (``signals.csv``, ``indicators.en.csv``), else None."""
    from ..text import t

    parts = rel.split(".")
    if "/" in rel or parts[0] not in DATA_FILES or parts[-1] not in DATA_FILES[parts[0]] or len(parts) > 3:
        return None
    return t(f"index_{parts[0]}_{parts[-1]}", lang)


def quarter_index_html(plan: Plan, docs: list[DocResult]) -> str:
    """The quarter's overview: the board pack, every theme, the factsheets and the data of
    the folder, in :func:`index_language`; documents in another language say which."""
    from ..catalogue import catalogue
    from ..publish.exporters import font_face_css
    from ..publish.site import Link, Row, render_index
    from ..text import sample_watermark, t, vintage_label

    lang = index_language(plan, docs)
    reg = registry()
    themes_cat = catalogue().themes

    def language(doc: DocResult) -> str:
        """'' for a document in the index's language, else the name of its language."""
        return "" if doc.lang == lang else t(f"index_lang_{doc.lang}", lang)

    def titled(title: str, doc: DocResult) -> str:
        other = language(doc)
        return f"{title} ({other})" if other else title

    def links(doc: DocResult, wanted: tuple[str, ...]) -> list[Link]:
        out = []
        for rel in sorted(doc.outputs, key=lambda o: (not o.endswith(".pdf"), o)):
            if rel.endswith(wanted):
                suffix = rel.rsplit(".", 1)[-1]
                text = {"pdf": "PDF", "html": "HTML", "ipynb": t("index_executed", lang), "log": t("index_log", lang)}[suffix]
                out.append(Link(text, rel))
        return out

    def status(doc: DocResult) -> tuple[str, str]:
        if doc.status == FAILED:
            return t("index_status_failed", lang), doc.error or ""
        if doc.status == REJECTED:
            return t("index_status_rejected", lang), doc.error or ""
        if doc.status == SKIPPED:
            return t("index_status_skipped", lang), doc.notes.get("skipped", "")
        return "", ""

    packs = []
    for pack_doc in (d for d in docs if d.kind == "boardpack"):
        s, e = status(pack_doc)
        row = Row(language(pack_doc), links(pack_doc, (".pdf", ".html")), s, e)
        board_doc = next((d for d in docs if d.kind == "signals" and d.ok and d.lang == pack_doc.lang), None)
        if board_doc:
            row.links += [Link(t("pack_signal_board", lang), o) for o in board_doc.outputs if o.endswith(".html")]
        packs.append(row)
    rows = []
    for doc in (d for d in docs if d.kind == "theme"):
        theme = _theme_of(doc)
        title = themes_cat[theme].title.get(lang) if theme in themes_cat else theme
        wanted = (".pdf", ".html") if doc.ok else (".ipynb", ".log")
        s, e = status(doc)
        rows.append(Row(titled(title, doc), links(doc, wanted), s, e))
    factsheets = []
    for doc in (d for d in docs if d.kind == "factsheet"):
        code = doc.name.split("/")[-1].split("-")[0]
        title = reg.display_name(code, lang) if code in reg else doc.name
        s, e = status(doc)
        factsheets.append(Row(titled(title, doc), links(doc, (".pdf",)), s, e if doc.status == SKIPPED else ""))
    data_links = []
    for doc in (d for d in docs if d.ok):
        for rel in doc.outputs:
            label = _data_file_label(rel, lang)
            if label:
                data_links.append(Link(titled(label, doc), rel))
    data_links.append(Link(t("index_manifest", lang), MANIFEST))
    problems = [d.error for d in docs if d.failed and d.error]
    return render_index(
        lang=lang, region_name=reg.display_name(plan.region, lang), quarter_label=plan.quarter.label(lang),
        vintage_label=vintage_label(plan.is_sample, plan.vintage_id, lang), is_sample=plan.is_sample,
        watermark=sample_watermark(plan.is_sample, lang), version=__version__, date=plan.today, packs=packs,
        themes=rows, factsheets=factsheets, data_links=data_links, problems=problems,
        kicker=t("cover_kicker", lang, board=reg.board(plan.region, lang)), fonts_css=font_face_css(False),
    )


def run(**kwargs) -> RunResult:
    """Validate the parameters, then run. Raises SignaalError for bad input."""
    return execute(make_plan(**kwargs))


__all__ = [
    "Plan", "RunResult", "DocResult", "Observer", "make_plan", "execute", "run", "discover_themes",
    "theme_notebooks", "publish", "clean_stale_staging", "carry_over", "SignaalError", "NotebookError",
]
