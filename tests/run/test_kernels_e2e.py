"""A warm kernel runs a notebook exactly as a fresh kernel does (signaal.run.kernels).

The first notebook leaves behind what a reused kernel could carry over: a variable, a changed
matplotlib setting, a warning already shown, the house stylesheet already sent, another working
folder, a later execution count. The second notebook, run after it in the same warm kernel, must
have the same outputs as when it runs alone in a fresh kernel."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

pytestmark = pytest.mark.e2e

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
