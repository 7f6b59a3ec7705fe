"""What one document of a run produced, and how a worker reports its progress.

Shared by the quarterly run (:mod:`signaal.run`) and the builders that run in its worker
processes (theme notebooks, the board pack, factsheets), so that each can say what it wrote,
how long it took and, when it failed, which notebook, cell and error.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import select
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..files import write_atomic  # noqa: F401  (re-exported for the run modules)

# the file of a report folder that lists its documents (and makes it a report folder)
MANIFEST = "manifest.json"

# status of a document in a run and its manifest
BUILT, REUSED, FAILED, REJECTED = "built", "reused", "failed", "rejected"
# kept from the published folder although this run did not make it (a run of some themes or
# of another language never takes documents out of the quarter)
CARRIED = "carried"
# nothing to show (a factsheet of a region without figures); why is in ``notes["skipped"]``
SKIPPED = "skipped"
STATUSES = (BUILT, REUSED, CARRIED, SKIPPED, FAILED, REJECTED)


@dataclass
class DocResult:
    name: str  # "arbeidsmarkt", "bestuursbriefing", "gemeenten/GM0153-enschede"
    notebook: str | None  # the notebook a theme came from (None for the pack and factsheets)
    status: str  # built | reused | failed | rejected
    kind: str = "theme"  # theme | boardpack | factsheet | index
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None
    key: str | None = None
    checksums: dict[str, str] = field(default_factory=dict)
    built: str | None = None  # when the outputs were made (kept when they are reused)
    notes: dict = field(default_factory=dict)
    lang: str = "nl"  # the language of its outputs

    @property
    def ok(self) -> bool:
        """Its outputs are in the folder."""
        return self.status in (BUILT, REUSED, CARRIED)

    @property
    def theme(self) -> str:
        """The theme (notebook) a theme document was made from: ``talent`` for ``talent.en``."""
        return Path(self.notebook).stem if self.notebook else self.name

    @property
    def failed(self) -> bool:
        """It went wrong (a skipped document is not a failure: there was nothing to show)."""
        return self.status in (FAILED, REJECTED)

    def fail(self, what: str, exc: BaseException) -> DocResult:
        """Mark it failed by ``exc``: the traceback goes to the worker's stderr (the run's
        log), the one-line reason ``"<what> failed: <Type>: <message>"`` to the manifest."""
        traceback.print_exception(exc)
        self.status = FAILED
        self.error = f"{what} failed: {type(exc).__name__}: {one_line(exc)}"
        return self


def one_line(text: object) -> str:
    return " ".join(str(text).split())


# ---------------------------------------------------------------------------------------
# Progress from worker processes: (document, done, total, phase) tuples on a queue
# ---------------------------------------------------------------------------------------
_queue = None


def set_progress_queue(queue, run_pid: int | None = None) -> None:
    """Worker initialiser: where :func:`report` sends progress (None: nowhere); the worker
    ends with its parent and, given ``run_pid``, with the run (see :func:`_end_with_run`)."""
    global _queue
    _queue = queue
    _die_with_parent()
    if run_pid is not None and run_pid != os.getppid():
        _end_with_run(run_pid)
    _exit_promptly()


def report(name: str, done: int, total: int, phase: str = "") -> None:
    if _queue is not None:
        with contextlib.suppress(Exception):  # progress is a nicety; never fail a document for it
            _queue.put_nowait((name, done, total, phase))


class ProgressObserver(Protocol):
    def advanced(self, name: str, done: int, total: int, phase: str) -> None: ...


class _Inline:
    """A progress queue that hands each report straight to an observer (same process)."""

    def __init__(self, observer: ProgressObserver):
        self.observer = observer

    def put_nowait(self, item: tuple[str, int, int, str]) -> None:
        self.observer.advanced(*item)


@contextlib.contextmanager
def inline_progress(observer: ProgressObserver) -> Iterator[None]:
    """While inside, :func:`report` in this process goes straight to ``observer.advanced``
    (documents built in the run's own process: ``--jobs 1``)."""
    global _queue
    saved = _queue
    _queue = _Inline(observer)
    try:
        yield
    finally:
        _queue = saved


class _Tagged:
    """A progress queue that names the report folder (region) a document belongs to."""

    def __init__(self, queue, tag: str):
        self.queue, self.tag = queue, tag

    def put_nowait(self, item: tuple[str, int, int, str]) -> None:
        name, *rest = item
        self.queue.put_nowait((f"{self.tag}:{name}", *rest))


@contextlib.contextmanager
def tagged_progress(tag: str) -> Iterator[None]:
    """While inside, :func:`report` names documents ``<tag>:<name>`` (a run of several regions
    tags them with the region, since each region has a ``wonen``); no tag: unchanged."""
    global _queue
    saved = _queue
    if tag and saved is not None:
        _queue = _Tagged(saved, tag)
    try:
        yield
    finally:
        _queue = saved


def _exit_promptly() -> None:
    """A worker is told to stop only after its last result was delivered; tearing down the
    interpreter (pandas, matplotlib, WeasyPrint) would then keep the whole run waiting about a
    second, so it leaves at once."""
    atexit.register(os._exit, 0)


def _end_with_run(pid: int) -> None:
    """End this worker (SIGTERM, as :func:`_die_with_parent` does) when the run's process
    ``pid`` ends, also when the run is not its parent: a worker forked by a forkserver is the
    server's child, and the server lives as long as its workers do."""

    server = os.getppid()  # the forkserver that forked this worker

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)  # Linux: readable when the process ends
        except (AttributeError, OSError):
            fd = None
        while True:
            if fd is not None:
                select.select([fd], [], [])
                break
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(0.2)
        if os.getppid() == server:  # still the forkserver (not whoever adopted this worker):
            with contextlib.suppress(OSError):  # it served only the run, and would take a second
                os.kill(server, signal.SIGKILL)  # to unload what it imported
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="signaal-end-with-run", daemon=True).start()


def _die_with_parent() -> None:
    """On Linux, end a worker when the run that started it is killed (no orphans writing
    into a staging folder that the next run cleans up)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass
