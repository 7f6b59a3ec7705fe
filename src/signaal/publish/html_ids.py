"""Ids in a page made of several documents (the board pack): unique, every link resolving.

The pack puts several documents in one page: every theme section shows its notebook's own
signal board, topic pages and charts, so the same ids come back (a signal on the pack's
board and on its theme's board, identical sparklines). Each section's ids get the section
as prefix (its links to them follow), each chart's ids get a prefix of their own (the
references inside the chart follow), and links between sections are resolved at the end.
"""

from __future__ import annotations

import re

_SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
_ID_RE = re.compile(r'(\sid=")([^"]+)(")')
_HREF_RE = re.compile(r'(?<![:\w-])href="#([^"]*)"')  # not xlink:href (inside charts)
_ANY_HREF_RE = re.compile(r'((?:xlink:)?href=")#([^"]*)(")')
_URL_RE = re.compile(r"""url\(\s*(["']?)#([^"')\s]+)\1\s*\)""")


def _outside_charts(html: str, fn) -> str:
    """``fn`` applied to the HTML between the SVGs (a chart's ids are its own business)."""
    out, pos = [], 0
    for m in _SVG_RE.finditer(html):
        out += [fn(html[pos : m.start()]), m.group(0)]
        pos = m.end()
    out.append(fn(html[pos:]))
    return "".join(out)


def html_ids(html: str) -> set[str]:
    """The ids of a fragment outside its charts."""
    return {m.group(2) for m in _ID_RE.finditer(_SVG_RE.sub("", html))}


def prefix_ids(html: str, prefix: str, targets: set[str] | None = None) -> str:
    """Every id of a fragment (outside its charts) as ``<prefix>-<id>``, and its links to
    ``targets`` (default: its own ids; a theme section passes the ids of all its blocks, so
    that "in het kort" still points at its topic pages) rewritten the same way."""
    targets = html_ids(html) if targets is None else targets

    def rewrite(part: str) -> str:
        part = _ID_RE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", part)
        return _HREF_RE.sub(lambda m: f'href="#{prefix}-{m.group(1)}"' if m.group(1) in targets else m.group(0), part)

    return _outside_charts(html, rewrite)


def unique_chart_ids(html: str) -> str:
    """Each chart's ids with a prefix of its own (``g3-…``), and the references inside that
    chart (``url(#…)``, ``xlink:href``, ``href``) with them: two identical charts in one page
    (the same sparkline on two boards) no longer share ids."""
    counter = [0]

    def one(m: re.Match) -> str:
        svg = m.group(0)
        ids = {i.group(2) for i in _ID_RE.finditer(svg)}
        if not ids:
            return svg
        counter[0] += 1
        p = f"g{counter[0]}-"
        svg = _ID_RE.sub(lambda i: f"{i.group(1)}{p}{i.group(2)}{i.group(3)}", svg)
        svg = _ANY_HREF_RE.sub(
            lambda r: f"{r.group(1)}#{p}{r.group(2)}{r.group(3)}" if r.group(2) in ids else r.group(0), svg
        )
        return _URL_RE.sub(
            lambda u: f"url({u.group(1)}#{p}{u.group(2)}{u.group(1)})" if u.group(2) in ids else u.group(0), svg
        )

    return _SVG_RE.sub(one, html)


def dedupe_ids(html: str) -> str:
    """A last guard: an id that still occurs twice keeps its first use (links point there);
    later ones get ``-2``, ``-3``."""
    seen: set[str] = set(m.group(2) for m in _ID_RE.finditer(html))
    used: set[str] = set()

    def fix(m: re.Match) -> str:
        value = m.group(2)
        if value not in used:
            used.add(value)
            return m.group(0)
        n = 2
        while f"{value}-{n}" in seen or f"{value}-{n}" in used:
            n += 1
        used.add(f"{value}-{n}")
        return f"{m.group(1)}{value}-{n}{m.group(3)}"

    return _ID_RE.sub(fix, html)


def resolve_links(body: str) -> str:
    """Every in-page link of the pack points at an id in it: a link to a topic that is in
    another section goes there; one that is nowhere loses its target (its text stays)."""
    ids = set(m.group(2) for m in _ID_RE.finditer(body))
    by_topic: dict[str, str] = {}
    for i in sorted(ids):
        m = re.fullmatch(r"(.+)-(topic-.+)", i)
        if m:
            by_topic.setdefault(m.group(2), i)

    def fix(m: re.Match) -> str:
        target = m.group(1)
        if target in ids:
            return m.group(0)
        topic = re.sub(r"^.*?(topic-.+)$", r"\1", target)
        return f'href="#{by_topic[topic]}"' if topic in by_topic else ""

    return _HREF_RE.sub(fix, body)
