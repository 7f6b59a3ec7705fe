"""Words the board reads, in Dutch and English, from one file (``labels.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..config import LANGUAGES
from ..errors import InputError


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    text = (resources.files("signaal") / "text" / "labels.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10× faster


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "nl", **values) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in."""
    entry = labels()[key]
    return entry[check_lang(lang)].format(**values) if values else entry[check_lang(lang)]


def upper_first(text: str) -> str:
    """The text with only its first character in upper case, for a name standing alone
    ('the Netherlands' → 'The Netherlands', 'COROP-gebied' stays 'COROP-gebied').
    ``str.capitalize`` would lower-case the rest ('The netherlands', 'Corop-gebied')."""
    return text[:1].upper() + text[1:]


def vintage_label(is_sample: bool, vintage_id: str | None, lang: str = "nl") -> str:
    """How the data behind a document is named on it: 'voorbeelddata (synthetisch)' for the
    bundled sample, else 'gegevensversie <id>'."""
    return t("vintage_sample", lang) if is_sample else t("vintage_live", lang, id=vintage_id or "")


def sample_watermark(is_sample: bool, lang: str = "nl") -> str:
    """The watermark every page made from the bundled sample carries ('' for live data)."""
    from ..config import SAMPLE_WATERMARK

    return SAMPLE_WATERMARK.get(check_lang(lang), SAMPLE_WATERMARK["nl"]) if is_sample else ""
