"""Words the board reads, in Dutch and English, from one file (``labels.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..config import LANGUAGES
from ..errors import InputError


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load((resources.files("signaal") / "text" / "labels.yaml").read_text("utf-8"))


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "nl", **values) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in."""
    entry = labels()[key]
    return entry[check_lang(lang)].format(**values) if values else entry[check_lang(lang)]
