"""Warm kernels: a papermill engine that runs a worker's theme notebooks in one kernel, started
once and reused, instead of a fresh kernel per notebook.

A fresh kernel costs every notebook its start and the imports of pandas, matplotlib and signaal
(about 1,5 s of CPU on a quiet machine), on the run's critical path. A worker process keeps one
kernel (:class:`WarmKernel`): started by the run's command and handed over to the worker as it
starts (:mod:`~signaal.run.handover`), else started by the worker, it imports what every theme
imports (:func:`signaal.briefing.fresh.warm_up`) before the first notebook; before
each notebook it is reset to the state of a fresh kernel after those imports
(:func:`signaal.briefing.fresh.reset`, then ``%reset``: the namespace cleared, the execution
count back at 1), so the executed notebook is the same as with a fresh kernel. A kernel that
failed, timed out or died is shut down and the next notebook gets a new one; so is one started
with other ``SIGNAAL_*`` settings (another data folder). ``SIGNAAL_WARM_KERNELS=0`` turns this
off (a fresh kernel per notebook, papermill's own engine).

The engine is registered with papermill as ``signaal-warm`` here, when the run's workers import
this module; not as a ``papermill.engine`` entry point: papermill loads those while it imports
itself, and this module imports papermill, so importing it first would be a circle.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_event_loop, run_sync
from nbclient.util import run_hook
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from ..briefing.fresh import RESET, WARM_UP

ENGINE = "signaal-warm"
READY_TIMEOUT = 120.0  # seconds the warm-up imports and a reset may take


def enabled() -> bool:
    """Whether theme notebooks run in warm kernels (``SIGNAAL_WARM_KERNELS=0``: not)."""
    from .. import config

    return config.warm_kernels()


def _settings() -> tuple[tuple[str, str], ...]:
    """What a kernel inherits from the worker and a notebook may read: the ``SIGNAAL_*`` settings."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("SIGNAAL_")))


