"""The plan of a quarterly run: every parameter validated before anything is written.

:func:`make_plan` checks the language, region, quarter, ``--jobs``, the factsheet set, the
themes asked for and the output folder, and resolves the vintage; :class:`RunResult` is
what executing the plan gave.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..briefing.edition import Edition
from ..errors import InputError, suggest
from ..periods import Period, parse_quarter
from ..publish.outcome import MANIFEST, DocResult
from ..regions import registry
from ..store.provenance import Provenance
from ..store.vintage import Store
from ..text import check_lang
from .job import JobContext
from .themes import check_notebook, discover_themes, theme_notebooks

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
    whole_quarter: bool = True  # all themes: board pack + factsheets
    factsheets: str = "gemeenten"  # gemeenten | corop | none
    today: dt.date = field(default_factory=dt.date.today)
    # the indicators whose figures in the vintage are real CBS figures (a live vintage: all; the
    # bundled sample: those of its real extracts, see signaal.store.provenance)
    real_indicators: list[str] = field(default_factory=list)
    mixed: bool = False  # the bundled sample mixes real CBS figures and synthetic ones

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

    def context(self, staging: Path) -> JobContext:
        """What every worker of this run is handed."""
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
            mixed=self.mixed,
        )


@dataclass
class RunResult:
    plan: Plan
    documents: list[DocResult]
    out: Path
    archived: Path | None
    manifest: dict
    recovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> list[DocResult]:
        return [d for d in self.documents if d.failed]


def default_out(quarter: Period, region: str, reports: Path | None = None) -> Path:
    """``reports/<quarter>`` (``<quarter>-<region>`` for another focus region), in every
    language: a run of some themes or of another language adds to the quarter's folder and
    keeps what it did not make (see :func:`~signaal.run.carry.carry_over`)."""
    base = Path(reports or config.reports_dir())
    name = str(quarter) if region == registry().default_focus else f"{quarter}-{region}"
    return base / name


def _chosen_themes(themes: str | list[str] | None, folder: Path | None) -> tuple[dict[str, Path], dict[str, str], bool]:
    """(themes, rejected, whole quarter): the notebooks asked for (each must be a theme), or
    every theme notebook of the folder."""
    available = discover_themes(folder)
    if isinstance(themes, str):
        themes = [x.strip() for x in themes.split(",") if x.strip()]
    chosen: dict[str, Path] = {}
    rejected: dict[str, str] = {}
    if themes:
        for theme in themes:
            if theme not in available:
                raise InputError(f"unknown theme {theme!r}; {suggest(theme, list(available))}")
            check_notebook(available[theme])  # a notebook asked for by name must be a theme
            chosen[theme] = available[theme]
    else:
        chosen, rejected = theme_notebooks(folder)
    if not chosen:
        where = folder or config.notebooks_dir()
        if rejected:
            raise InputError(f"no theme notebooks in {where}: {next(iter(rejected.values()))}")
        raise InputError(f"no theme notebooks found in {where}")
    return chosen, rejected, not themes or set(chosen) == set(available)


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
) -> Plan:
    lang = check_lang(lang)
    focus = registry().focus(region).code
    if quarter not in (None, ""):
        parse_quarter(quarter)  # malformed quarters fail before data is read
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs} is not a number of processes; valid: 1 or more")
    if factsheets not in (None, *FACTSHEET_MODES):
        raise InputError(f"unknown factsheet set {factsheets!r}; valid: {', '.join(FACTSHEET_MODES)}")
    chosen, rejected, whole = _chosen_themes(themes, Path(notebooks) if notebooks else None)
    root = Path(data_dir) if data_dir else config.data_dir()
    found = Store(root).resolve(vintage or None)
    q = found.resolve_quarter(quarter)
    out_path = Path(out) if out else default_out(q, focus)
    if out_path.exists() and any(out_path.iterdir()) and not (out_path / MANIFEST).exists():
        raise InputError(f"output folder {out_path} exists and is not a Signaal report folder; choose another --out")
    return Plan(
        quarter=q,
        region=focus,
        lang=lang,
        themes=chosen,
        out=out_path.resolve(),
        data_dir=root.resolve(),
        vintage_id=found.id,
        vintage_checksum=found.checksum,
        is_sample=found.is_sample,
        jobs=jobs or os.cpu_count() or 1,
        force=force,
        rejected=rejected,
        whole_quarter=whole,
        factsheets=factsheets or ("gemeenten" if whole else "none"),
        mixed=found.is_sample and Provenance.of(found.manifest).mixes_real_and_synthetic,
        real_indicators=list(
            found.manifest.get("real_indicators") or ([] if found.is_sample else found.manifest.get("indicators") or [])
        ),
    )
