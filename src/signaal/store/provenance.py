"""Which figures of a vintage are real, derived or synthetic, and where the real ones came from.

A live vintage holds real figures only. The bundled sample mixes them: real CBS extracts where
the project has one (``data/real``), figures derived from them (a COROP total as the sum of its
municipalities), and synthetic figures elsewhere. Its manifest says which, per indicator and
region level, under ``figures``::

    "figures": {
      "banen_werknemers": {"table": "83582NED", "first": "2010", "last": "2024",
                           "levels": {"corop": "real", "provincie": "derived", "land": "derived"},
                           "derived_from": {"provincie": "corop", "land": "corop"}},
      "werkloosheid": {"levels": {"land": "synthetic", "provincie": "synthetic", ...}}
    }

The real tables themselves are in the manifest's ``sources`` (title, ``Modified``, retrieval
date as the origin states it, licence, the files), as a refresh records them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REAL, DERIVED, SYNTHETIC = "real", "derived", "synthetic"


@dataclass
class Provenance:
    """What a vintage's manifest says about the origin of its figures."""

    figures: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    is_sample: bool = False

    @classmethod
    def of(cls, manifest: dict | None) -> Provenance:
        m = manifest or {}
        return cls(
            figures=dict(m.get("figures") or {}),
            sources=dict(m.get("sources") or {}),
            is_sample=bool(m.get("is_sample")),
        )

    @property
    def records_figures(self) -> bool:
        """Whether the manifest says per indicator what is real (a sample without the record is all synthetic)."""
        return bool(self.figures)

    def levels(self, indicator: str) -> dict[str, str]:
        """Per level the indicator has in the vintage: ``real``, ``derived`` or ``synthetic``;
        {} when the manifest does not say (a live vintage: all real; an old sample: all synthetic)."""
        return dict((self.figures.get(indicator) or {}).get("levels") or {})

    def kind(self, indicator: str, level: str) -> str:
        """``real``, ``derived`` or ``synthetic`` for one level of an indicator."""
        found = self.levels(indicator).get(level)
        if found:
            return found
        return SYNTHETIC if self.is_sample else REAL

    def derived_from(self, indicator: str) -> dict[str, str]:
        """Levels computed as sums of another level (``{"corop": "gemeente"}``)."""
        return dict((self.figures.get(indicator) or {}).get("derived_from") or {})

    def table(self, indicator: str) -> str | None:
        """The real table an indicator's real figures came from (None: no real figures)."""
        return (self.figures.get(indicator) or {}).get("table")

    def source(self, indicator: str) -> dict:
        """The manifest's record of the real table behind an indicator ({} when there is none)."""
        table = self.table(indicator)
        return dict(self.sources.get(table) or {}) if table else {}

    def summary(self, indicator: str) -> str:
        """``real``, ``synthetic`` or ``mixed`` for the indicator as a whole (derived counts as real)."""
        kinds = set(self.levels(indicator).values()) or {SYNTHETIC if self.is_sample else REAL}
        real = bool(kinds & {REAL, DERIVED})
        if real and SYNTHETIC in kinds:
            return "mixed"
        return REAL if real else SYNTHETIC

    @property
    def mixes_real_and_synthetic(self) -> bool:
        kinds = {self.summary(i) for i in self.figures}
        return bool(kinds & {REAL, "mixed"}) and bool(kinds & {SYNTHETIC, "mixed"})
