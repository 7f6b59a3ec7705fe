"""A warm kernel runs a notebook exactly as a fresh kernel does (signaal.run.kernels).

The first notebook leaves behind what a reused kernel could carry over: a variable, a changed
matplotlib setting, a warning already shown, the house stylesheet already sent, another working
folder, a later execution count, and a reply and output on the kernel's channels that nobody
read, which the next notebook's connection passes over. The second notebook, run after it in
the same warm kernel, must have the same outputs as when it runs alone in a fresh kernel."""

from __future__ import annotations

import contextvars
import json
import os
import queue
import re
import signal
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.e2e
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="kernels are handed over on Linux only")

DIRTY = [
    "x = 1\nimport os, warnings, matplotlib\nos.chdir('/')\nmatplotlib.rcParams['lines.linewidth'] = 7",
    "warnings.warn('shown once per place')",
    "from signaal.briefing import style\nstyle.stylesheet_due()",
    "x",
]
PROBE = [
    "import os, warnings, matplotlib\nprint('x' in globals(), os.path.basename(os.getcwd()))",
    "print(matplotlib.rcParams['lines.linewidth'])",
    "warnings.warn('shown once per place')",
    "from signaal.briefing import style\nprint(style.stylesheet_due())",
    "len(In)",
]


def _notebook(path, sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "signaal", "display_name": "Signaal", "language": "python"}
    nbformat.write(nb, path)
    return str(path)


