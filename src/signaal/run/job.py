"""What every worker of a run is handed: one frozen, picklable :class:`JobContext`.

The facts of the run (where to write, region, quarter, language, vintage, data folder,
today) travel once in the context; a job's own arguments (which notebook, which
municipalities) travel beside it. Workers run in spawned processes, so everything here is
plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config
from ..briefing.edition import Edition
from ..periods import Period

if TYPE_CHECKING:  # the data (pandas) loads in the workers that read it, not in the run that plans
    from ..indicators.data import Data


@dataclass(frozen=True)
class JobContext:
    staging: Path  # the run's staging folder: every output is written here
    region: str  # focus COROP region, e.g. CR12
    quarter: str  # e.g. 2026Q3
    lang: str  # language of the documents
    vintage: str  # vintage id ("sample" for the bundled sample)
    data_dir: Path
    today: dt.date  # the date the documents carry
    is_sample: bool
    vintage_checksum: str = ""  # recorded in the documents' metadata
    notebook_timeout: float = config.NOTEBOOK_TIMEOUT  # seconds a theme notebook may run as a whole (--timeout)
    cell_timeout: float = config.CELL_TIMEOUT  # seconds one of its cells may run
    mixed: bool = False  # the bundled sample mixes real CBS figures and synthetic ones
    lane: str = ""  # in a run of several regions: this region (its progress reports say so)

    def parameters(self) -> dict:
        """A theme notebook's parameters (its ``parameters`` cell)."""
        return {"region": self.region, "quarter": self.quarter, "vintage": self.vintage, "lang": self.lang}

    def edition(self) -> Edition:
        """The masthead facts every document of the run labels itself with."""
        return Edition(
            self.region,
            Period.parse(self.quarter),
            self.lang,
            self.vintage,
            self.is_sample,
            self.today,
            self.vintage_checksum,
            mixed=self.mixed,
        )

    def data(self) -> Data:
        """The vintage's data, read once per worker process (shared by the board pack,
        signal board and factsheet builders of that process)."""
        from ..publish.data import open_data

        return open_data(str(self.data_dir), self.vintage)
