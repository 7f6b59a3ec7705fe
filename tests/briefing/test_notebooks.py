"""Committed notebooks: no outputs, a parameters cell, only known indicators."""

import ast
import json
from pathlib import Path

import pytest

from signaal.catalogue import catalogue
from signaal.run.themes import REQUIRED_PARAMETERS, parameters_cell

INDICATOR_CALLS = ("topic", "page", "target", "signals")
NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text("utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


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
