"""The quarterly run: every theme notebook, the board pack, the factsheets, one folder.

papermill executes one notebook in one fresh kernel and does nothing else; the run does the
rest (PRODUCT.md §1, §7, §9, §10), in this order:

1. **plan** (:mod:`~signaal.run.plan`) — every parameter validated before anything is
   written; every ``*.ipynb`` in ``notebooks/`` with a ``parameters`` cell is a theme
   (:mod:`~signaal.run.themes`);
2. **reuse** (:mod:`~signaal.run.documents`, :mod:`~signaal.run.incremental`) — documents
   whose cache key matches the published folder are hard-linked from it, the others become jobs;
3. **schedule** (:mod:`~signaal.run.scheduler`, :mod:`~signaal.run.workers`) — the jobs run
   in ``--jobs`` worker processes; a failing notebook is reported with notebook, cell and
   error, its executed notebook is kept, the others publish;
4. **carry over** (:mod:`~signaal.run.carry`) — a run of some themes or of another language
   keeps every published document it does not make itself;
5. **index** (:mod:`signaal.publish.site`) and **manifest** (:mod:`~signaal.run.manifest`);
6. **swap** (:mod:`~signaal.run.folder`) — all of it was built in a staging folder, which now
   replaces the published folder in one step; the replaced one goes to the archive. A run
   that would lose a document the published folder has (its board pack, a theme, a
   factsheet … failed) is set aside beside it instead, unless ``--allow-partial``.

A full disk (or another write error) at any step ends the run with one line: the staging
folder is removed and the published folder is as it was (:class:`OutputError`).
"""

from __future__ import annotations

import datetime as dt
import errno
import re
import shutil
import time
from pathlib import Path

from ..errors import SignaalError
from ..publish.outcome import BUILT, CARRIED, REUSED, DocResult
from .carry import carry_over
from .documents import Documents
from .executors import Executor, wait_closed
from .folder import clean_stale_staging, lock, set_aside, staging_folder, swap_into_place
from .manifest import build_manifest, read_manifest, write_manifest
from .plan import EXIT_OUTPUT, Plan, RunResult, make_plan
from .progress import Observer
from .scheduler import Job, Scheduler
from .workers import KERNEL_LOG, RUN_LOG, ensure_kernel

# errors of writing the run's files that are the machine's, not a bug: one line, not a traceback
WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EBUSY}
NO_SPACE = re.compile(r"\[Errno (28|122)\]|No space left on device|Disk quota exceeded")


def _no_space(doc: DocResult) -> bool:
    return doc.failed and NO_SPACE.search(doc.error or "") is not None


class OutputError(SignaalError):
    """The run's files could not be written (a full disk, a read-only folder); nothing was published."""

    exit_code = EXIT_OUTPUT


def _output_error(plan: Plan, problem: str, where: str) -> OutputError:
    try:
        free = f" ({shutil.disk_usage(plan.out.parent).free / 1024 / 1024:.1f} MB free)"
    except OSError:
        free = ""
    if NO_SPACE.search(problem) or "No space" in problem:
        problem = f"no space left on the device of {plan.out.parent}{free}"
    return OutputError(
        f"{problem} {where}; nothing was published and {plan.out} is as it was; "
        "free some space (or make the folder writable) and run again"
    )


def execute(plan: Plan, progress: Observer | None = None, executor: Executor | None = None) -> RunResult:
    """Run a validated plan (``executor``: where its jobs run; by default this machine)."""
    observer = progress or Observer()
    try:
        return _execute(plan, observer, executor)
    finally:
        wait_closed()  # the workers and kernels have ended when the run returns


def _execute(plan: Plan, observer: Observer, executor: Executor | None) -> RunResult:
    try:
        with lock(plan.out):
            recovered = clean_stale_staging(plan.out)
            with staging_folder(plan.out) as staging:  # deleted if the run fails
                folder = Folder(plan, staging, observer, time.perf_counter())
                scheduler = Scheduler(plan.context(staging), folder.documents, observer, plan.jobs, folder.t0, executor)
                scheduler.stop_after = _no_space  # the disk is full: the run ends (see Folder.finish)
                folder.queue(scheduler, folder.signals_jobs())
                scheduler.run()
                result = folder.finish(scheduler.of_lane(""), scheduler.used)
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        where = f"while writing {exc.filename}" if exc.filename else "while writing the run's files"
        raise _output_error(plan, exc.strerror or str(exc), where) from None
    result.recovered = recovered
    return result


