"""The workers of a run, registered by kind of job (papermill's ``PapermillEngines`` pattern).

A worker is ``fn(ctx, **args)``: the run's :class:`~signaal.run.job.JobContext` and the
job's own arguments; it returns a :class:`~signaal.publish.outcome.DocResult` or a list of
them and reports progress with :func:`~signaal.publish.outcome.report`. Jobs run in spawned
processes, which look the worker up in :data:`WORKERS` by kind, so a worker is registered
when this module is imported.

- ``theme`` — execute a theme notebook (papermill, in the worker's warm kernel: see
  :mod:`~signaal.run.kernels`) and export its page;
- ``theme-pdf`` — the theme's PDF from the executed notebook;
- ``signals`` — the signals files and the signal board page of one region, or of a batch of
  regions whose signals are computed in one pass (a job of several lanes: it takes the
  context of each);
- ``boardpack`` — the board pack (PDF, page) and ``indicators.csv``;
- ``factsheet`` — a batch of factsheets.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from .. import config
from ..publish import outcome
from ..publish.outcome import BUILT, FAILED, DocResult, one_line, report, write_atomic
from .job import JobContext
from .themes import theme_parameters, theme_steps

if TYPE_CHECKING:
    from ..publish.exporters import SignaalHTMLExporter

Worker = Callable[..., "DocResult | list[DocResult]"]


class Workers:
    """Worker functions by kind of job."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Worker] = {}
        self._of_lanes: set[str] = set()  # kinds whose worker takes the context of every lane

    def register(self, kind: str, fn: Worker, lanes: bool = False) -> None:
        self._by_kind[kind] = fn
        if lanes:
            self._of_lanes.add(kind)
        else:
            self._of_lanes.discard(kind)

    def takes_lanes(self, kind: str) -> bool:
        return kind in self._of_lanes

    def get(self, kind: str) -> Worker:
        try:
            return self._by_kind[kind]
        except KeyError:
            raise KeyError(f"no worker for jobs of kind {kind!r}; registered: {', '.join(self._by_kind)}") from None

    @property
    def kinds(self) -> list[str]:
        return list(self._by_kind)


WORKERS = Workers()


def register(kind: str, fn: Worker, lanes: bool = False) -> None:
    """Register ``fn`` as the worker of jobs of ``kind`` (replacing one registered before);
    ``lanes``: it takes a tuple of contexts, one per region it makes documents for."""
    WORKERS.register(kind, fn, lanes)


RUN_LOG = "logs/run.log"  # what the jobs other than theme notebooks write to stderr
KERNEL_LOG = "logs/kernels.log"  # what the workers' warm kernels write to stderr


def log_of(kind: str, args: dict) -> str:
    """The log a job's stderr goes to: its theme's ``logs/<stem>.log``, else :data:`RUN_LOG`."""
    return f"logs/{args['stem']}.log" if kind in ("theme", "theme-pdf") and "stem" in args else RUN_LOG


def call(kind: str, ctx: JobContext | tuple[JobContext, ...], args: dict) -> list[DocResult]:
    """A worker process's entry: run the worker of ``kind``; always a list of DocResults.

    ``ctx``: the run's context, or one per lane for a job of several lanes. What the job
    writes to ``sys.stderr`` (warnings, the traceback of a document that failed) goes to its
    log (:func:`log_of`) in the (first lane's) run folder; the run's own output has the one
    line per failure."""
    ctxs = ctx if isinstance(ctx, tuple) else (ctx,)
    worker = WORKERS.get(kind)
    with _stderr_in(ctxs[0].staging / log_of(kind, args)):
        out = worker(ctxs if WORKERS.takes_lanes(kind) else ctxs[0], **args)
    return out if isinstance(out, list) else [out]


def run_job(kind: str, ctxs: tuple[JobContext, ...], args: dict) -> tuple[list[DocResult], dict]:
    """What an executor runs: the job (:func:`call`), its progress tagged with its region in a
    run of several, and the stats of the worker process that ran it (:func:`worker_stats`)."""
    with outcome.tagged_progress(ctxs[0].lane if len(ctxs) == 1 else ""):  # several: tagged by the worker
        docs = call(kind, ctxs if len(ctxs) > 1 else ctxs[0], args)
    return docs, worker_stats()


