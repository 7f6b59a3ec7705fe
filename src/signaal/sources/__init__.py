"""Live data sources: CBS StatLine (OData v3 and v4), DUO and curated manual tables; PDOK boundaries.

Every source is reached through one polite HTTP client (:mod:`.http`), keeps its raw
responses untouched under ``data/raw/`` (:mod:`.raw`), and hands tidy observations to
:mod:`signaal.store.refresh`, which writes them into a new immutable vintage.

A source of catalogue indicators is a :class:`~.base.Source`: opened with one
:class:`~.base.SourceContext` per refresh, it groups indicators into units (:meth:`unit`) and
fetches a unit into a :class:`~.base.FetchResult` (:meth:`fetch`). :data:`SOURCES` lists them
by the ``source.kind`` of indicators.yaml, in the order a refresh fetches them. PDOK serves
map boundaries, not indicators, so it is no such source: :mod:`.pdok` fills ``data/geo``.

Base URLs can be pointed elsewhere (a mirror, a recorded server) with environment
variables; :class:`Endpoints` reads them in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy_attributes
from .base import Endpoints, FetchResult, Source, SourceContext, Unit

if TYPE_CHECKING:
    from .cbs import CbsSource
    from .duo import DuoSource
    from .manual import ManualSource

_sources = lazy_attributes(__name__, {"CbsSource": ".cbs", "DuoSource": ".duo", "ManualSource": ".manual"})


def __getattr__(name: str):
    """The sources and :data:`SOURCES` load when first used (PEP 562): a run reads the curated
    tables through :mod:`.manual` without loading the CBS and DUO clients."""
    if name == "SOURCES":
        # kind → source, in the order a refresh fetches them and its manifest lists them
        from .cbs import CbsSource
        from .duo import DuoSource
        from .manual import ManualSource

        sources: dict[str, type[Source]] = {s.kind: s for s in (ManualSource, DuoSource, CbsSource)}
        globals()["SOURCES"] = sources  # once
        return sources
    return _sources(name)


def open_sources(context: SourceContext) -> dict[str, Source]:
    """Every source of :data:`SOURCES`, opened for one refresh."""
    return {kind: cls.open(context) for kind, cls in __getattr__("SOURCES").items()}


__all__ = [
    "SOURCES",
    "CbsSource",
    "DuoSource",
    "Endpoints",
    "FetchResult",
    "ManualSource",
    "Source",
    "SourceContext",
    "Unit",
    "open_sources",
]
