"""Themes are notebooks: every ``*.ipynb`` in ``notebooks/`` with a ``parameters`` cell.

A notebook without one (a scratch notebook) is not a theme: it is rejected with a message
saying what it lacks, and the rest of the quarter still runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from .. import config
from ..catalogue import catalogue
from ..errors import InputError
from ..publish.outcome import one_line

REQUIRED_PARAMETERS = ("region", "quarter", "vintage", "lang")


def discover_themes(notebooks: Path | None = None) -> dict[str, Path]:
    """Theme id → notebook. Every ``*.ipynb`` in ``notebooks/`` is a theme (sorted by the
    catalogue's theme order, then by name)."""
    folder = Path(notebooks or config.notebooks_dir())
    found = {p.stem: p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_"))}
    order = {t.id: t.order for t in catalogue().themes.values()}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])))


def parameters_cell(nb_path: Path) -> dict:
    """The names in a notebook's ``parameters`` cell (or an error saying what it lacks)."""
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception as exc:
        raise InputError(f"notebook {nb_path.name} cannot be read as a notebook: {one_line(exc)[:200]}") from None
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {}
            try:
                body = ast.parse(cell.source).body
            except SyntaxError as exc:
                raise InputError(
                    f"notebook {nb_path.name}: its parameters cell is not valid Python ({exc.msg})"
                ) from None
            for node in body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names[target.id] = (
                                ast.literal_eval(node.value) if isinstance(node.value, ast.Constant) else None
                            )
            return names
    raise InputError(
        f"notebook {nb_path.name} has no cell tagged 'parameters'; "
        "tag the first code cell 'parameters' (region, quarter, vintage, lang)"
    )


def check_notebook(nb_path: Path) -> None:
    names = parameters_cell(nb_path)
    missing = [p for p in REQUIRED_PARAMETERS if p not in names]
    if missing:
        raise InputError(
            f"notebook {nb_path.name}: its parameters cell lacks {', '.join(missing)}; "
            f"a theme notebook takes {', '.join(REQUIRED_PARAMETERS)}"
        )


def theme_notebooks(notebooks: Path | None = None) -> tuple[dict[str, Path], dict[str, str]]:
    """(themes, rejected): the notebooks that are themes, and why the others are not."""
    themes, rejected = {}, {}
    for name, path in discover_themes(notebooks).items():
        try:
            check_notebook(path)
            themes[name] = path
        except InputError as exc:
            rejected[name] = str(exc)
    return themes, rejected


def theme_steps(notebook: str | Path) -> int:
    """Steps of a theme's progress bar: its code cells, the parameters cell, HTML and PDF."""
    return sum(1 for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code") + 3
