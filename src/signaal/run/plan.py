"""The plan of a quarterly run: every parameter validated before anything is written.

:func:`make_plan` checks the language, region, quarter, ``--jobs``, ``--timeout``, the
factsheet set and the themes asked for, then the input of the run all at once (the curated
tables and targets, the vintage, the output folder: :mod:`~signaal.run.preflight`);
:class:`RunResult` is what executing the plan gave, and its exit code.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import config
from ..briefing.edition import Edition
from ..errors import InputError, SignaalError, suggest
from ..periods import Period, parse_quarter
from ..publish.outcome import DocResult
from ..regions import registry
from ..store.provenance import Provenance
from ..store.vintage import Store
from ..text import check_lang
from .job import JobContext
from .preflight import (
    Problems,
    checked_before,
    curated_problems,
    inputs_fingerprint,
    output_problems,
    vintage_problems,
)
from .themes import check_named, discover_themes, left_out, theme_notebooks

FACTSHEET_MODES = ("gemeenten", "corop", "none")


@dataclass
class Plan:
    quarter: Period
    region: str
    lang: str
    themes: dict[str, Path]
    out: Path
    data_dir: Path
    vintage_id: str
    vintage_checksum: str
    is_sample: bool
    jobs: int
    force: bool = False
    rejected: dict[str, str] = field(default_factory=dict)  # notebook → why it is not a theme
    left_out: dict[str, str] = field(default_factory=dict)  # unmarked (scratch) notebooks → why not run
    whole_quarter: bool = True  # all themes: board pack + factsheets
    factsheets: str = "gemeenten"  # gemeenten | corop | none
    today: dt.date = field(default_factory=dt.date.today)
    timeout: float = config.NOTEBOOK_TIMEOUT  # seconds one notebook may run (--timeout)
    cell_timeout: float = config.CELL_TIMEOUT  # seconds one of its cells may run
    allow_partial: bool = False  # publish even what is worse than the published folder
    # the indicators whose figures in the vintage are real CBS figures (a live vintage: all; the
    # bundled sample: those of its real extracts, see signaal.store.provenance)
    real_indicators: list[str] = field(default_factory=list)
    mixed: bool = False  # the bundled sample mixes real CBS figures and synthetic ones
    # the previous briefing of the same region ("what changed"): its folder, where it was looked
    # for, and a fingerprint of what it holds (part of the signals' cache key)
    previous: Path | None = None
    previous_searched: str = ""
    previous_key: str = ""
    checked: str = ""  # the input as preflight read it (preflight.inputs_fingerprint)

    def output_stem(self, theme: str) -> str:
        """A document's name and file stem: ``talent`` in Dutch, ``talent.en`` in English (the
        two are different documents of one quarter folder)."""
        return theme if self.lang == "nl" else f"{theme}.{self.lang}"

    def output_file(self, stem: str, extension: str) -> str:
        """A file of the quarter in this run's language: ``indicators.csv``, ``indicators.en.csv``."""
        return f"{self.output_stem(stem)}.{extension}"

    @property
    def board_pack(self) -> bool:
        return self.whole_quarter

    def parameters(self) -> dict:
        return {"region": self.region, "quarter": str(self.quarter), "vintage": self.vintage_id, "lang": self.lang}

    def edition(self) -> Edition:
        """The masthead facts of this run's documents (region, quarter, language, data, day)."""
        return Edition(
            self.region,
            self.quarter,
            self.lang,
            self.vintage_id,
            self.is_sample,
            self.today,
            self.vintage_checksum,
            mixed=self.mixed,
        )

    def context(self, staging: Path, lane: str = "") -> JobContext:
        """What every worker of this run is handed (``lane``: its region, in a run of several)."""
        return JobContext(
            staging=staging,
            region=self.region,
            quarter=str(self.quarter),
            lang=self.lang,
            vintage=self.vintage_id,
            data_dir=self.data_dir,
            today=self.today,
            is_sample=self.is_sample,
            vintage_checksum=self.vintage_checksum,
            notebook_timeout=self.timeout,
            cell_timeout=self.cell_timeout,
            mixed=self.mixed,
            lane=lane,
        )


# Exit codes of `signaal run` (README "Exit codes"); 2 is bad input (nothing written), 3 a source
EXIT_OK = 0  # every document built, reused or carried over, and published
EXIT_FAILED = 4  # published, but some documents failed or some notebooks are not themes
EXIT_KEPT = 5  # not published: it would have lost what the published folder has; set aside beside it
EXIT_OUTPUT = 6  # the output could not be written (disk full, read-only): nothing published


