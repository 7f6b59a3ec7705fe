"""Themes are notebooks: the notebooks in ``notebooks/`` that are *marked* as themes.

A theme notebook says so in its metadata, as the five of the repository do::

    "metadata": {"signaal": {"theme": "wonen"}, "kernelspec": {…}}

(in JupyterLab: the property inspector, the gear icon at the right, "Notebook metadata"; or
``signaal themes --mark NAME``). Everything else in the folder is scratch work: it is listed
by ``signaal themes`` but the quarterly run leaves it alone, so an experiment never changes the
run's outcome or exit code. A notebook named with ``signaal run --themes NAME`` runs as a theme
even without the mark. Scratch work may also live in ``notebooks/scratch/`` (ignored by git).

A theme takes its parameters in a cell tagged ``parameters``: ``region`` and ``quarter`` are
required; ``vintage`` and ``lang`` are optional (without ``lang`` a theme publishes in Dutch
only, and a run in another language leaves it out; without ``vintage`` it reads the default
data). A marked notebook that cannot run as a theme (no such cell, a required parameter
missing, not a notebook at all) is *broken*: the run reports it and exits non-zero.
"""

from __future__ import annotations

import ast
import functools
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import config
from ..catalogue import catalogue
from ..errors import InputError, suggest
from ..files import write_atomic
from ..publish.outcome import one_line

REQUIRED_PARAMETERS = ("region", "quarter")
OPTIONAL_PARAMETERS = ("vintage", "lang")
THEME, UNMARKED, BROKEN = "theme", "unmarked", "broken"


@dataclass(frozen=True)
class Notebook:
    """A notebook of the folder, and what it is to the quarterly run."""

    name: str  # the file's stem: the document's name (wonen → wonen.pdf)
    path: Path
    marked: bool  # metadata.signaal.theme
    parameters: dict = field(default_factory=dict)  # the names of its parameters cell
    problem: str = ""  # why it cannot run as a theme ('' when it can)

    @property
    def status(self) -> str:
        """``theme`` (marked, runs), ``unmarked`` (scratch: left out) or ``broken`` (marked or
        unreadable, cannot run: the run reports it)."""
        if self.marked and not self.problem:
            return THEME
        return BROKEN if self.marked else UNMARKED

    @property
    def languages(self) -> tuple[str, ...] | None:
        """The languages it publishes in: any (``None``) with a ``lang`` parameter, else Dutch."""
        return None if "lang" in self.parameters else ("nl",)

    def speaks(self, lang: str) -> bool:
        return self.languages is None or lang in self.languages


def is_marked(nb: dict) -> bool:
    """Whether a notebook's metadata marks it as a theme (``metadata.signaal.theme``)."""
    mark = (nb.get("metadata") or {}).get("signaal")
    return isinstance(mark, dict) and bool(mark.get("theme"))


def _parameter_names(nb, name: str) -> dict:
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {}
            try:
                body = ast.parse(cell.source).body
            except SyntaxError as exc:
                raise InputError(f"notebook {name}: its parameters cell is not valid Python ({exc.msg})") from None
            for node in body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names[target.id] = (
                                ast.literal_eval(node.value) if isinstance(node.value, ast.Constant) else None
                            )
            return names
    raise InputError(
        f"notebook {name} has no cell tagged 'parameters'; "
        "tag the first code cell 'parameters' (region and quarter; vintage and lang optional)"
    )


def quiet_nbformat() -> None:
    """nbformat warns on every read of a notebook whose cells have no ids (older notebooks,
    notebooks made by scripts); it reads them all the same, so the warning is noise on the
    run's output."""
    try:
        from nbformat.warnings import MissingIDFieldWarning
    except ImportError:  # pragma: no cover - an nbformat without it does not warn
        return
    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)


quiet_nbformat()  # in the run's process and in every worker process (both read notebooks)


def _read(nb_path: Path):
    try:
        return nbformat.read(nb_path, as_version=4)
    except Exception as exc:
        raise InputError(f"notebook {nb_path.name} cannot be read as a notebook: {one_line(exc)[:200]}") from None


def parameters_cell(nb_path: Path) -> dict:
    """The names in a notebook's ``parameters`` cell (or an error saying what it lacks)."""
    return _parameter_names(_read(nb_path), nb_path.name)


def _check_parameters(names: dict, nb_name: str) -> None:
    missing = [p for p in REQUIRED_PARAMETERS if p not in names]
    if missing:
        raise InputError(
            f"notebook {nb_name}: its parameters cell lacks {', '.join(missing)}; a theme notebook takes "
            f"{', '.join(REQUIRED_PARAMETERS)} (and optionally {', '.join(OPTIONAL_PARAMETERS)})"
        )


def check_notebook(nb_path: Path) -> None:
    """Whether a notebook can run as a theme (an error saying why not)."""
    _check_parameters(parameters_cell(nb_path), nb_path.name)


