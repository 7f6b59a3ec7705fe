"""The quarter's ``index.html``: one page that links every output of a run.

Self-contained (inline CSS, no scripts, nothing from the internet), every text escaped by
Jinja2's autoescape, every link relative to the report folder so the folder can be moved,
zipped or served as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

TEMPLATE = "quarter_index.html.j2"


@dataclass
class Link:
    text: str
    href: str


@dataclass
class Row:
    title: str
    links: list[Link] = field(default_factory=list)
    status: str = ""             # "" when fine, else a short word
    error: str = ""


def render_index(
    *,
    lang: str,
    region_name: str,
    quarter_label: str,
    vintage_label: str,
    is_sample: bool,
    watermark: str,
    version: str,
    date: dt.date,
    packs: list[Row],
    themes: list[Row],
    factsheets: list[Row],
    data_links: list[Link],
    problems: list[str],
    kicker: str,
    fonts_css: str = "",
) -> str:
    """The page. ``packs``: a row per board pack in the folder (its title only says a language
    other than the page's); ``fonts_css``: the bundled fonts' @font-face rules, so that the
    page looks like the briefings."""
    import jinja2

    from ..briefing.pages import long_date
    from ..text import t

    folder = resources.files("signaal") / "publish" / "templates" / "signaal"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(
        lang=lang, t=lambda key, **kw: t(key, lang, **kw), region_name=region_name, quarter_label=quarter_label,
        vintage_label=vintage_label, is_sample=is_sample, watermark=watermark, version=version,
        date_label=long_date(date, lang), packs=packs, themes=themes, factsheets=factsheets,
        data_links=data_links, problems=problems, kicker=kicker, fonts_css=fonts_css,
    )


def write_index(path: Path, html: str) -> None:
    from ..files import write_atomic

    write_atomic(Path(path), html.encode("utf-8"))
