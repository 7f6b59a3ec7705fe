"""The jobs of a run on a Dask distributed cluster: ``signaal run --scheduler tcp://host:8786``.

Where one machine is not enough (every region of the country, every municipality), the same
jobs run on the workers of a Dask cluster (``pip install 'signaal[dask]'``); the run itself —
plan, reuse, scheduling order, carry-over, manifest, the swap into place — stays on the
machine that starts it, and so do the report folders. Without ``--scheduler`` (or
``SIGNAAL_DASK_SCHEDULER``) nothing changes.

What travels, so that the workers need no shared file system:

- **to the workers, once per run**: the vintage the run reads (its folder), ``data/manual``
  and ``data/geo`` of the data folder, and the folder of the theme notebooks, each as one
  archive scattered to every worker; a worker unpacks it once into its temporary folder
  (``signaal-dask/<checksum>/``) and reads the data and notebooks from there;
- **to a job**: its context and arguments, and the files of the run's folder it reads that
  earlier jobs made (a theme's executed notebook for its PDF; the executed notebooks and the
  signal board page for the board pack: :func:`~signaal.run.workers.inputs_of`);
- **back**: the documents' outcome, the stats of the worker, and every file the job wrote,
  which are written into the run's staging folder here (logs appended), then swapped into
  place as in any run.

Each worker runs one job at a time (a job redirects its process's stderr and environment, as
in the local pool), so start workers with ``--nthreads 1`` (more threads just wait); every
worker needs the same ``signaal`` installed (checked when the run connects: the code
fingerprint) and registers the notebook kernel itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import socket
import tarfile
import tempfile
import threading
import uuid
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..publish import outcome
from ..publish.outcome import DocResult, one_line, write_atomic
from ..store.vintage import Store
from .executors import Executor
from .incremental import code_fingerprint
from .job import JobContext
from .progress import Observer
from .workers import ensure_kernel, inputs_of, run_job

SKIP_FOLDERS = ("__pycache__", "scratch")  # and hidden files and folders: not shipped


def connect(address: str, observer: Observer | None = None) -> DaskExecutor:
    """An executor on the cluster of the scheduler at ``address``; one line when Dask is not
    installed, the scheduler cannot be reached, it has no workers, or a worker runs another
    ``signaal``."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            f"--scheduler {address} needs Dask: pip install 'signaal[dask]' (here and on every worker)"
        ) from None
    _probe(address)
    try:
        client = Client(address, set_as_default=False)  # waits distributed.comm.timeouts.connect (30 s)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _unreachable(address, one_line(exc)) from None
    try:
        if not client.nthreads():
            raise InputError(
                f"the Dask scheduler at {address} has no workers; start some with `dask worker {address} --nthreads 1`"
            )
        ours = code_fingerprint()
        other = {w: fp for w, fp in client.run(code_fingerprint).items() if fp != ours}
        if other:
            raise InputError(
                f"Dask worker {next(iter(other))} runs another signaal than this machine (its code differs); "
                "install the same signaal on every worker (pip install 'signaal[dask]' from the same source)"
            )
    except BaseException:
        client.close()
        raise
    return DaskExecutor(client, address, observer or Observer())


def _unreachable(address: str, why: str) -> InputError:
    return InputError(
        f"cannot reach the Dask scheduler at {address} ({why}); start one "
        f"(`dask scheduler`, then `dask worker {address} --nthreads 1`) or leave out --scheduler"
    )