def inspect(nb_path: Path) -> Notebook:
    """What a notebook is to the run: marked or not, its parameters, what keeps it from running
    (read once per version of the file: a run asks about every notebook more than once)."""
    try:
        stat = nb_path.stat()
    except OSError:
        return _inspect(nb_path)
    return _inspected(nb_path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _inspected(nb_path: Path, mtime_ns: int, size: int) -> Notebook:
    return _inspect(nb_path)


def _inspect(nb_path: Path) -> Notebook:
    name = nb_path.stem
    try:
        nb = _read(nb_path)
    except InputError as exc:  # we cannot tell whether it was meant as a theme: report it
        return Notebook(name, nb_path, marked=True, problem=str(exc))
    marked = is_marked(nb)
    try:
        names = _parameter_names(nb, nb_path.name)
        _check_parameters(names, nb_path.name)
    except InputError as exc:
        return Notebook(name, nb_path, marked, {}, str(exc))
    return Notebook(name, nb_path, marked, names)


def discover_themes(notebooks: Path | None = None) -> dict[str, Path]:
    """Name → path of every ``*.ipynb`` in the folder, marked or not (sorted by the catalogue's
    theme order, then by name): what ``--themes`` may name."""
    folder = Path(notebooks or config.notebooks_dir())
    found = {p.stem: p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_"))}
    order = {t.id: t.order for t in catalogue().themes.values()}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])))


def scan(notebooks: Path | None = None) -> list[Notebook]:
    """Every notebook of the folder, inspected (in the order of :func:`discover_themes`)."""
    return [inspect(path) for path in discover_themes(notebooks).values()]


def theme_notebooks(notebooks: Path | None = None, lang: str | None = None) -> tuple[dict[str, Path], dict[str, str]]:
    """(themes, rejected): the marked notebooks that run as themes (in ``lang``, when given),
    and why the broken ones cannot. Unmarked notebooks are in neither."""
    themes, rejected = {}, {}
    for nb in scan(notebooks):
        if nb.status == THEME and (lang is None or nb.speaks(lang)):
            themes[nb.name] = nb.path
        elif nb.status == BROKEN:
            rejected[nb.name] = nb.problem
    return themes, rejected


def left_out(notebooks: Path | None = None, lang: str = "nl") -> dict[str, str]:
    """The notebooks a whole-quarter run leaves alone, and why: not marked as a theme (scratch
    work), or a theme in Dutch only in a run in another language."""
    out = {}
    for nb in scan(notebooks):
        if nb.status == UNMARKED:
            out[nb.name] = "not marked as a theme"
        elif nb.status == THEME and not nb.speaks(lang):
            out[nb.name] = "publishes in Dutch only (no lang parameter)"
    return out


def check_named(nb_path: Path, lang: str) -> None:
    """A notebook named with ``--themes``: it must be able to run as a theme, in ``lang``."""
    nb = inspect(nb_path)
    if nb.problem:
        raise InputError(nb.problem)
    if not nb.speaks(lang):
        raise InputError(
            f"notebook {nb_path.name} publishes in Dutch only (its parameters cell has no lang); "
            f'add lang = "nl" to its parameters cell to run it with --lang {lang}'
        )


def theme_parameters(notebook: str | Path, parameters: dict) -> dict:
    """The run's parameters that a theme's ``parameters`` cell takes (papermill injects only
    these: a notebook without ``vintage`` or ``lang`` gets none)."""
    names = parameters_cell(Path(notebook))
    return {k: v for k, v in parameters.items() if k in names}


def mark(nb_path: Path) -> bool:
    """Mark a notebook as a theme (``metadata.signaal.theme``); False when it already was.
    The rest of the file is kept as it is (JSON, one-space indent, as Jupyter writes it)."""
    data = json.loads(nb_path.read_text("utf-8"))
    if is_marked(data):
        return False
    data.setdefault("metadata", {}).setdefault("signaal", {})["theme"] = nb_path.stem
    write_atomic(nb_path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return True


@dataclass(frozen=True)
class Row:
    """A line of ``signaal themes``: name, status, notebook, and what to do about it."""

    name: str
    status: str  # theme | theme (nl only) | unmarked | broken
    path: str
    note: str = ""

    def cells(self) -> list[str]:
        return [self.name, self.status, self.path] + ([self.note] if self.note else [])


def _shown(path: Path) -> str:
    """A path as the user typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def listing(notebooks: Path | None = None) -> list[Row]:
    """Every notebook of the folder as ``signaal themes`` lists it."""
    rows = []
    for nb in scan(notebooks):
        status, note = nb.status, ""
        if status == THEME and nb.languages == ("nl",):
            status, note = "theme (nl only)", "no lang parameter: publishes in Dutch only"
        elif status == UNMARKED:
            note = f"left out of the quarterly run; `signaal themes --mark {nb.name}` makes it a theme"
            if nb.problem:
                note += f" (first: {nb.problem})"
        elif status == BROKEN:
            note = nb.problem
        rows.append(Row(nb.name, status, _shown(nb.path), note))
    return rows


def mark_themes(notebooks: Path | None, names: list[str]) -> list[str]:
    """Mark the named notebooks as themes (each must be able to run as one); what was done."""
    available = discover_themes(notebooks)
    done = []
    for name in names:
        name = Path(name).stem  # `--mark wonen` or `--mark notebooks/wonen.ipynb`
        if name not in available:
            raise InputError(f"unknown notebook {name!r}; {suggest(name, list(available))}")
        nb = inspect(available[name])
        if nb.problem:
            raise InputError(f"cannot mark {name} as a theme: {nb.problem}")
        changed = mark(available[name])
        done.append(f"signaal: {'marked' if changed else 'already marked'} {available[name]} as a theme")
    return done


def theme_steps(notebook: str | Path) -> int:
    """Steps of a theme's progress bar: its code cells, the parameters cell, HTML and PDF."""
    return sum(1 for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code") + 3