def worker_stats() -> dict:
    """The worker process (host:pid) and its peak memory so far in MB: its own and that of
    the largest kernel it started that has ended (``getrusage``)."""
    import resource
    import socket

    per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / per_mb
    kernels = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / per_mb  # those that ended
    if "signaal.run.kernels" in sys.modules:  # the warm kernel still running (see kernels)
        kernels = max(kernels, sys.modules["signaal.run.kernels"].peak_mb())
    return {
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "peak_mb": round(own, 1),
        "kernel_peak_mb": round(kernels, 1),
    }


def inputs_of(kind: str, args: dict) -> list[str]:
    """The files of the run's folder a job reads (made by earlier jobs): what a worker that
    does not share the run's file system must be sent (:mod:`~signaal.run.cluster`)."""
    if kind == "theme-pdf":
        return [f"notebooks/{args['stem']}.ipynb"]
    if kind == "boardpack":
        return [rel for _theme, rel in args.get("themes") or []] + (
            [args["board_page"]] if args.get("board_page") else []
        )
    return []


@contextlib.contextmanager
def _stderr_in(path: Path) -> Iterator[None]:
    """``sys.stderr`` appended to ``path`` while inside (left alone when the log cannot be made)."""
    with contextlib.ExitStack() as stack:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(contextlib.redirect_stderr(stack.enter_context(open(path, "a", encoding="utf-8"))))
        except OSError:
            pass
        yield


# ---------------------------------------------------------------------------------------
# Theme notebooks
# ---------------------------------------------------------------------------------------
def ensure_kernel() -> None:
    """Register the ``signaal`` kernel in this environment when it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # only when notebooks are to run

    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    try:
        KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    except NoSuchKernel:
        from ipykernel.kernelspec import install  # lazily: needed once per environment

        install(kernel_name=config.KERNEL_NAME, display_name="Signaal (Python 3)", prefix=sys.prefix)


class Limits:
    """The time limits of one notebook's execution: each cell may run ``cell`` seconds, the
    notebook as a whole (from the start of its kernel) ``whole`` seconds. nbclient asks for
    each cell's limit as it starts it (:meth:`timeout`), so the last cells get what is left;
    past a limit nbclient stops waiting and the kernel is shut down (killed when it does not
    stop). The notebook being executed is kept (:meth:`on_notebook_start`), so that what it
    ran before it was stopped can be saved for debugging."""

    def __init__(self, whole: float, cell: float):
        self.whole, self.cell = whole, cell
        self.started = time.monotonic()
        self.count = 0  # code cells started: the execution count of the running cell
        self.source = ""
        self.by_whole = False  # the running cell's limit is what is left of the notebook's
        self.nb = None  # the notebook as executed so far

    def on_notebook_start(self, notebook, **_kw) -> None:
        self.nb = notebook

    def on_cell_start(self, cell, **_kw) -> None:
        if cell.cell_type == "code" and cell.source.strip():
            self.count += 1
            self.source = cell.source

    def timeout(self, cell) -> float:
        left = self.whole - (time.monotonic() - self.started)
        self.by_whole = left < self.cell
        return max(0.1, min(self.cell, left))  # nbclient takes 0 for "no limit"

    def message(self, notebook: str) -> str:
        if self.by_whole:
            why = f"the notebook ran longer than its limit of {self.whole:g} s (--timeout)"
        else:
            why = f"the cell ran longer than its limit of {self.cell:g} s (SIGNAAL_CELL_TIMEOUT)"
        return f"notebook {notebook} timed out in cell {self.count} ({_source(self.source)}): {why}; its kernel was stopped"

    def save(self, executed: Path) -> None:
        """The notebook as far as it ran, when papermill did not save it (it saves on a normal
        end and on an error in a cell, not when it was stopped)."""
        if self.nb is not None and not executed.exists():
            with contextlib.suppress(Exception):
                write_atomic(executed, nbformat.writes(self.nb).encode("utf-8"))


def _source(text: str) -> str:
    source = " ".join((text or "").split())
    return source[:77] + "…" if len(source) > 80 else source


def _failure(exc: BaseException, notebook: str, limits: Limits | None = None) -> tuple[str, int | None]:
    """One line naming the notebook, the failing cell and the error."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError  # lazily: papermill takes 0.3 s to import

    if isinstance(exc, PapermillExecutionError):
        return (
            f"notebook {notebook} failed in cell {exc.exec_count or exc.cell_index} ({_source(exc.source)}): "
            f"{exc.ename}: {one_line(exc.evalue)}",
            exc.cell_index,
        )
    if isinstance(exc, CellTimeoutError) and limits is not None:
        return limits.message(notebook), limits.count
    return f"notebook {notebook} failed: {type(exc).__name__}: {one_line(exc)}", None


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
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


