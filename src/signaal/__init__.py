"""Signaal: quarterly fact-and-figure briefings for Twente Board from open statistics.

The flow (PRODUCT.md §2): sources → raw snapshots → store (vintages) → indicators →
signals → notebooks → publish.

For analysts, the figures behind any page as a pandas DataFrame, in one call::

    import signaal
    df = signaal.frame("woz_waarde", ["CR12", "NL01"], up_to="2026Q3")

This package's ``__init__`` is the bottom of the flow (the foundation) and imports nothing
from the stages above it, also not lazily: :func:`frame` is *declared* here and *provided* by
the indicators stage (:func:`signaal.indicators.frame.frame`), which registers itself under
the entry point group ``signaal.api`` in ``pyproject.toml`` — the way nbconvert finds the
Signaal exporters and papermill its engines. Calling :func:`frame` loads its provider.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    __version__: str

API_GROUP = "signaal.api"  # entry points: what a stage above offers at the top of the package

__all__ = ["__version__", "frame"]


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("signaal")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


if not TYPE_CHECKING:  # for type checkers ``__version__`` is a str, and other names are not there

    def __getattr__(name: str) -> Any:
        """``__version__``, read from the installed package's metadata when first asked for:
        ``importlib.metadata`` takes 0,03 s to import, before the command can start its workers."""
        if name == "__version__":
            return _version()
        raise AttributeError(f"module 'signaal' has no attribute {name!r}")


def lazy_attributes(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A package's ``__getattr__`` (PEP 562) for names loaded when first used: ``name`` from
    the module ``where[name]`` (relative to ``package``), or ``"module:attr"`` where it has
    another name there. A package uses it so that importing it does not load what only some
    of its users need (nbconvert, WeasyPrint, scipy, matplotlib, the HTTP client)."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = where[name].partition(":")
        return getattr(importlib.import_module(module, package), attr or name)

    return __getattr__


def _provided(name: str):
    """The function an installed stage registered as ``name`` in :data:`API_GROUP`."""
    from importlib.metadata import entry_points

    found = entry_points(group=API_GROUP, name=name)
    if not found:
        raise RuntimeError(
            f"signaal.{name} is provided by an entry point in group {API_GROUP!r}, which is missing: "
            "install the package (pip install -e .) so that its entry points are registered"
        )
    return next(iter(found)).load()


def frame(indicator: str, regions: Any = None, **options: Any) -> pd.DataFrame:
    """The figures of one indicator as a tidy DataFrame: one row per region and period, with
    the columns ``indicator, region, region_name, level, period`` (pandas Periods), ``value,
    unit, status``, and the source in ``df.attrs`` (``title``, ``source``, ``table``,
    ``updated``, ``vintage``, ``is_sample``, …)::

        import signaal
        df = signaal.frame("werkloosheid", ["CR12", "NL01"], up_to="2026Q3")
        df.attrs["table"]                                           # '86088NED'
        df.pivot(index="period", columns="region_name", values="value").plot()

    ``regions``: a code or codes (default: every region with figures); options: ``up_to``
    (the last quarter), ``lang`` (``nl``/``en``, for names and titles), ``vintage``,
    ``data_dir``. In a theme notebook ``b.frame("woz_waarde")`` gives the same for the
    briefing's vintage, quarter and language. The full description:
    :func:`signaal.indicators.frame.frame`."""
    return _provided("frame")(indicator, regions, **options)