@dataclass
class RunResult:
    plan: Plan
    documents: list[DocResult]
    out: Path  # where this run's folder is: the published folder, or the one set aside
    archived: Path | None
    manifest: dict
    recovered: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # documents the published folder has and this run failed

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def published(self) -> bool:
        return self.out == self.plan.out

    @property
    def failures(self) -> list[DocResult]:
        return [d for d in self.documents if d.failed]

    @property
    def exit_code(self) -> int:
        if not self.published:
            return EXIT_KEPT
        return EXIT_OK if self.ok else EXIT_FAILED


def default_out(quarter: Period, region: str, reports: Path | None = None) -> Path:
    """``reports/<quarter>`` (``<quarter>-<region>`` for another focus region), in every
    language: a run of some themes or of another language adds to the quarter's folder and
    keeps what it did not make (see :func:`~signaal.run.carry.carry_over`)."""
    base = Path(reports or config.reports_dir())
    name = str(quarter) if region == registry().default_focus else f"{quarter}-{region}"
    return base / name


def previous_briefing(out: Path, quarter: Period, region: str, named: str | Path | None = None):
    """(folder, where it was looked for) of the previous quarter's briefing of ``region``: the
    folder named with ``--previous`` (it must hold that region's signals), else the folder where
    ``signaal run`` publishes the previous quarter beside ``out`` or in the reports folder, else
    the newest copy of it in their ``archive/``. (None, where) when there is none."""
    from ..signals.history import holds_previous

    if named:
        folder = Path(named)
        if not holds_previous(folder, region):
            raise InputError(
                f"--previous {folder} holds no signals.json of a briefing for {registry().sentence_name(region)} "
                f"({region}); valid: the folder of an earlier run of `signaal run` for that region"
            )
        return folder, str(folder)
    name = default_out(quarter.shift(-1), region).name
    bases = list(dict.fromkeys([Path(out).parent, Path(config.reports_dir())]))
    candidates = [base / name for base in bases]
    for base in bases:
        candidates += sorted((base / "archive").glob(f"{name}-*"), reverse=True) if (base / "archive").is_dir() else []
    found = next((c for c in candidates if holds_previous(c, region)), None)
    where = " / ".join(str(b / name) for b in bases)
    return found, where


def _previous_key(folder: Path | None) -> str:
    """What the previous briefing holds, as a key (its signals and figures)."""
    from ..files import sha256

    if folder is None:
        return ""
    files = [folder / f for f in ("signals.json", "indicators.csv", "manifest.json") if (folder / f).exists()]
    return sha256("".join(f"{f.name}:{sha256(f)}" for f in files).encode())


def _chosen_themes(
    themes: str | list[str] | None, folder: Path | None, lang: str = "nl"
) -> tuple[dict[str, Path], dict[str, str], bool]:
    """(themes, rejected, whole quarter): the notebooks asked for (each must be able to run as
    a theme, marked or not), or every notebook of the folder marked as a theme."""
    available = discover_themes(folder)
    if isinstance(themes, str):
        themes = [x.strip() for x in themes.split(",") if x.strip()]
    chosen: dict[str, Path] = {}
    rejected: dict[str, str] = {}
    marked, broken = theme_notebooks(folder, lang)
    if themes:
        for theme in themes:
            if theme not in available:
                raise InputError(f"unknown theme {theme!r}; {suggest(theme, list(available))}")
            check_named(available[theme], lang)  # a notebook asked for by name must be able to run
            chosen[theme] = available[theme]
    else:
        chosen, rejected = marked, broken
    if not chosen:
        where = folder or config.notebooks_dir()
        if rejected:
            raise InputError(f"no theme notebooks in {where}: {next(iter(rejected.values()))}")
        raise InputError(
            f"no theme notebooks found in {where}; mark one with `signaal themes --mark NAME` "
            "(metadata.signaal.theme) or name it with --themes"
        )
    return chosen, rejected, not themes or set(chosen) == set(marked)


def make_plan(
    quarter: str | None = None,
    themes: str | list[str] | None = None,
    region: str | None = None,
    lang: str = "nl",
    out: str | Path | None = None,
    vintage: str | None = None,
    data_dir: str | Path | None = None,
    notebooks: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    factsheets: str | None = None,
    timeout: float | None = None,
    allow_partial: bool = False,
    previous: str | Path | None = None,
) -> Plan:
    """Validate every parameter, then the input of the run (:mod:`~signaal.run.preflight`);
    raise one :class:`~signaal.errors.InputError` for a bad parameter, or one
    :class:`~signaal.run.preflight.Problems` with every problem of the input."""
    return make_plans(
        [region],
        quarter=quarter,
        themes=themes,
        lang=lang,
        out=out,
        vintage=vintage,
        data_dir=data_dir,
        notebooks=notebooks,
        jobs=jobs,
        force=force,
        factsheets=factsheets,
        timeout=timeout,
        allow_partial=allow_partial,
        previous=previous,
    )[0]