def _execute_notebook(
    ctx: JobContext, name: str, notebook: str, executed: Path, log_path: Path, total: int, limits: Limits
) -> None:
    """papermill in this worker's warm kernel (a fresh one with SIGNAAL_WARM_KERNELS=0), its chatter in the log; progress per executed cell (of
    ``total`` steps); within the run's time limits."""
    import papermill as pm  # lazily: papermill takes 0.3 s to import, only theme jobs need it

    from . import kernels  # registers the warm-kernel engine with papermill

    done = [0]

    def on_cell(**_kw):
        done[0] += 1
        report(name, min(done[0], total - 2), total, "cells")

    with stderr_to(log_path):  # kernel chatter goes to the log, not the run's output
        pm.execute_notebook(
            notebook,
            str(executed),
            parameters=theme_parameters(notebook, ctx.parameters()),  # only those its cell takes
            kernel_name=config.KERNEL_NAME,
            engine_name=kernels.ENGINE if kernels.enabled() else None,  # this worker's warm kernel
            cwd=str(Path(notebook).parent),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            on_cell_executed=on_cell,
            on_notebook_start=limits.on_notebook_start,
            on_cell_start=limits.on_cell_start,
            timeout_func=limits.timeout,
        )


@functools.lru_cache(maxsize=2)
def exporter(for_pdf: bool) -> SignaalHTMLExporter:
    """This process's exporter of theme pages (``for_pdf``: the PDF's, charts as SVG images),
    made once: a new one compiles its Jinja templates again (about 0,15 s a page); it keeps no
    state from one notebook to the next."""
    from ..publish.exporters import SignaalHTMLExporter  # in the worker: nbconvert, WeasyPrint

    return SignaalHTMLExporter(for_pdf=for_pdf, svg_images=for_pdf)


def _page_defaults(ctx: JobContext, name: str) -> dict:
    """What the page of a theme says about itself when its notebook does not (a notebook of
    the analyst's own charts, without a Briefing): the run's region, quarter, board and, on
    sample data, the watermark; the title comes from the notebook's first heading."""
    return {"signaal_defaults": ctx.edition().meta(name, "")}


def kernel_env(ctx: JobContext) -> dict[str, str]:
    """What a theme job sets in its worker's environment, which its kernel inherits: the run's
    data folder, and this environment's kernel rather than a user-level one."""
    return {
        "SIGNAAL_DATA_DIR": str(ctx.data_dir),
        "JUPYTER_PREFER_ENV_PATH": os.environ.get("JUPYTER_PREFER_ENV_PATH", "1"),
    }


def execute_theme(ctx: JobContext, name: str, notebook: str, stem: str) -> DocResult:
    """Stage 1 of a theme: execute the notebook (papermill, a warm kernel) and export
    ``<stem>.html``. The board pack needs only this; the PDF is stage 2."""
    logging.getLogger("papermill").setLevel(logging.WARNING)
    os.environ.update(kernel_env(ctx))
    staging = ctx.staging
    executed = staging / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = DocResult(name=name, notebook=Path(notebook).name, status=BUILT, kind="theme", lang=ctx.lang)
    t0 = time.perf_counter()
    log_path = staging / "logs" / f"{stem}.log"
    log_path.parent.mkdir(exist_ok=True)
    kept = [str(executed.relative_to(staging)), str(log_path.relative_to(staging))]
    total = theme_steps(notebook)
    report(name, 0, total, "kernel")
    limits = Limits(ctx.notebook_timeout, ctx.cell_timeout)
    try:
        _execute_notebook(ctx, name, notebook, executed, log_path, total, limits)
    except Exception as exc:  # the executed notebook is kept for debugging
        limits.save(executed)
        result.status = FAILED
        result.error, result.cell = _failure(exc, Path(notebook).name, limits)
        result.outputs = [k for k in kept if (staging / k).exists()]
        result.timings["execute"] = round(time.perf_counter() - t0, 3)
        return result
    result.timings["execute"] = round(time.perf_counter() - t0, 3)
    try:
        t1 = time.perf_counter()
        report(name, total - 2, total, "html")
        nb = nbformat.read(executed, as_version=4)
        html, _ = exporter(for_pdf=False).from_notebook_node(nb, _page_defaults(ctx, name))
        write_atomic(staging / f"{stem}.html", html.encode("utf-8"))
        result.timings["html"] = round(time.perf_counter() - t1, 3)
        result.outputs = [f"{stem}.html", *kept]
        report(name, total - 1, total, "pdf next")
    except Exception as exc:
        result.fail(f"publishing {Path(notebook).name}", exc)
        result.outputs = [k for k in kept if (staging / k).exists()]
    return result


