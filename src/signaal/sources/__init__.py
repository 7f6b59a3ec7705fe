"""Live data sources: CBS StatLine (OData v3 and v4), PDOK, DUO and curated manual tables.

Every source is reached through one polite HTTP client (:mod:`.http`), keeps its raw
responses untouched under ``data/raw/`` (:mod:`.raw`), and hands tidy observations to
:mod:`signaal.refresh`, which writes them into a new immutable vintage.

Base URLs can be pointed elsewhere (a mirror, a recorded server) with environment
variables; :class:`Endpoints` reads them in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_CBS_V3_URL = "https://opendata.cbs.nl"
DEFAULT_CBS_V4_URL = "https://datasets.cbs.nl/odata/v1"
DEFAULT_PDOK_URL = "https://api.pdok.nl"
DEFAULT_DUO_URL = "https://onderwijsdata.duo.nl"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of the live sources (no trailing slash)."""

    cbs_v3: str = DEFAULT_CBS_V3_URL
    cbs_v4: str = DEFAULT_CBS_V4_URL
    pdok: str = DEFAULT_PDOK_URL
    duo: str = DEFAULT_DUO_URL

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Endpoints":
        env = os.environ if env is None else env

        def pick(name: str, default: str) -> str:
            return (env.get(name) or default).rstrip("/")

        return cls(
            cbs_v3=pick("SIGNAAL_CBS_V3_URL", DEFAULT_CBS_V3_URL),
            cbs_v4=pick("SIGNAAL_CBS_V4_URL", DEFAULT_CBS_V4_URL),
            pdok=pick("SIGNAAL_PDOK_URL", DEFAULT_PDOK_URL),
            duo=pick("SIGNAAL_DUO_URL", DEFAULT_DUO_URL),
        )
