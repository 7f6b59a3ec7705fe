"""The indicator catalogue: load, validate and look up indicators and themes.

>>> from signaal.catalogue import catalogue
>>> cat = catalogue()
>>> cat["werkloosheid"].unit
'percent'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import CatalogueError, InputError, suggest
from .schema import CatalogueFile, Indicator, Theme, ThemesFile

__all__ = ["Catalogue", "Indicator", "Theme", "catalogue", "load_catalogue"]


def _describe(error: ValidationError, items: list[dict], label: str, path: str) -> str:
    """Turn the first pydantic error into one line that names the entry and the field."""
    first = error.errors()[0]
    loc = list(first["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == label and isinstance(loc[1], int):
        idx = loc[1]
        entry_id = (
            items[idx].get("id", f"#{idx + 1}") if idx < len(items) and isinstance(items[idx], dict) else f"#{idx + 1}"
        )
        where = f" entry {entry_id!r}"
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "(entry)"
    kind = first["type"]
    if kind == "extra_forbidden":
        msg = f"unknown field {field!r} (a typo?)"
    elif kind == "missing":
        msg = f"missing required field {field!r}"
    else:
        msg = f"field {field!r}: {first['msg']}"
        if "input" in first and not isinstance(first["input"], (dict, list)):
            msg += f" (got {first['input']!r})"
    return f"catalogue {path}:{where} {msg}"


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    themes: dict[str, Theme]

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self.get(indicator_id)

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self.indicators

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise InputError(
                f"unknown indicator {indicator_id!r}; {suggest(indicator_id, sorted(self.indicators))}"
            ) from None

    def theme(self, theme_id: str) -> Theme:
        try:
            return self.themes[theme_id]
        except KeyError:
            raise InputError(f"unknown theme {theme_id!r}; {suggest(theme_id, self.theme_ids())}") from None

    def theme_ids(self) -> list[str]:
        return [t.id for t in sorted(self.themes.values(), key=lambda t: t.order)]

    def for_theme(self, theme_id: str) -> list[Indicator]:
        self.theme(theme_id)
        return [i for i in self.indicators.values() if i.theme == theme_id]

    def dependencies(self, indicator_id: str) -> list[str]:
        """Stored indicators an indicator is computed from (itself when stored)."""
        ind = self.get(indicator_id)
        if ind.transform is None:
            return [ind.id]
        transform = ind.transform
        out: list[str] = []
        for op in (transform.numerator, transform.denominator, transform.of, transform.deflator):
            if op:
                out.extend(d for d in self.dependencies(op) if d not in out)
        return out

    def stored(self) -> list[Indicator]:
        """Indicators whose values live in the store (not computed)."""
        return [i for i in self.indicators.values() if i.transform is None]


def load_catalogue(indicators_path: Path | None = None, themes_path: Path | None = None) -> Catalogue:
    here = resources.files("signaal") / "catalogue"
    ind_path = Path(indicators_path) if indicators_path else Path(str(here / "indicators.yaml"))
    th_path = Path(themes_path) if themes_path else Path(str(here / "themes.yaml"))
    docs = {}
    for key, path in (("indicators", ind_path), ("themes", th_path)):
        try:
            docs[key] = _load_yaml(path.read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" line {mark.line + 1}" if mark else ""
            raise CatalogueError(
                f"catalogue {path.name}:{at} is not valid YAML: {getattr(exc, 'problem', exc)}"
            ) from None
    try:
        themes_file = ThemesFile.model_validate(docs["themes"])
    except ValidationError as exc:
        raise CatalogueError(_describe(exc, docs["themes"].get("themes", []), "themes", th_path.name)) from None
    try:
        cat_file = CatalogueFile.model_validate(docs["indicators"])
    except ValidationError as exc:
        raise CatalogueError(
            _describe(exc, docs["indicators"].get("indicators", []), "indicators", ind_path.name)
        ) from None

    themes = {t.id: t for t in themes_file.themes}
    indicators: dict[str, Indicator] = {}
    for ind in cat_file.indicators:
        if ind.id in indicators:
            raise CatalogueError(f"catalogue {ind_path.name}: indicator {ind.id!r} is defined twice")
        if ind.theme not in themes:
            raise CatalogueError(
                f"catalogue {ind_path.name}: entry {ind.id!r} has unknown theme {ind.theme!r}; "
                f"valid: {', '.join(themes)}"
            )
        indicators[ind.id] = ind
    for ind in indicators.values():
        if ind.transform:
            for op in (ind.transform.numerator, ind.transform.denominator, ind.transform.of, ind.transform.deflator):
                if op and op not in indicators:
                    raise CatalogueError(
                        f"catalogue {ind_path.name}: entry {ind.id!r} is computed from unknown indicator {op!r}"
                    )
        if ind.meaning and ind.meaning.per not in indicators:
            raise CatalogueError(
                f"catalogue {ind_path.name}: entry {ind.id!r}: meaning.per names unknown indicator "
                f"{ind.meaning.per!r}; valid: a count of the catalogue such as bevolking"
            )
    return Catalogue(indicators=indicators, themes=themes)


def _load_yaml(text: str):
    """YAML with libyaml when it is there (ten times faster: every kernel and worker reads the
    catalogue); bad YAML is read again by the Python loader, whose message names the problem."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue shipped with the package (validated once per process)."""
    return load_catalogue()
