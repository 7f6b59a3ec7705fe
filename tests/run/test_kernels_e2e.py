"""A warm kernel runs a notebook exactly as a fresh kernel does (signaal.run.kernels).

The first notebook leaves behind what a reused kernel could carry over: a variable, a changed
matplotlib setting, a warning already shown, the house stylesheet already sent, another working
folder, a later execution count. The second notebook, run after it in the same warm kernel, must
have the same outputs as when it runs alone in a fresh kernel."""

from __future__ import annotations

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
        pm.execute_notebook(probe, str(tmp_path / "warm.ipynb"), engine_name=kernels.ENGINE, **run)
        assert kernels._kernel is first and first is not None  # the same kernel ran both
    finally:
        kernels.discard()
    pm.execute_notebook(probe, str(tmp_path / "fresh.ipynb"), **run)  # papermill's own engine
    fresh = _outputs(tmp_path / "fresh.ipynb")
    assert _outputs(tmp_path / "warm.ipynb") == fresh
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


@pytest.fixture
def handed(tmp_path):
    """One kernel started by this process as the run's command starts them, and its details."""
    from signaal import config
    from signaal.run import handover
    from signaal.run.workers import ensure_kernel

    ensure_kernel()
    box: queue.Queue = queue.Queue()
    launched = handover.Launched(1, config.KERNEL_NAME, dict(os.environ), tmp_path / "kernels.log", box)
    kernel = box.get_nowait()
    assert kernel is not None and handover.running(kernel["pid"])
    yield kernel
    launched.close()


@needs_proc
def test_a_handed_over_kernel_is_warm_and_gives_the_outputs_of_a_fresh_one(tmp_path, handed):
    import papermill as pm

    from signaal import config
    from signaal.run import kernels

    folder = tmp_path / "nb"
    folder.mkdir()
    dirty, probe = _notebook(folder / "dirty.ipynb", DIRTY), _notebook(folder / "probe.ipynb", PROBE)
    where = _notebook(folder / "where.ipynb", ["import os\nprint(os.getppid())"])
    run = dict(kernel_name=config.KERNEL_NAME, cwd=str(folder), progress_bar=False)
    maps, deadline = Path(f"/proc/{handed['pid']}/maps"), time.monotonic() + 60
    while "pandas/_libs" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "pandas/_libs" in maps.read_text()  # it warms up as it starts, before a worker takes it over
    try:
        kernels.prestart(config.KERNEL_NAME, handed)
        pm.execute_notebook(where, str(tmp_path / "where.out.ipynb"), engine_name=kernels.ENGINE, **run)
        pm.execute_notebook(dirty, str(tmp_path / "dirty.out.ipynb"), engine_name=kernels.ENGINE, **run)
        pm.execute_notebook(probe, str(tmp_path / "warm.ipynb"), engine_name=kernels.ENGINE, **run)
        assert kernels._kernel is not None and kernels._kernel.km.provisioner.pid == handed["pid"]
    finally:
        kernels.discard()
    # it ran in the kernel this process started (its parent)
    assert "".join(_outputs(tmp_path / "where.out.ipynb")[0][1][0]["text"]) == f"{os.getpid()}\n"
    assert not (handed_alive := [p for p, s in _children(os.getpid()) if p == handed["pid"] and s != "Z"]), handed_alive
    pm.execute_notebook(probe, str(tmp_path / "fresh.ipynb"), **run)  # papermill's own engine
    assert _outputs(tmp_path / "warm.ipynb") == _outputs(tmp_path / "fresh.ipynb")


@needs_proc
def test_a_handed_over_kernel_that_died_is_replaced_by_a_new_one(tmp_path, handed):
    import papermill as pm

    from signaal import config
    from signaal.run import handover, kernels

    os.kill(handed["pid"], signal.SIGKILL)
    while handover.running(handed["pid"]):
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
def test_a_run_hands_its_kernels_to_the_workers_and_reaps_them(tmp_path, root, monkeypatch):
    """A run with two workers: the theme runs in a kernel the run started (the kernel's parent
    is the run's process, not a worker), and no kernel, not even a zombie, is left after it."""
    from signaal.run import execute, make_plan

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(root / "notebooks" / "wonen.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nprint('kernel parent', os.getppid())"))
    nbformat.write(nb, notebooks / "wonen.ipynb")
    plan = make_plan(quarter="2026Q3", themes="wonen", notebooks=notebooks, out=tmp_path / "2026Q3", jobs=2)
    result = execute(plan)
    assert result.ok, [d.error for d in result.documents if d.failed]
    executed = nbformat.read(tmp_path / "2026Q3" / "notebooks" / "wonen.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert f"kernel parent {os.getpid()}" in printed
    assert _children(os.getpid()) == []
