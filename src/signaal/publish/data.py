"""The data a publishing worker reads: a vintage opened once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads where the data is opened, not where the run only plans
    from ..indicators.data import Data


@lru_cache(maxsize=4)
def open_data(data_dir: str | Path, vintage: str) -> Data:
    """The vintage ``vintage`` ('' for the newest) of the data folder ``data_dir``, opened once
    per worker process: the signal board, the board pack and every batch of factsheets that a
    process builds share it."""
    from ..indicators.data import Data

    return Data.open(vintage or None, data_dir)
