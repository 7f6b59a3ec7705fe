"""Warm kernels started by the run's command and handed over to its workers.

A worker process exists only once the forkserver has imported what workers need (about 1,5 s
on one core, :mod:`~signaal.run.forkserver`); a kernel the worker then started spent another
second starting a new interpreter and importing IPython, pandas, matplotlib and signaal again
before the first cell ran. The forkserver also imports what a kernel imports
(:mod:`~signaal.run.zygote`), so the command, as soon as it has planned a run with theme
notebooks, has one kernel per worker forked from it (:class:`Launched`, :func:`kernel_main`):
ready at once, its imports shared with the forkserver. Each worker takes one over as its warm
kernel (:class:`AdoptedProvisioner`): it watches, interrupts and kills it as if it had started
it, and a notebook that fails in it still gets the next notebook a new kernel of the worker's
own. The command ends and reaps its kernels when the pool has closed. Without a forkserver the
command starts them as new interpreters (jupyter_client), warming up as they start.

Linux only (:data:`CAN_ADOPT`): a kernel the worker did not start is not its child, so the
worker tells a dead one from a live one by ``/proc`` (a killed kernel stays a zombie until its
parent, the forkserver or the command, reaps it). Elsewhere every worker starts its own
kernel, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

from ..briefing.fresh import WARM_UP

CAN_ADOPT = os.path.isdir("/proc/self")
WARMED = "__import__('signaal.run.zygote', fromlist=['zygote']).warmed()"  # a forked kernel's warm-up, first


def running(pid: int | None) -> bool:
    """Whether process ``pid`` runs (Linux: a zombie, killed but not yet reaped, does not)."""
    if pid is None:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


class AdoptedProvisioner(KernelProvisionerBase):
    """The process of a kernel the command started, as a worker's kernel manager sees it
    (through a pidfd where there is one: a process id can be reused after its end)."""

    pid: int | None = None
    pgid: int | None = None
    pidfd: int | None = None

    @property
    def has_process(self) -> bool:
        return self.pid is not None

    def _running(self) -> bool:
        if self.pidfd is not None:
            import select

            return not select.select([self.pidfd], [], [], 0)[0]  # readable once it has ended
        return running(self.pid)

    async def poll(self) -> int | None:
        return None if self.pid is not None and self._running() else 0

    async def wait(self) -> int | None:
        while self.pid is not None and self._running():
            await asyncio.sleep(0.05)
        self.pid = None
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            if self.pgid:  # the kernel and what it started, as jupyter_client signals its own kernels
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pgid, signum)
                    return
            os.kill(self.pid, signum)

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        raise RuntimeError("a kernel handed over by the run is not launched again")

    async def cleanup(self, restart: bool = False) -> None:
        return None


def adopt(km, kernel: dict) -> None:
    """Make ``km`` (a worker's kernel manager, not started) the manager of the handed-over
    ``kernel`` (what :class:`Launched` put in the queue)."""
    km.load_connection_info(kernel["connection"])
    provisioner = AdoptedProvisioner(kernel_id=kernel["id"], kernel_spec=km.kernel_spec, parent=km)
    provisioner.pid, provisioner.pgid = kernel["pid"], kernel["pgid"]  # not traits: set, not passed
    if running(kernel["pid"]):
        with contextlib.suppress(AttributeError, OSError):  # Linux 5.3
            provisioner.pidfd = os.pidfd_open(kernel["pid"])
    km.provisioner = provisioner


def fresh_path(path: list[str], env: dict[str, str]) -> list[str]:
    """The module search path of a new interpreter, from ``path`` (the forkserver's: the run's
    command's, with its script's folder and what a test runner put in front): ``PYTHONPATH``,
    then the standard library and site-packages as ``path`` has them. (The kernel then adds
    the working folder, as IPython does.)"""
    import sysconfig

    stdlib = {
        os.path.join(sys.base_prefix, sys.platlibdir, f"python{sys.version_info[0]}{sys.version_info[1]}.zip"),
        sysconfig.get_path("stdlib"),
    }
    start = next((i for i, p in enumerate(path) if p in stdlib), 0)
    extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    return extra + path[start:]


def standard(cmd: list[str], connection_file: str) -> bool:
    """Whether the kernelspec's command is this interpreter's ``python [-Xfrozen_modules=off]
    -m ipykernel_launcher -f <connection file>`` (ours; the option only lets a debugger see
    frozen modules): only such a kernel is forked."""
    if len(cmd) < 5 or cmd[0] != sys.executable or cmd[-4:] != ["-m", "ipykernel_launcher", "-f", connection_file]:
        return False
    return all(arg == "-Xfrozen_modules=off" for arg in cmd[1:-4])


def _end_with(run_pid: int) -> None:
    """End this process when the run's process ends (a thread): a forked kernel's parent is the
    forkserver, which lives as long as any of its children holds its pipe."""
    import threading
    import time

    def watch() -> None:
        pidfd = None
        with contextlib.suppress(Exception):
            pidfd = os.pidfd_open(run_pid)  # Linux 5.3: readable when the process ends
        if pidfd is not None:
            import select

            select.select([pidfd], [], [])
        else:
            while running(run_pid):
                time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="signaal-end-with-run", daemon=True).start()


def kernel_main(cmd: list[str], connection_file: str, env: dict[str, str], log: str, cwd: str, run_pid: int) -> None:
    """A warm kernel forked from the forkserver, which imported what a kernel and a theme
    notebook import (:data:`~signaal.run.forkserver.PRELOAD`): set up as the kernelspec's
    ``cmd`` (``python -m ipykernel_launcher -f <connection_file>``) started by jupyter_client
    would be (a session of its own, the run's environment and working folder, a pipe for stdin,
    stderr to the run's kernel log), then IPython's kernel, warming up as it starts. It ends
    when the run's process or the forkserver does. Where the forkserver's imports are not a
    fresh kernel's, it becomes ``cmd``, a new interpreter."""
    os.setsid()  # a process group of its own, as jupyter_client starts kernels: signals go to it alone
    os.environ.clear()
    os.environ.update(env)
    stdin, _keep_open = os.pipe()  # as jupyter_client gives a kernel: a pipe nobody writes to
    os.dup2(stdin, 0)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(cwd)
    parent = f"--IPKernelApp.parent_handle={os.getppid()}"  # ends with the forkserver
    try:
        from . import zygote

        ready = zygote.like_fresh(env)
    except Exception:
        ready = False
    if not ready:  # the forkserver's imports are not a fresh kernel's: a new interpreter, as jupyter_client starts one
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)  # as Popen's close_fds
        os.execv(cmd[0], [*cmd, parent])
    from ipykernel import kernelapp

    _end_with(run_pid)
    zygote.start()
    sys.path[:] = fresh_path(sys.path, env)
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))  # multiprocessing may start it with -B
    sys.argv = [os.path.join(os.path.dirname(os.path.dirname(kernelapp.__file__)), "ipykernel_launcher.py")]
    sys.argv += ["-f", connection_file]
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # its own random state, as a new interpreter has (random reseeds itself at a fork)
    kernelapp.IPKernelApp.launch_instance(
        argv=[
            "-f",
            connection_file,
            parent,  # read from the environment at import, not now
            f"--IPKernelApp.exec_lines={WARMED}",
            f"--IPKernelApp.exec_lines={WARM_UP}",
        ]
    )