def make_plans(
    regions: list[str | None],
    quarter: str | None = None,
    themes: str | list[str] | None = None,
    lang: str = "nl",
    out: str | Path | None = None,
    vintage: str | None = None,
    data_dir: str | Path | None = None,
    notebooks: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    factsheets: str | None = None,
    timeout: float | None = None,
    allow_partial: bool = False,
    previous: str | Path | None = None,
    out_per_region: bool = False,
) -> list[Plan]:
    """The plans of a run of ``regions`` (``None``: the default focus region), validated as
    :func:`make_plan` validates one, the shared input once (themes, curated tables, vintage)
    and each region's output folder: ``out`` itself (one region), ``out/<region>`` with
    ``out_per_region``, or the region's usual folder (:func:`default_out`) without ``out``.
    Every problem of every region is raised at once."""
    lang = check_lang(lang)
    focuses = [registry().focus(r).code for r in regions]
    if quarter not in (None, ""):
        parse_quarter(quarter)  # malformed quarters fail before data is read
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs} is not a number of processes; valid: 1 or more")
    if timeout is not None and not timeout > 0:
        raise InputError(f"--timeout {timeout:g} is not a time limit; valid: a number of seconds above 0")
    if factsheets not in (None, *FACTSHEET_MODES):
        raise InputError(f"unknown factsheet set {factsheets!r}; valid: {', '.join(FACTSHEET_MODES)}")
    limits = (timeout or config.notebook_timeout(), config.cell_timeout())
    folder = Path(notebooks) if notebooks else None
    chosen, rejected, whole = _chosen_themes(themes, folder, lang)
    root = Path(data_dir) if data_dir else config.data_dir()

    found, q, vintage_problem = None, None, []
    try:
        found = Store(root).resolve(vintage or None)
        q = found.resolve_quarter(quarter)
    except SignaalError as exc:
        vintage_problem = [str(exc)]
    if q is None and quarter:
        q = parse_quarter(quarter)
    outs: dict[str, Path] = {}
    out_problems: list[str] = []
    for focus in focuses:
        where = Path(out) / focus if out and out_per_region else Path(out) if out else None
        out_path = where or (default_out(q, focus) if q is not None else None)
        if out_path is None or q is None:
            continue
        outs[focus] = out_path
        usual = default_out(q, focus)
        suggestion = None if out and out_per_region else out_path.parent / usual.name if out else usual
        out_problems += output_problems(out_path, q, focus, suggestion=suggestion)
    # the curated tables and the vintage's data are read (pandas) unless the published run read
    # them as they are now, with this code (a re-run with nothing changed); the data file is
    # always compared with its checksum
    readable = found if not vintage_problem else None
    checksum = readable.manifest.get("checksum") if readable is not None else None
    checked = inputs_fingerprint(root, str(checksum)) if checksum else ""
    trusted = bool(checked) and not force and len(outs) == len(focuses)
    trusted = trusted and all(checked_before(o, checked) for o in outs.values())
    data_problems = vintage_problems(readable, read=not trusted) if readable is not None else []
    problems = ([] if trusted else curated_problems(root)) + vintage_problem + data_problems + out_problems
    if problems or found is None or q is None or len(outs) < len(focuses):
        raise Problems(problems)
    base = Plan(
        quarter=q,
        region=focuses[0],
        lang=lang,
        themes=chosen,
        out=outs[focuses[0]].resolve(),
        data_dir=root.resolve(),
        vintage_id=found.id,
        vintage_checksum=found.checksum,
        is_sample=found.is_sample,
        jobs=jobs or os.cpu_count() or 1,
        force=force,
        checked=checked,
        rejected=rejected,
        left_out=left_out(folder, lang) if not themes else {},
        whole_quarter=whole,
        factsheets=factsheets or ("gemeenten" if whole else "none"),
        timeout=limits[0],
        cell_timeout=limits[1],
        allow_partial=allow_partial,
        mixed=found.is_sample and Provenance.of(found.manifest).mixes_real_and_synthetic,
        real_indicators=list(
            found.manifest.get("real_indicators") or ([] if found.is_sample else found.manifest.get("indicators") or [])
        ),
    )
    return [_with_previous(replace(base, region=focus, out=outs[focus].resolve()), previous) for focus in focuses]


def _with_previous(plan: Plan, previous: str | Path | None) -> Plan:
    """The plan with the previous briefing of its region (``--previous DIR``: with several
    regions, ``DIR/<region>`` where that exists, as ``--out`` lays them out)."""
    if previous and (Path(previous) / plan.region).is_dir():
        previous = Path(previous) / plan.region
    folder, searched = previous_briefing(plan.out, plan.quarter, plan.region, previous)
    return replace(
        plan,
        previous=folder.resolve() if folder else None,
        previous_searched=searched,
        previous_key=_previous_key(folder),
    )