def render_theme_pdf(ctx: JobContext, name: str, stem: str, notebook: str = "", steps: int = 1) -> DocResult:
    """Stage 2 of a theme: ``<stem>.pdf`` from the executed notebook (WeasyPrint, tagged
    PDF/UA), with the charts as SVG images (see :func:`~signaal.publish.exporters.svg_as_images`)."""
    result = DocResult(name=name, notebook=notebook or None, status=BUILT, kind="theme")
    t0 = time.perf_counter()
    report(name, steps - 1, steps, "pdf")
    try:
        nb = nbformat.read(ctx.staging / "notebooks" / f"{stem}.ipynb", as_version=4)
        html, _ = exporter(for_pdf=True).from_notebook_node(nb, _page_defaults(ctx, name))
        from ..publish.exporters import render_pdf

        pdf = render_pdf(html)
        write_atomic(ctx.staging / f"{stem}.pdf", pdf)
        result.outputs = [f"{stem}.pdf"]
    except Exception as exc:
        result.fail(f"publishing {notebook or name}", exc)
    result.timings["pdf"] = round(time.perf_counter() - t0, 3)
    report(name, steps, steps, "done")
    return result


# ---------------------------------------------------------------------------------------
# The signal board, the board pack, factsheets: adapters to the publish builders
# ---------------------------------------------------------------------------------------
def signal_boards(ctxs: tuple[JobContext, ...], boards: list[dict]) -> list[DocResult]:
    """``signals.csv``, ``signals.json`` and the signal board's page (``<stem>.html``) of each
    region of ``ctxs`` (``boards``: each one's name, stem, csv_name and json_name), their
    signals computed in one pass (:func:`~signaal.signals.engine.compute_all_signals`: what
    every region compares with is computed once); one document per region, in their order."""
    from ..publish import boardpack  # lazily: the worker that needs them
    from ..signals.engine import compute_all_signals

    first = ctxs[0]
    t0 = time.perf_counter()
    with outcome.tagged_progress(first.lane):
        report(boards[0]["name"], 0, 2, "signals")
    try:
        found: dict | None = compute_all_signals(first.data(), [c.region for c in ctxs], first.quarter)
    except Exception:  # each region then computes (and fails) on its own, with its own log
        found = None
    shared = round((time.perf_counter() - t0) / len(ctxs), 3)
    docs = []
    for ctx, board in zip(ctxs, boards, strict=True):
        with _stderr_in(ctx.staging / RUN_LOG), outcome.tagged_progress(ctx.lane):
            doc = boardpack.build_signal_board(
                staging=str(ctx.staging),
                region=ctx.region,
                quarter=ctx.quarter,
                lang=ctx.lang,
                vintage=ctx.vintage,
                data_dir=str(ctx.data_dir),
                signals=found[ctx.region] if found else None,
                **board,
            )
        if found:
            doc.timings["signals"] = shared  # its share of the pass over the regions
        docs.append(doc)
    return docs


def board_pack(ctx: JobContext, name: str, **args) -> DocResult:
    """The board pack from the executed theme notebooks: ``<name>.pdf``, ``<name>.html`` and
    the indicators file; ``args`` as :func:`~signaal.publish.boardpack.build_pack` takes them
    (themes, missing, extra_indicators, board_page, indicators_name)."""
    from ..publish import boardpack  # lazily: the worker that needs it

    return boardpack.build_pack(ctx.edition(), str(ctx.staging), str(ctx.data_dir), name=name, **args)


def factsheet_batch(ctx: JobContext, codes: list[str], names: dict[str, str]) -> list[DocResult]:
    """The factsheets of ``codes`` (document names in ``names``), one PDF each."""
    from ..publish import factsheets  # lazily: the worker that needs it

    return factsheets.render_factsheets(ctx.data(), ctx.edition(), codes, str(ctx.staging), names=names)


register("theme", execute_theme)
register("theme-pdf", render_theme_pdf)
register("signals", signal_boards, lanes=True)
register("boardpack", board_pack)
register("factsheet", factsheet_batch)