def lost_documents(published: dict | None, docs: list[DocResult]) -> list[str]:
    """The documents this run failed that the published folder has (and its board pack: a
    quarter without one is never worse than one with)."""
    if not published:
        return []
    had = {d.get("name") for d in published.get("documents") or [] if d.get("status") in (BUILT, REUSED, CARRIED)}
    return [d.name for d in docs if d.failed and (d.name in had or d.kind == "boardpack")]


class Folder:
    """One report folder of a run, built in ``staging``: reuse → (its jobs, scheduled with
    the others) → carry over → index → manifest → swap (or set aside). A run of one region has
    one; a run of several regions one per region (:mod:`~signaal.run.regions`)."""

    def __init__(self, plan: Plan, staging: Path, observer: Observer, t0: float):
        self.plan, self.staging, self.observer, self.t0 = plan, staging, observer, t0
        self.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.published = read_manifest(plan.out)  # what the folder holds now (carried over below)
        self.documents = Documents(plan, staging, self.published, built=self.started)

    def signals_jobs(self) -> list[Job]:
        return self.documents.signals_jobs()

    def queue(self, scheduler: Scheduler, signals: list[Job], lane: str = "") -> None:
        """Queue what cannot be reused in ``lane`` (``signals``: its signals job, or the batch
        of regions that makes its signals, already queued when empty)."""
        documents, plan = self.documents, self.plan
        themes = documents.theme_jobs()
        factsheets = documents.factsheet_jobs()
        scheduler.add(*themes, *signals, lane=lane)
        if plan.board_pack:
            scheduler.defer(documents.pack_name, "boardpack", documents.board_pack, lane=lane)
        scheduler.add(*factsheets, lane=lane)
        to_build = scheduler.to_build(lane)
        self.observer.planned(plan, to_build, documents.reused())
        for doc in documents.rejected():
            self.observer.finished(doc)
        if themes:
            ensure_kernel()
        if to_build:  # its index is made at the end: what that loads, now, while the forkserver imports
            from ..publish.site import prepare

            prepare()

    def no_space(self) -> DocResult | None:
        """A document that failed because the disk is full (the run then ends)."""
        return next((d for d in self.documents.results.values() if _no_space(d)), None)

    def finish(self, schedule: list[dict], executor: dict | None = None) -> RunResult:
        """carry over → index → manifest → swap (or set aside); ``schedule``: its jobs;
        ``executor``: where they ran (None: nothing was built)."""
        plan, staging, documents = self.plan, self.staging, self.documents
        full = self.no_space()
        if full is not None:
            raise _output_error(plan, full.error or "", f"while making {full.name}")
        carried, not_carried = carry_over(self.published, plan, documents.results, staging)
        for doc in carried:
            documents.results[doc.name] = doc
        docs = documents.ordered()
        # checksums first: the index's key lists them, as a re-run reads them from the manifest
        # (else the first no-change re-run rebuilds the index)
        documents.checksum(docs)
        index = documents.index(docs)
        docs.append(index)
        self.observer.finished(index)
        documents.checksum([index])
        manifest = build_manifest(
            plan,
            docs,
            started=self.started,
            t0=self.t0,
            schedule=schedule,
            not_carried=not_carried,
            fingerprints=documents.fingerprints,
            executor=executor,
        )
        for key, name in (("log", RUN_LOG), ("kernel_log", KERNEL_LOG)):
            log = staging / name
            if log.exists() and log.stat().st_size == 0:
                log.unlink()
            if log.exists():  # what the board pack, signals and factsheets, or the kernels, wrote to stderr
                manifest[key] = name
        lost = [] if plan.allow_partial else lost_documents(self.published, docs)
        if lost:
            manifest["published"] = False
            manifest["not_published"] = {"kept": str(plan.out), "lost": lost}
        if self.published and not lost and all(d.status == REUSED for d in docs):
            # nothing changed: the published folder is up to date and stays as it is, no copy of
            # it in the archive (which the index would list); its manifest records this run
            manifest["up_to_date"] = True
            write_manifest(plan.out, manifest)
            shutil.rmtree(staging, ignore_errors=True)
            return RunResult(plan=plan, documents=docs, out=plan.out, archived=None, manifest=manifest)
        write_manifest(staging, manifest)
        if lost:
            aside = set_aside(staging, plan.out)
            return RunResult(plan=plan, documents=docs, out=aside, archived=None, manifest=manifest, lost=lost)
        archived = swap_into_place(staging, plan.out)
        return RunResult(plan=plan, documents=docs, out=plan.out, archived=archived, manifest=manifest)


def run(**kwargs) -> RunResult:
    """Validate the parameters, then run. Raises SignaalError for bad input."""
    return execute(make_plan(**kwargs))