class WarmKernel:
    """One kernel of this worker process, warmed up, reused notebook after notebook."""

    kc: Any = None  # its client, asynchronous as nbclient's: the notebooks run through it too (WarmClient)
    loop: Any = None  # the event loop the client's sockets work with

    def __init__(self, kernel_name: str, handed: dict | None = None):
        from jupyter_client.manager import AsyncKernelManager

        self.key = (kernel_name, _settings())
        _shut_down_at_exit()
        # its channels as local sockets in a folder of its own, not TCP ports on 127.0.0.1: no
        # port another process can take between choosing and binding it, and no other user
        # on the machine can connect to it
        self.sockets = handed["sockets"] if handed else tempfile.mkdtemp(prefix="signaal-kernel-")
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(self.sockets, "kernel"))
        if handed:  # started by the run's command (see signaal.run.handover)
            from .handover import adopt

            adopt(self.km, handed)
        else:
            run_sync(self.km.start_kernel)()
        try:
            self._connect()
        except Exception:
            self.shutdown()
            raise
        self.warming = self.kc.execute(WARM_UP, silent=True, store_history=False)  # not waited for here

    def _connect(self) -> None:
        """A client of the kernel, connected on the event loop of this thread and context, the
        one ``run_sync`` uses."""
        self.kc = self.km.client()
        self.kc.start_channels()
        self.loop = ensure_event_loop()
        run_sync(self._connected)(READY_TIMEOUT)

    def _on_this_loop(self) -> None:
        """A client's sockets work with one event loop: where ``run_sync`` now uses another (a
        Dask worker runs each job in a context of its own, which gets a loop of its own), the
        kernel gets a new client (a warm-up not yet answered is asked again through it)."""
        if ensure_event_loop() is self.loop:
            return
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        self._connect()
        if self.warming:
            self.warming = self.kc.execute(WARM_UP, silent=True, store_history=False)

    async def _connected(self, timeout: float) -> None:
        """Wait until the kernel answers on its shell channel and this client receives what it
        publishes on IOPub: jupyter_client's ``wait_for_ready`` without its last step, which
        reads IOPub until it has been quiet for 0,2 s (a worker idle that long). What is left
        on IOPub answers no request of a notebook's, so nbclient passes over it. (The kernel
        speaks the client's protocol, so the reply's version needs no adapting.)"""
        deadline = time.monotonic() + timeout
        while True:
            self.kc.kernel_info()
            with contextlib.suppress(Empty):
                reply = await self.kc.get_shell_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.kc.get_iopub_msg(timeout=0.2)  # connected: the kernel's status for the request came
                    return
            if not await self.kc.is_alive():
                raise RuntimeError("warm kernel: died before it answered")
            if time.monotonic() > deadline:
                raise RuntimeError(f"warm kernel: no answer in {timeout:g} s")

    async def _reply(self, msg_id: str) -> None:
        """Wait for the reply to ``msg_id``; a kernel that died meanwhile is said at once."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                msg = await self.kc.get_shell_msg(timeout=1)
            except Empty:
                if not await self.kc.is_alive():
                    raise RuntimeError("warm kernel: died") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"warm kernel: no answer in {READY_TIMEOUT:g} s") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                content = msg["content"]
                if content.get("status") != "ok":
                    raise RuntimeError(f"warm kernel: {content.get('ename')}: {content.get('evalue')}")
                return

    def fresh(self, cwd: str) -> None:
        """Wait for the warm-up, then reset to a fresh kernel's state, working in ``cwd``."""
        self._on_this_loop()
        if self.warming:
            run_sync(self._reply)(self.warming)
            self.warming = ""
        run_sync(self._reply)(self.kc.execute(RESET.format(cwd=cwd), silent=True, store_history=False))

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)
        shutil.rmtree(self.sockets, ignore_errors=True)

    def peak_mb(self) -> float:
        """The kernel's peak memory so far in MB (Linux; 0 elsewhere)."""
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        with contextlib.suppress(OSError, ValueError, TypeError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0


_kernel: WarmKernel | None = None  # this process's


def take(kernel_name: str, cwd: str) -> WarmKernel:
    """This process's kernel, reset for a new notebook in ``cwd`` (started when there is none or
    it was started with other settings)."""
    global _kernel
    if _kernel is not None and _kernel.key != (kernel_name, _settings()):
        discard()
    if _kernel is None:
        try:
            _kernel = WarmKernel(kernel_name)
        except RuntimeError:  # died at start (once a port clash over TCP; now local sockets): once more
            _kernel = WarmKernel(kernel_name)
    try:
        _kernel.fresh(cwd)
    except Exception:
        discard()
        raise
    return _kernel


def prestart(kernel_name: str, handed: dict | None = None) -> None:
    """Start this process's kernel now (a worker's start: its warm-up imports run while the
    worker waits for its first job), or take over ``handed``, a kernel the run's command
    started for it (:mod:`signaal.run.handover`). One that does not start, or that died before
    it was taken over, is left to the first notebook, which starts a new one and reports why
    that failed."""
    global _kernel
    if _kernel is None and enabled():
        with contextlib.suppress(Exception):
            _kernel = WarmKernel(kernel_name, handed)


def discard() -> None:
    """Shut this process's kernel down (its state is unknown: a notebook failed in it)."""
    global _kernel
    kernel, _kernel = _kernel, None
    if kernel is not None:
        kernel.shutdown()


def peak_mb() -> float:
    """The peak memory of this process's kernel while it runs (0 without one)."""
    return _kernel.peak_mb() if _kernel is not None else 0.0


_hooked = 0  # the process whose exit shuts its kernel down


def _shut_down_at_exit() -> None:
    """Shut this process's kernel down when it ends: at interpreter exit, and in a worker
    process, which does not run ``atexit``, by multiprocessing's own exit hook. Hooked when a
    process starts its first kernel: a worker forked from a forkserver that imported this
    module begins with multiprocessing's hooks cleared."""
    global _hooked
    if _hooked == os.getpid():
        return
    _hooked = os.getpid()
    atexit.register(discard)
    with contextlib.suppress(Exception):
        from multiprocessing import util

        util.Finalize(None, discard, exitpriority=10)


def _failed(nb) -> bool:
    return any(out.get("output_type") == "error" for cell in nb.cells for out in cell.get("outputs") or [])


class WarmClient(PapermillNotebookClient):
    """papermill's notebook client, through the warm kernel's own client (:attr:`warm_kc`),
    connected once when the kernel started. nbclient would connect a new client for every
    notebook and wait until it is ready, which ends by reading IOPub until it has been quiet for
    0,2 s: 0,2 s per notebook in which the worker does nothing. Replies and outputs are matched
    to the request of the cell, so what a reset or an earlier notebook left on the channels is
    passed over, as nbclient passes over what other clients of a kernel cause."""

    warm_kc: Any = None

    async def async_start_new_kernel_client(self) -> Any:
        self.kc = self.warm_kc
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, in this worker's warm kernel (:func:`take`)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        kernel = take(kernel_name, os.getcwd())  # papermill runs the engine in the notebook's cwd
        client = WarmClient(nb_man, km=kernel.km, **final_kwargs)
        client.warm_kc = kernel.kc
        try:
            nb = client.execute()
            if _failed(nb):  # papermill raises for a failed cell only after the engine returns
                discard()
            return nb
        except BaseException:
            discard()  # failed, timed out or died: the next notebook gets a new kernel
            raise


papermill_engines.register(ENGINE, WarmEngine)