def _probe(address: str) -> None:
    """One line at once for what is no scheduler address (tcp:// or tls://, host and port; a
    half-made ``Client`` would only complain a minute later, at exit) and for a host that refuses or does not resolve
    (which Dask would retry until its connect timeout)."""
    import dask
    from dask.utils import parse_timedelta
    from distributed.comm import get_address_host_port, parse_address

    try:
        protocol, _ = parse_address(address)
        if protocol not in ("tcp", "tls"):  # inproc is one process's; ucx and ws are not set up here
            raise ValueError(f"protocol {protocol}:// is not tcp:// or tls://")
        host, port = get_address_host_port(address)
    except ValueError as exc:
        raise InputError(
            f"--scheduler {address!r} is not a scheduler address ({exc}); expected e.g. tcp://host:8786"
        ) from None
    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), default="s")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except socket.gaierror:
        raise _unreachable(address, f"cannot resolve host {host!r}") from None
    except ConnectionRefusedError:
        raise _unreachable(address, "connection refused") from None
    except OSError as exc:
        raise _unreachable(address, one_line(exc)) from None


class DaskExecutor(Executor):
    """The workers of a Dask cluster (see the module's description)."""

    kind = "dask"

    def __init__(self, client, address: str, observer: Observer):
        self.client, self.address = client, address
        self.slots = max(1, sum(client.nthreads().values()))
        self.live: dict = {}  # future → the contexts of the job (where its files go)
        self.bundles: dict[tuple, object] = {}  # (what, where) → its scattered archive
        self.topic = f"signaal-progress-{uuid.uuid4().hex[:8]}"
        self.observer = observer  # who sees the jobs' progress (the run may set it later)
        client.subscribe_topic(self.topic, lambda event: self.observer.advanced(*event[1]))

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, kind: str, ctxs: tuple[JobContext, ...], args: dict):
        first = ctxs[0]
        data = self._bundle("data", str(first.data_dir), first.vintage)
        notebooks = self._bundle("notebooks", str(Path(args["notebook"]).parent)) if kind == "theme" else None
        needs = inputs_of(kind, args) if len(ctxs) == 1 else []
        inputs = [{rel: (first.staging / rel).read_bytes() for rel in needs if (first.staging / rel).is_file()}]
        inputs += [{} for _ in ctxs[1:]]
        fut = self.client.submit(
            remote_job,
            kind,
            ctxs,
            args,
            inputs,
            data,
            notebooks,
            self.topic,
            pure=False,
            key=f"signaal-{kind}-{uuid.uuid4().hex}",
        )
        self.live[fut] = ctxs
        return fut

    def wait(self, futures: list) -> list:
        from distributed import wait

        with self.client.as_current():
            return list(wait(futures, return_when="FIRST_COMPLETED").done)

    def result(self, future) -> tuple[list[DocResult], dict]:
        ctxs = self.live.pop(future)
        docs, stats, files = future.result()
        for ctx, written in zip(ctxs, files, strict=True):
            gather(ctx.staging, written)
        return docs, stats

    def cancel(self) -> None:
        if self.live:
            self.client.cancel(list(self.live))
            self.live.clear()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.unsubscribe_topic(self.topic)
        self.client.close()

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "slots": self.slots,
            "scheduler": self.address,
            "workers": len(self.client.nthreads()),
        }

    def _bundle(self, what: str, where: str, vintage: str = ""):
        """The archive of the data (or the notebooks) scattered to every worker, once."""
        key = (what, where, vintage)
        if key not in self.bundles:
            blob = data_archive(Path(where), vintage) if what == "data" else folder_archive(Path(where))
            self.bundles[key] = self.client.scatter(blob, broadcast=True, hash=False)
        return self.bundles[key]


def gather(staging: Path, files: dict[str, bytes]) -> None:
    """Write the files a job wrote on its worker into the run's staging folder: logs are
    appended to (a theme's log has its notebook's and its PDF's part), the rest replaced."""
    for rel, content in files.items():
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.startswith("logs/"):
            with open(target, "ab") as fh:
                fh.write(content)
        else:
            write_atomic(target, content)