def _outputs(path):
    """Each code cell's count and outputs (a warning names the kernel's process, as in any two kernels)."""
    nb = json.loads(re.sub(r"ipykernel_\d+", "ipykernel_N", path.read_text("utf-8")))
    return [(c["execution_count"], c["outputs"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_a_reused_kernel_gives_the_outputs_of_a_fresh_one(tmp_path, monkeypatch):
    import papermill as pm

    from signaal import config
    from signaal.run import kernels
    from signaal.run.workers import ensure_kernel

    ensure_kernel()
    folder = tmp_path / "nb"
    folder.mkdir()
    dirty, probe = _notebook(folder / "dirty.ipynb", DIRTY), _notebook(folder / "probe.ipynb", PROBE)
    run = dict(kernel_name=config.KERNEL_NAME, cwd=str(folder), progress_bar=False)
    try:
        pm.execute_notebook(dirty, str(tmp_path / "dirty.out.ipynb"), engine_name=kernels.ENGINE, **run)
        first = kernels._kernel
        assert first is not None
        first.kc.execute("print('left on the channels'); 1 + 1")  # its reply and output: never read
        pm.execute_notebook(probe, str(tmp_path / "warm.ipynb"), engine_name=kernels.ENGINE, **run)
        assert kernels._kernel is first  # the same kernel ran both
        # a Dask worker runs each job in a context of its own, with an event loop of its own
        contextvars.Context().run(
            pm.execute_notebook, probe, str(tmp_path / "warm-again.ipynb"), engine_name=kernels.ENGINE, **run
        )
        assert kernels._kernel is first
    finally:
        kernels.discard()
    pm.execute_notebook(probe, str(tmp_path / "fresh.ipynb"), **run)  # papermill's own engine
    fresh = _outputs(tmp_path / "fresh.ipynb")
    assert _outputs(tmp_path / "warm.ipynb") == fresh
    assert _outputs(tmp_path / "warm-again.ipynb") == fresh
    assert "shown once per place" in json.dumps(fresh[2])  # the probe would see a warning carried over


def test_a_notebook_that_fails_leaves_no_kernel_behind(tmp_path):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from signaal import config
    from signaal.run import kernels
    from signaal.run.workers import ensure_kernel

    ensure_kernel()
    bad = _notebook(tmp_path / "bad.ipynb", ["raise ValueError('boom')"])
    with pytest.raises(PapermillExecutionError):
        pm.execute_notebook(
            bad, str(tmp_path / "out.ipynb"), engine_name=kernels.ENGINE, kernel_name=config.KERNEL_NAME
        )
    assert kernels._kernel is None  # its state is unknown: the next notebook gets a new kernel


# ---------------------------------------------------------------------------------------
# Kernels the run's command starts and hands over to its workers (signaal.run.handover)
# ---------------------------------------------------------------------------------------
def _children(pid: int) -> list[tuple[int, str]]:
    """The kernel processes whose parent is ``pid`` (zombies included), with their state."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and ("ipykernel" in cmdline or state == "Z"):
            found.append((int(entry), state))
    return found


@pytest.fixture(params=["forked", "started"])
def handed(request, tmp_path):
    """One kernel started by this process as the run's command starts them, and its details:
    forked from the forkserver (which imported what a kernel imports), or a new interpreter."""
    from signaal import config
    from signaal.run import handover
    from signaal.run.forkserver import prestart, worker_context
    from signaal.run.workers import ensure_kernel

    ensure_kernel()
    fork_from = None
    if request.param == "forked":
        assert prestart()
        fork_from = worker_context()
    box: queue.Queue = queue.Queue()
    log = tmp_path / "kernels.log"
    launched = handover.Launched(1, config.KERNEL_NAME, dict(os.environ), log, box, fork_from=fork_from)
    kernel = box.get_nowait()
    assert kernel is not None and handover.running(kernel["pid"])
    if request.param == "forked":  # a fork of the forkserver, in a session of its own (as it starts)
        assert "ipykernel_launcher" not in Path(f"/proc/{kernel['pid']}/cmdline").read_text()
        deadline = time.monotonic() + 30
        while os.getsid(kernel["pid"]) != kernel["pid"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert os.getsid(kernel["pid"]) == kernel["pid"] != os.getsid(0)
    yield kernel
    launched.close()
    assert not handover.running(kernel["pid"])


# what a handed-over kernel must have as a fresh one has it: matplotlib's backend and settings,
# the warning filters, the environment (but the kernel's parent), the module search path, the
# logging set-up, and a pyplot figure shown in the notebook
SETUP = [
    "import logging, os, sys, warnings, matplotlib\n"
    "print(matplotlib.get_backend(), sorted((k, repr(v)) for k, v in matplotlib.rcParams.items()))\n"
    "print([(a, b and b.pattern, c.__name__, d and getattr(d, 'pattern', d), e) for a, b, c, d, e in warnings.filters])\n"
    "print(sorted((k, v) for k, v in os.environ.items() if not k.startswith(('JPY_', 'PYTEST_'))), sys.path)\n"
    "print(logging.root.level, logging.root.handlers, sorted(logging.root.manager.loggerDict)[:0])",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
]


def _shown(path):
    outs = _outputs(path)
    return [outs[0][1], [sorted(o.get("data", {})) for o in outs[1][1]]]


@needs_proc
def test_a_handed_over_kernel_is_warm_and_gives_the_outputs_of_a_fresh_one(tmp_path, handed):
    import papermill as pm

    from signaal import config
    from signaal.run import kernels

    folder = tmp_path / "nb"
    folder.mkdir()
    dirty, probe = _notebook(folder / "dirty.ipynb", DIRTY), _notebook(folder / "probe.ipynb", PROBE)
    setup = _notebook(folder / "setup.ipynb", SETUP)
    run = dict(kernel_name=config.KERNEL_NAME, cwd=str(folder), progress_bar=False)
    maps, deadline = Path(f"/proc/{handed['pid']}/maps"), time.monotonic() + 60
    while "pandas/_libs" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "pandas/_libs" in maps.read_text()  # warm before a worker takes it over
    try:
        kernels.prestart(config.KERNEL_NAME, handed)
        assert kernels._kernel is not None and kernels._kernel.km.provisioner.pid == handed["pid"]
        pm.execute_notebook(setup, str(tmp_path / "setup.warm.ipynb"), engine_name=kernels.ENGINE, **run)
        pm.execute_notebook(dirty, str(tmp_path / "dirty.out.ipynb"), engine_name=kernels.ENGINE, **run)
        pm.execute_notebook(probe, str(tmp_path / "warm.ipynb"), engine_name=kernels.ENGINE, **run)
        assert kernels._kernel is not None and kernels._kernel.km.provisioner.pid == handed["pid"]  # all in it
    finally:
        kernels.discard()
    assert not handover_running(handed["pid"])  # ended with the worker's kernel
    pm.execute_notebook(setup, str(tmp_path / "setup.fresh.ipynb"), **run)  # papermill's own engine
    pm.execute_notebook(probe, str(tmp_path / "fresh.ipynb"), **run)
    assert _outputs(tmp_path / "warm.ipynb") == _outputs(tmp_path / "fresh.ipynb")
    fresh = _shown(tmp_path / "setup.fresh.ipynb")
    assert _shown(tmp_path / "setup.warm.ipynb") == fresh and fresh[1] == [["image/png", "text/plain"]]


def handover_running(pid: int) -> bool:
    from signaal.run import handover

    return handover.running(pid)


@needs_proc
def test_a_handed_over_kernel_that_died_is_replaced_by_a_new_one(tmp_path, handed):
    import papermill as pm

    from signaal import config
    from signaal.run import kernels

    os.kill(handed["pid"], signal.SIGKILL)
    while handover_running(handed["pid"]):
        time.sleep(0.01)
    kernels.prestart(config.KERNEL_NAME, handed)
    assert kernels._kernel is None  # not taken over: the first notebook starts a kernel of its own
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    try:
        pm.execute_notebook(
            probe, str(tmp_path / "out.ipynb"), engine_name=kernels.ENGINE, kernel_name=config.KERNEL_NAME
        )
        assert kernels._kernel is not None and kernels._kernel.km.provisioner.pid != handed["pid"]
    finally:
        kernels.discard()
    assert "".join(_outputs(tmp_path / "out.ipynb")[0][1][0]["text"]).startswith("False ")  # a fresh namespace


@needs_proc
def test_a_run_hands_its_kernels_to_the_workers_and_ends_them(tmp_path, root, monkeypatch):
    """A run with two workers: the theme runs in a kernel the run started (not one its worker
    started), and no kernel the run started still runs after it."""
    from signaal.run import execute, handover, make_plan

    started: list[int] = []
    launched = handover.Launched

    class Recorded(launched):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.extend(p.pid for p in self.forked)
            started.extend(km.provisioner.pid for km, _ in self.kernels if km.has_kernel)

    monkeypatch.setattr(handover, "Launched", Recorded)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(root / "notebooks" / "wonen.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell("import os\nprint('kernel', os.getpid(), open('/proc/self/cmdline').read())")
    )
    nbformat.write(nb, notebooks / "wonen.ipynb")
    plan = make_plan(quarter="2026Q3", themes="wonen", notebooks=notebooks, out=tmp_path / "2026Q3", jobs=2)
    result = execute(plan)
    assert result.ok, [d.error for d in result.documents if d.failed]
    executed = nbformat.read(tmp_path / "2026Q3" / "notebooks" / "wonen.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert len(started) == 2 and any(f"kernel {pid} " in printed for pid in started), (started, printed)
    assert "multiprocessing.forkserver" in printed  # forked from the forkserver, not a new interpreter
    assert not [pid for pid in started if handover.running(pid)]
    assert _children(os.getpid()) == []  # nothing left for this process to reap


@needs_proc
def test_a_kernel_forked_where_the_forkserver_is_not_like_a_fresh_kernel_starts_a_new_interpreter(tmp_path):
    """The forkserver imported matplotlib with the backend a fresh kernel gets; a run with
    another ``MPLBACKEND`` gets a kernel of its own interpreter, with that backend."""
    import papermill as pm

    from signaal import config
    from signaal.run import handover, kernels
    from signaal.run.forkserver import prestart, worker_context
    from signaal.run.workers import ensure_kernel

    ensure_kernel()
    assert prestart()
    box: queue.Queue = queue.Queue()
    env = dict(os.environ, MPLBACKEND="agg")
    launched = handover.Launched(1, config.KERNEL_NAME, env, tmp_path / "k.log", box, fork_from=worker_context())
    handed = box.get_nowait()
    nb = _notebook(tmp_path / "b.ipynb", ["import matplotlib\nprint(matplotlib.get_backend())"])
    try:
        kernels.prestart(config.KERNEL_NAME, handed)
        assert kernels._kernel is not None and kernels._kernel.km.provisioner.pid == handed["pid"]
        assert "ipykernel_launcher" in Path(f"/proc/{handed['pid']}/cmdline").read_text()  # a new interpreter
        pm.execute_notebook(nb, str(tmp_path / "b.out.ipynb"), engine_name=kernels.ENGINE, kernel_name="signaal")
    finally:
        kernels.discard()
        launched.close()
    assert "".join(_outputs(tmp_path / "b.out.ipynb")[0][1][0]["text"]).lower() == "agg\n"
