"""Who gets a factsheet and where it goes: the subjects of a run, their file names and the
indicators they show. Kept apart from :mod:`.factsheets` (which draws them) so that planning a
run, and a run that reuses every factsheet, loads no charts or pandas."""

from __future__ import annotations

import re
import unicodedata

from ..catalogue import catalogue
from ..regions import registry

# Key figures shown, in this order (when the data has them for the region). Headline
# indicators of the catalogue (``signals.headline``) published at the factsheet's level are
# always shown, also when they are not in this list.
FACTSHEET_INDICATORS = (
    "bevolking",
    "netto_arbeidsparticipatie",
    "werkloosheid",
    "banengroei",
    "hoogopgeleiden",
    "jongeren_werkzaam",
    "mediaan_inkomen",
    "laag_inkomen",
    "woz_waarde",
    "woningvoorraad",
    "afstand_treinstation",
    "btg_rapportcijfer",
)
FOLDERS = {"gemeente": "gemeenten", "corop": "regios"}
MODES = {"gemeenten": "gemeente", "corop": "corop"}


def slugify(name: str) -> str:
    """A file-name-safe version of a Dutch place name: 'Súdwest-Fryslân' → 'sudwest-fryslan'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "regio"


def subjects(focus: str, mode: str = "gemeenten") -> list[str]:
    """The regions that get a factsheet: the focus region's municipalities, or all COROP regions."""
    reg = registry()
    if mode == "gemeenten":
        return reg.children(focus, "gemeente")
    if mode == "corop":
        return reg.codes("corop")
    raise ValueError(f"unknown factsheet mode {mode!r}; valid: {', '.join(MODES)}")


def factsheet_path(code: str, lang: str = "nl") -> str:
    """``gemeenten/GM0153-enschede.pdf`` (``.en.pdf`` for English)."""
    region = registry()[code]
    folder = FOLDERS.get(region.level, "regios")
    suffix = ".pdf" if lang == "nl" else f".{lang}.pdf"
    return f"{folder}/{region.code}-{slugify(region.name_nl)}{suffix}"


def indicator_ids(level: str = "gemeente") -> list[str]:
    cat = catalogue()
    ids = [i for i in FACTSHEET_INDICATORS if i in cat and level in cat[i].levels]
    ids += [i.id for i in cat.indicators.values() if i.signals.headline and level in i.levels and i.id not in ids]
    return ids
