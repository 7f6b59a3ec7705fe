"""Committed notebooks: no outputs (the git filter sees to it), marked as themes, a parameters
cell, only known indicators."""

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from signaal.catalogue import catalogue
from signaal.run.themes import REQUIRED_PARAMETERS, is_marked, parameters_cell

INDICATOR_CALLS = ("topic", "page", "target", "signals")
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
VENV = Path(sys.executable).parent.parent


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def committed_form(path: Path) -> dict:
    """What ``git add`` stores of a notebook: the file through the repository's clean filter
    when it has one (``make setup`` installs nbstripout), else the file as it is. A notebook
    JupyterLab has saved with outputs is fine as long as none would reach a commit."""
    text = path.read_text("utf-8")
    try:
        attr = _git(ROOT, "check-attr", "filter", "--", str(path.relative_to(ROOT)))
        clean = (
            _git(ROOT, "config", "--get", "filter.nbstripout.clean").strip()
            if attr.strip().endswith(": nbstripout")
            else ""
        )
    except (subprocess.CalledProcessError, FileNotFoundError):  # not a git checkout, or no filter
        clean = ""
    if clean:
        text = subprocess.run(
            clean, shell=True, cwd=ROOT, input=text, capture_output=True, text=True, check=True
        ).stdout
    return json.loads(text)


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = committed_form(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_filter_leaves_a_committed_notebook_as_it_is(path):
    """A fresh clone (its notebooks untouched) shows nothing to commit once ``make setup`` has
    installed the filter: what is committed is already the filter's output (cell ids kept)."""
    blob = _git(ROOT, "show", f"HEAD:{path.relative_to(ROOT)}")
    if blob != path.read_text("utf-8"):
        pytest.skip(f"{path.name} is edited in this work tree")
    assert committed_form(path) == json.loads(blob)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_marked_as_a_theme(path):
    """A notebook of the repository that is not marked would silently drop out of the quarter."""
    assert is_marked(json.loads(path.read_text("utf-8"))), f"{path.name}: metadata.signaal.theme is missing"


def test_the_git_filter_keeps_outputs_out_of_a_commit(tmp_path):
    """``make setup`` (its ``git-filters`` step) and ``.gitattributes`` in a new repository: a
    notebook committed with outputs, as JupyterLab autosaves it, is stored without them."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "analist@example.org")
    _git(repo, "config", "user.name", "Analist")
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    make = subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "git-filters", f"VENV={VENV}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert make.returncode == 0, make.stderr
    nb = nbformat.read(ROOT / "notebooks" / "wonen.ipynb", as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"text/html": "<section>" + "x" * 50_000 + "</section>"}),
            nbformat.v4.new_output("stream", name="stdout", text="print\n"),
        ]
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    nb.metadata["papermill"] = {"parameters": {"region": "CR12"}}
    nbformat.write(nb, repo / "notebooks" / "wonen.ipynb")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "a notebook as Lab saved it")
    stored = json.loads(_git(repo, "show", "HEAD:notebooks/wonen.ipynb"))
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert stored["metadata"]["signaal"] == {"theme": "wonen"}  # the theme mark stays
    assert stored["metadata"]["language_info"] == {"name": "python"} and "papermill" not in stored["metadata"]
    assert any("parameters" in c["metadata"].get("tags", []) for c in code)
    assert len(_git(repo, "show", "HEAD:notebooks/wonen.ipynb")) < 10_000
    # the analyst's file keeps its outputs, and git sees nothing to commit
    assert "x" * 50_000 in (repo / "notebooks" / "wonen.ipynb").read_text("utf-8")
    assert _git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_the_standard_parameters(path):
    names = parameters_cell(path)
    assert set(REQUIRED_PARAMETERS) <= set(names)


def named_indicators(path: Path) -> set[str]:
    """Indicator ids a notebook asks for: ``b.topic("x")`` calls and ``topics=[...]`` lists."""
    nb = json.loads(path.read_text("utf-8"))
    named: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in INDICATOR_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                named.add(node.args[0].value)
            for kw in node.keywords:
                if kw.arg in ("topics", "indicators") and isinstance(kw.value, (ast.List, ast.Tuple)):
                    named |= {e.value for e in kw.value.elts if isinstance(e, ast.Constant)}
    return named


def test_the_indicator_scan_finds_a_typo(tmp_path):
    nb = json.loads(NOTEBOOKS[0].read_text("utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ['b.topic("werkloosheit")'],
        }
    )
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb), "utf-8")
    assert "werkloosheit" in named_indicators(bad) - set(catalogue().indicators)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_only_catalogue_indicators(path):
    named = named_indicators(path)
    assert named, "no indicators found in the notebook"
    unknown = named - set(catalogue().indicators)
    assert not unknown, f"{path.name} names unknown indicators: {sorted(unknown)}"
