"""The package layout is the flow: each stage imports only from itself and the stages below.

Every import counts — module level, inside functions, ``TYPE_CHECKING`` blocks and lazy
re-exports alike — and no two modules may import each other, directly or through others.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "signaal"

# The stages, bottom to top. A module belongs to the first stage whose prefix it matches.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "signaal",
            "signaal.config",
            "signaal.errors",
            "signaal.files",
            "signaal.periods",
            "signaal.regions",
            "signaal.formatting",
            "signaal.observations",
            "signaal.text",
        ),
    ),
    ("catalogue", ("signaal.catalogue",)),
    ("sources", ("signaal.sources",)),
    ("store", ("signaal.store",)),
    ("indicators", ("signaal.indicators",)),
    ("signals", ("signaal.signals",)),
    ("charts", ("signaal.charts",)),
    ("briefing", ("signaal.briefing",)),
    ("publish", ("signaal.publish",)),
    ("run", ("signaal.run",)),
    ("cli", ("signaal.cli", "signaal.launch")),
]
FOUNDATION_MAX = 10  # modules directly in src/signaal/: __init__.py and the command's cli.py and launch.py included
MAX_FUNCTION_LINES = 100  # papermill's and nbconvert's functions are far shorter; this is the ceiling
MAX_CLASS_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def stage_of(module: str) -> int:
    for rank, (_, prefixes) in enumerate(STAGES):
        if module in prefixes or (rank and any(module.startswith(p + ".") for p in prefixes)):
            return rank
    raise AssertionError(f"{module} is in no stage; add it to STAGES in {Path(__file__).name}")


def imports_of(module: str) -> set[str]:
    """Every signaal module that ``module`` imports, wherever the import statement sits."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "signaal"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "signaal":
                continue
            for alias in node.names:  # ``from . import formatting`` imports a module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(module)
    return {m for m in found if m in MODULES}


GRAPH = {m: imports_of(m) for m in MODULES}


def test_every_module_belongs_to_a_stage():
    for module in MODULES:
        stage_of(module)


def test_no_stage_imports_from_a_stage_above_it():
    upward = sorted(
        f"{m} ({STAGES[stage_of(m)][0]}) imports {dep} ({STAGES[stage_of(dep)][0]})"
        for m, deps in GRAPH.items()
        for dep in deps
        if stage_of(dep) > stage_of(m)
    )
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_no_import_circles():
    """Tarjan's strongly connected components: any component of two or more modules is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in circles)


def test_the_foundation_stays_small():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= FOUNDATION_MAX, f"{len(top)} modules directly in src/signaal: {', '.join(top)}"


@pytest.mark.parametrize("stage", [name for name, _ in STAGES])
def test_the_layer_check_can_fail(stage):
    """The check sees an upward import when there is one (here: each stage importing the CLI)."""
    rank = [name for name, _ in STAGES].index(stage)
    if stage == "cli":
        return
    module = next(m for m in MODULES if stage_of(m) == rank)
    assert stage_of("signaal.cli") > stage_of(module)


def test_no_function_or_class_is_too_long():
    """Small units: no function over 100 lines, no class over 300 (decorators and docstrings count)."""
    too_long = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            limit = {
                ast.FunctionDef: MAX_FUNCTION_LINES,
                ast.AsyncFunctionDef: MAX_FUNCTION_LINES,
                ast.ClassDef: MAX_CLASS_LINES,
            }.get(type(node))
            if limit is not None:
                lines = node.end_lineno - node.lineno + 1  # type: ignore[attr-defined]
                if lines > limit:
                    too_long.append(f"{module}.{node.name}: {lines} lines (at most {limit})")  # type: ignore[attr-defined]
    assert not too_long, "\n".join(too_long)