# ---------------------------------------------------------------------------------------
# What travels to the workers
# ---------------------------------------------------------------------------------------
def _archive(members: list[tuple[Path, str]]) -> bytes:
    """A gzipped tar of ``(path, name in the archive)`` (folders with their files)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, name in members:
            if path.is_dir():
                for file in sorted(path.rglob("*")):
                    rel = file.relative_to(path)
                    if file.is_file() and not _skipped(rel):
                        tar.add(file, arcname=f"{name}/{rel.as_posix()}", recursive=False)
            elif path.is_file():
                tar.add(path, arcname=name, recursive=False)
    return buf.getvalue()


def _skipped(rel: Path) -> bool:
    return any(part.startswith(".") or part in SKIP_FOLDERS for part in rel.parts) or rel.suffix == ".pyc"


def data_archive(data_dir: Path, vintage: str) -> bytes:
    """What a run reads of the data folder: the vintage's folder, the curated tables
    (``manual``) and the cached boundaries (``geo``)."""
    found = Store(data_dir).resolve(vintage or None)
    members = [(found.path, found.path.relative_to(data_dir).as_posix())]
    members += [(data_dir / name, name) for name in ("manual", "geo") if (data_dir / name).is_dir()]
    return _archive(members)


def folder_archive(folder: Path) -> bytes:
    """A notebook folder (without hidden files and ``scratch/``)."""
    return _archive([(folder, "notebooks")])


def unpacked(blob: bytes) -> Path:
    """Where an archive is unpacked on this worker (once per worker machine: by checksum)."""
    digest = hashlib.sha256(blob).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "signaal-dask" / digest
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=target.parent))
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: only plain files and folders inside tmp
            tar.extractall(tmp, filter="data")
        else:  # pragma: no cover - our own archive (data_archive, folder_archive)
            tar.extractall(tmp)  # noqa: S202
    try:
        os.rename(tmp, target)
    except OSError:  # another worker process of this machine was first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# ---------------------------------------------------------------------------------------
# On the worker
# ---------------------------------------------------------------------------------------
_ONE_AT_A_TIME = threading.Lock()  # a job redirects its process's stderr and environment


class _Events:
    """Progress of a job on a worker, sent to the run as Dask events on ``topic``."""

    def __init__(self, topic: str):
        self.topic = topic

    def advanced(self, name: str, done: int, total: int, phase: str) -> None:
        from distributed import get_worker

        get_worker().log_event(self.topic, (name, done, total, phase))


def remote_job(
    kind: str,
    ctxs: tuple[JobContext, ...],
    args: dict,
    inputs: list[dict[str, bytes]],
    data: bytes,
    notebooks: bytes | None,
    topic: str,
) -> tuple[list[DocResult], dict, list[dict[str, bytes]]]:
    """A job on a Dask worker: the shipped data and notebooks unpacked (once), a staging
    folder of its own per lane with the files it reads, the job, and every file it wrote."""
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="signaal-job-") as tmp:
        data_dir = unpacked(data)
        if notebooks is not None:
            args = {**args, "notebook": str(unpacked(notebooks) / "notebooks" / Path(args["notebook"]).name)}
        local = []
        for i, (ctx, files) in enumerate(zip(ctxs, inputs, strict=True)):
            staging = Path(tmp) / str(i)
            for rel, content in files.items():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).write_bytes(content)
            staging.mkdir(exist_ok=True)
            local.append(replace(ctx, staging=staging, data_dir=data_dir))
        if kind == "theme":
            ensure_kernel()
        with outcome.inline_progress(_Events(topic)):
            docs, stats = run_job(kind, tuple(local), args)
        written = [_written(c.staging, files) for c, files in zip(local, inputs, strict=True)]
    return docs, stats, written


def _written(staging: Path, inputs: dict[str, bytes]) -> dict[str, bytes]:
    """The files of ``staging`` that the job wrote (all but the unchanged inputs)."""
    out = {}
    for file in sorted(staging.rglob("*")):
        rel = file.relative_to(staging).as_posix()
        if file.is_file():
            content = file.read_bytes()
            if inputs.get(rel) != content:
                out[rel] = content
    return out