class Launched:
    """The kernels this process started for its workers: each one's details in ``queue``
    (None where a start failed: that worker starts its own), reaped by :meth:`close`.
    With ``fork_from`` (the forkserver's context) a kernel is a fork of the forkserver
    (:func:`kernel_main`), else a new interpreter started by jupyter_client."""

    def __init__(self, count: int, kernel_name: str, env: dict[str, str], log: Path, queue, fork_from=None):
        self.kernels: list[tuple[Any, str]] = []  # (kernel manager, its socket folder)
        self.forked: list[Any] = []  # the kernels' processes, where forked
        self.queue = queue
        log.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(count):
            kernel = None
            with contextlib.suppress(Exception):  # the worker then starts its own, and reports why it fails
                kernel = self._start(kernel_name, env, log, fork_from)
            queue.put(kernel)

    def _start(self, kernel_name: str, env: dict[str, str], log: Path, fork_from) -> dict:
        """One kernel, and what its worker needs to take it over (see :func:`adopt`)."""
        from jupyter_client.manager import KernelManager

        sockets = tempfile.mkdtemp(prefix="signaal-kernel-")  # local sockets, as a worker's own kernel has
        km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(sockets, "kernel"))
        self.kernels.append((km, sockets))
        km.write_connection_file()  # the channels' sockets and key
        cmd = km.format_kernel_cmd()
        if fork_from is not None and standard(cmd, km.connection_file):
            spec_env = dict(getattr(km.kernel_spec, "env", None) or {})
            process = fork_from.Process(
                target=kernel_main,
                args=(cmd, km.connection_file, env | spec_env, str(log), os.getcwd(), os.getpid()),
                name="signaal-kernel",
            )
            process.start()
            self.forked.append(process)
            pid = pgid = process.pid  # it starts a session of its own
        else:  # a new interpreter, as the kernelspec says, warming up as it starts
            with open(log, "ab") as err:  # its start-up chatter goes to the run's kernel log
                km.start_kernel(env=env, stderr=err, extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"])
            provisioner: Any = km.provisioner  # a LocalProvisioner, with the process's pid and group
            pid, pgid = provisioner.pid, provisioner.pgid
        return {
            "id": os.path.basename(km.connection_file),
            "pid": pid,
            "pgid": pgid,
            "sockets": sockets,
            "connection": km.get_connection_info(session=False),
        }

    def close(self) -> None:
        """End and reap every kernel started here (its worker normally ended it already)."""
        for process in self.forked:
            with contextlib.suppress(Exception):
                os.killpg(process.pid, signal.SIGKILL)  # its session: the kernel and what it started
            with contextlib.suppress(Exception):
                process.kill()
                process.join(5)
        for km, sockets in self.kernels:
            with contextlib.suppress(Exception):
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
                else:
                    km.cleanup_connection_file()
            shutil.rmtree(sockets, ignore_errors=True)
        self.kernels, self.forked = [], []
