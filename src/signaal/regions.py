"""The region registry: CBS region codes, names and parents, read from data files.

``reference/regions.csv`` lists the Netherlands, its 12 provinces, the 40 COROP regions and
the municipalities with their parent (municipality → COROP → province → NL), and the 35
labour-market regions (``AM..``, the UWV division CBS publishes WW benefits for; their names as
CBS's real code list gives them, e.g. ``AM05`` "Twente (AM)"). A labour-market region lies in
the Netherlands but not inside one province (FoodValley spans Gelderland and Utrecht), so its
parent is NL01; which labour-market region covers the same area as a COROP region is stated
only where a real source lists the municipalities (``labour_market_regions`` in regions.yaml).
Region settings (default focus region, peers, demonyms) are in ``reference/regions.yaml``.
Codes are CBS codes with CBS's trailing-space padding stripped (:func:`normalise_code`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import InputError

LEVELS = ("land", "provincie", "corop", "arbeidsmarktregio", "gemeente")
PREFIX = {"land": "NL", "provincie": "PV", "corop": "CR", "arbeidsmarktregio": "AM", "gemeente": "GM"}


def normalise_code(code: str) -> str:
    """Strip CBS padding (``'GM0153    '`` → ``'GM0153'``); map ``NL00`` to ``NL01``."""
    code = str(code).strip().upper()
    return "NL01" if code == "NL00" else code


@dataclass(frozen=True)
class Region:
    code: str
    name_nl: str
    name_en: str
    level: str
    parent: str | None
    inhabitants: int | None = None
    x_rd: float | None = None  # a point inside the region, RD New metres (for tile maps)
    y_rd: float | None = None

    def name(self, lang: str = "nl") -> str:
        return self.name_nl if lang == "nl" else self.name_en


@dataclass
class Registry:
    regions: dict[str, Region]
    settings: dict = field(default_factory=dict)

    # ---- loading ------------------------------------------------------------------
    @classmethod
    def load(cls, csv_path: Path | None = None, settings_path: Path | None = None) -> Registry:
        ref = resources.files("signaal") / "reference"
        csv_text = Path(csv_path).read_text("utf-8") if csv_path else (ref / "regions.csv").read_text("utf-8")
        settings_text = (
            Path(settings_path).read_text("utf-8") if settings_path else (ref / "regions.yaml").read_text("utf-8")
        )
        regions: dict[str, Region] = {}
        for row in csv.DictReader(csv_text.splitlines()):
            code = normalise_code(row["code"])
            if row["level"] not in LEVELS:
                raise ValueError(f"regions.csv: {code} has unknown level {row['level']!r}; valid: {LEVELS}")
            pop = row.get("inhabitants_2023") or ""
            regions[code] = Region(
                code=code,
                name_nl=row["name_nl"],
                name_en=row["name_en"] or row["name_nl"],
                level=row["level"],
                parent=normalise_code(row["parent"]) if row["parent"] else None,
                inhabitants=int(pop) if pop else None,
                x_rd=float(row["x_rd"]) if row.get("x_rd") else None,
                y_rd=float(row["y_rd"]) if row.get("y_rd") else None,
            )
        for r in regions.values():
            if r.parent and r.parent not in regions:
                raise ValueError(f"regions.csv: parent {r.parent} of {r.code} is not in the registry")
        settings = yaml.safe_load(settings_text) or {}
        for corop, entry in (settings.get("labour_market_regions") or {}).items():
            am = normalise_code((entry or {}).get("code", ""))
            if regions.get(normalise_code(corop)) is None or regions.get(am) is None:
                raise ValueError(
                    f"regions.yaml: labour_market_regions {corop}: {am or '(no code)'} is not in the registry"
                )
            if regions[am].level != "arbeidsmarktregio" or regions[normalise_code(corop)].level != "corop":
                raise ValueError(
                    f"regions.yaml: labour_market_regions maps a COROP region to an AM code, not {corop} to {am}"
                )
        return cls(regions=regions, settings=settings)

    # ---- look-up ------------------------------------------------------------------
    def __contains__(self, code: str) -> bool:
        return normalise_code(code) in self.regions

    def __getitem__(self, code: str) -> Region:
        return self.get(code)

    def get(self, code: str) -> Region:
        key = normalise_code(code)
        try:
            return self.regions[key]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(key, list(self.regions), n=2, cutoff=0.8)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            raise InputError(
                f"unknown region {code!r}; {hint}valid: NL01, a province PV20-PV31, a COROP region "
                "CR01-CR40 (e.g. CR12 Twente), a labour-market region AM01-AM38 (e.g. AM05) or a "
                "municipality code from the registry (e.g. GM0153)"
            ) from None

    def codes(self, level: str | None = None) -> list[str]:
        return sorted(c for c, r in self.regions.items() if level is None or r.level == level)

    def children(self, code: str, level: str | None = None) -> list[str]:
        """Direct members of a region (a COROP's municipalities), or all descendants at ``level``."""
        code = self.get(code).code
        if level is None:
            return sorted(c for c, r in self.regions.items() if r.parent == code)
        return sorted(c for c, r in self.regions.items() if r.level == level and code in self.ancestors(c))

    def ancestors(self, code: str) -> list[str]:
        out, node = [], self.get(code).parent
        while node:
            out.append(node)
            node = self.regions[node].parent
        return out

    def province_of(self, code: str) -> str | None:
        return next(
            (a for a in [self.get(code).code, *self.ancestors(code)] if self.regions[a].level == "provincie"), None
        )

    @property
    def national(self) -> str:
        return normalise_code(self.settings.get("national", "NL01"))

    @property
    def default_focus(self) -> str:
        return normalise_code(self.settings.get("default_focus", "CR12"))

    def focus(self, code: str | None) -> Region:
        """Validate a focus region: it must be a COROP region."""
        key = normalise_code(code or self.default_focus)
        if key not in self.regions:
            import difflib

            close = difflib.get_close_matches(key, self.codes("corop"), n=2, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            raise InputError(
                f"unknown region {code!r}; {hint}valid: a COROP region CR01-CR40 (e.g. CR12 Twente, CR10 Noord-Overijssel)"
            )
        region = self.regions[key]
        if region.level != "corop":
            raise InputError(
                f"focus region {code!r} is a {region.level}, not a COROP region; valid: "
                f"{', '.join(self.codes('corop')[:6])}, … CR40"
            )
        return region

    def peers(self, code: str) -> list[str]:
        code = self.get(code).code
        configured = (self.settings.get("peers") or {}).get(code)
        if configured:
            return [normalise_code(c) for c in configured if normalise_code(c) != code]
        province = self.province_of(code)
        same = [c for c in self.children(province, "corop") if c != code] if province else []
        extra = [normalise_code(c) for c in self.settings.get("fallback_peers", []) if normalise_code(c) not in same]
        return [c for c in same + extra if c != code]

    def labour_market_region(self, code: str) -> str | None:
        """The labour-market region (``AM..``) covering the same municipalities as a COROP region,
        where a real source says so (``labour_market_regions`` in regions.yaml); else None."""
        entry = (self.settings.get("labour_market_regions") or {}).get(self.get(code).code) or {}
        am = normalise_code(entry["code"]) if entry.get("code") else None
        return am if am in self.regions else None

    def board(self, code: str, lang: str = "nl") -> str:
        """The board a focus region's briefings are for ("Twente Board"), else "Signaal"."""
        entry = (self.settings.get("boards") or {}).get(self.get(code).code) or {}
        return entry.get(lang) or entry.get("nl") or "Signaal"

    def display_name(self, code: str, lang: str = "nl") -> str:
        """A region's name standing alone (a column head, a legend, a title): the country as
        'Nederland' / 'The Netherlands' (the words of labels.yaml, first letter upper case),
        any other region by its name. In a sentence use ``t("netherlands", lang)``."""
        from .text import t, upper_first

        region = self.get(code)
        if region.code == self.national:
            return upper_first(t("netherlands", lang))
        return region.name(lang)

    def sentence_name(self, code: str, lang: str = "nl") -> str:
        """A region's name inside a sentence: the country as 'Nederland' / 'the Netherlands'
        (``t("netherlands")``, lower case where the language wants it), any other region by its
        name; a code the registry does not know stays as it is."""
        from .text import t

        if code == self.national:
            return t("netherlands", lang)
        return self.regions[code].name(lang) if code in self.regions else code

    def board_text(self, code: str, key: str, lang: str = "nl") -> str | None:
        """A text of the region's board in ``regions.yaml`` (e.g. ``travel_ambition``), if any."""
        entry = ((self.settings.get("boards") or {}).get(self.get(code).code) or {}).get(key) or {}
        return entry.get(lang) or entry.get("nl") or None

    def demonym(self, code: str, lang: str = "nl") -> str:
        entry = (self.settings.get("demonyms") or {}).get(self.get(code).code)
        if entry and entry.get(lang):
            return entry[lang]
        from .text import t

        return t("demonym_default", lang, name=self.get(code).name(lang))


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry shipped with the package (cached)."""
    return Registry.load()
