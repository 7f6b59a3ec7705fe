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
   replaces the published folder in one step; the replaced one goes to the archive.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from .carry import carry_over
from .documents import Documents
from .folder import clean_stale_staging, lock, staging_folder, swap_into_place
from .manifest import build_manifest, read_manifest, write_manifest
from .plan import Plan, RunResult, make_plan
from .progress import Observer
from .scheduler import Scheduler
from .workers import ensure_kernel


def execute(plan: Plan, progress: Observer | None = None) -> RunResult:
    """Run a validated plan."""
    observer = progress or Observer()
    with lock(plan.out):
        recovered = clean_stale_staging(plan.out)
        with staging_folder(plan.out) as staging:  # deleted if the run fails
            result = _execute(plan, staging, observer)
        result.recovered = recovered
        return result


def _execute(plan: Plan, staging: Path, observer: Observer) -> RunResult:
    """reuse → schedule → carry over → index → manifest → swap."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    published = read_manifest(plan.out)  # what the folder holds now (carried over below)
    documents = Documents(plan, staging, published, built=started)
    schedule = _schedule(plan, staging, documents, observer, t0)

    carried, not_carried = carry_over(published, plan, documents.results, staging)
    for doc in carried:
        documents.results[doc.name] = doc
    docs = documents.ordered()
    index = documents.index(docs)
    docs.append(index)
    observer.finished(index)
    documents.checksum(docs)
    manifest = build_manifest(
        plan,
        docs,
        started=started,
        t0=t0,
        schedule=schedule,
        not_carried=not_carried,
        fingerprints=documents.fingerprints,
    )
    write_manifest(staging, manifest)
    archived = swap_into_place(staging, plan.out)
    return RunResult(plan=plan, documents=docs, out=plan.out, archived=archived, manifest=manifest)


def _schedule(plan: Plan, staging: Path, documents: Documents, observer: Observer, t0: float) -> list[dict]:
    """Build what cannot be reused; the schedule (which job ran when)."""
    themes = documents.theme_jobs()
    factsheets = documents.factsheet_jobs()
    scheduler = Scheduler(plan.context(staging), documents, observer, plan.jobs, t0)
    scheduler.add(*themes, *documents.signals_jobs())
    if plan.board_pack:
        scheduler.defer(documents.pack_name, "boardpack", documents.board_pack)
    scheduler.add(*factsheets)
    observer.planned(plan, scheduler.to_build(), documents.reused())
    for doc in documents.rejected():
        observer.finished(doc)
    if themes:
        ensure_kernel()
    return scheduler.run()


def run(**kwargs) -> RunResult:
    """Validate the parameters, then run. Raises SignaalError for bad input."""
    return execute(make_plan(**kwargs))
