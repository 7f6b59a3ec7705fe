"""The house style and the chart value: palette, fonts, style file, SVG serialisation.

Nothing here changes matplotlib's global state when it is imported: no backend is chosen and
no style is applied. Every chart function draws inside :func:`house_style` (the bundled fonts
and ``signaal.mplstyle`` for the length of one chart, then the analyst's own settings again)
on a figure of its own (:func:`figure`: a :class:`~matplotlib.figure.Figure` with the Agg
canvas, not a pyplot figure), so charts draw the same in a worker without a display and in a
notebook with ``%matplotlib inline`` or a GUI backend, and ``plt.show()`` and ``df.plot()`` in
the analyst's notebook are untouched. :func:`use_house_style` is the opt-in for analysts who
want their own charts in the house style too.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
import matplotlib.style
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

PALETTE = {
    "focus": "#0072B2",  # blue
    "national": "#333333",  # near black
    "province": "#E69F00",  # orange
    "peer": "#B8B8B8",  # light grey
    "accent": "#D55E00",  # vermillion: highlights, targets
    "good": "#009E73",  # bluish green
    "bad": "#D55E00",
    "neutral": "#999999",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
}
FONT_FILES = sorted((Path(str(resources.files("signaal"))) / "publish" / "fonts").glob("*.ttf"))
STYLE = str(resources.files("signaal") / "charts" / "signaal.mplstyle")
_fonts_registered = False
F = TypeVar("F", bound=Callable[..., Any])
# checks run on every figure before it becomes SVG (signaal.charts.checks.inspecting): the tests
# read tick labels and label boxes of every chart the sample draws
INSPECTORS: list[Callable[[Figure, str], None]] = []


def register_fonts() -> None:
    """Make the bundled Source Sans 3 known to matplotlib (once per process). Adding a font
    to the font list changes no setting: only a style that names it uses it."""
    global _fonts_registered
    if _fonts_registered:
        return
    for f in FONT_FILES:
        font_manager.fontManager.addfont(str(f))
    # the fallback family has no SemiBold; matplotlib says so on every title
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    _fonts_registered = True


@contextmanager
def house_style() -> Iterator[None]:
    """The house style for the length of a ``with`` block; the settings before it come back
    afterwards (``matplotlib.style.context``, which is ``rc_context`` with the style file)."""
    register_fonts()
    with matplotlib.style.context(STYLE):
        yield


def house_chart(fn: F) -> F:
    """A chart function drawn in the house style (:func:`house_style` around the whole call:
    drawing and saving both read the style)."""

    @functools.wraps(fn)
    def drawn(*args, **kwargs):
        with house_style():
            return fn(*args, **kwargs)

    return drawn  # type: ignore[return-value]


def figure(figsize: tuple[float, float] | None = None) -> Figure:
    """A figure of its own, outside pyplot: no global backend, no figure manager, nothing for
    ``plt.show()`` to pick up; its canvas (Agg) needs no display. Call inside :func:`house_style`
    so that the size, resolution and colours come from the style file."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def use_house_style() -> None:
    """Opt-in for analysts: the house style (fonts, sizes, grid; ``signaal.mplstyle``) for
    every chart of this session, your own ``plt.plot()`` and ``df.plot()`` included::

        import signaal.charts
        signaal.charts.use_house_style()

    This changes matplotlib's global settings (``matplotlib.style.use``); ``plt.rcdefaults()``
    undoes it. Signaal's own charts do not need it: they use :func:`house_style` per chart."""
    register_fonts()
    matplotlib.style.use(STYLE)


@dataclass
class Chart:
    """A drawn chart: its SVG (inline, unique ids, an accessible label) and its alt text."""

    svg: str
    alt: str

    def __repr__(self) -> str:  # the SVG is tens of kilobytes: never as text
        return f"Chart({self.alt[:60]!r}, {len(self.svg) // 1024} KB SVG)"

    def _repr_svg_(self) -> str:  # a Chart as a notebook's last expression shows as a picture
        return self.svg


PAD_INCHES = 0.05  # white space around a chart's tight box


def tight_box(fig: Figure) -> Bbox:
    """The box around everything ``fig`` shows, padded, in inches, measured as the SVG writer
    measures text (at 72 dpi).

    ``savefig(bbox_inches="tight")`` finds this box by drawing the whole figure once without
    output and then draws it again to write it, so every chart would be laid out twice (a
    fifth of a chart's cost). The box only needs each axes' limits brought up to date
    (autoscaling is lazy: a label placed in data coordinates is measured against stale limits
    otherwise) and fixed-aspect axes placed; :func:`to_svg` then writes the figure in one draw."""
    from matplotlib.backends.backend_svg import RendererSVG

    dpi = fig.dpi
    fig.dpi = 72  # as the SVG writer sets it
    try:
        width, height = fig.get_size_inches() * 72
        renderer = RendererSVG(width, height, io.StringIO())
        for ax in fig.axes:
            ax.get_xlim()  # brings the view limits up to date
        return fig.get_tightbbox(renderer).padded(PAD_INCHES)
    finally:
        fig.dpi = dpi


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_GROUP_TAG = re.compile(r'<g id="([^"]*)">|<g\b[^>]*>|</g>')
_REFERENCE = re.compile(r'#([^")\s]+)')


def _without_plain_groups(svg: str) -> str:
    """The SVG without the groups that carry nothing but an id nobody refers to.

    matplotlib wraps every artist in such a group (``<g id="line2d_3">``): a chart has a few
    hundred, and WeasyPrint cascades, transforms and draws each as a node of its own (about a
    fifth of a chart's drawing time in a PDF). A group without attributes changes nothing
    about how its children look, so they take its place."""
    referenced = set(_REFERENCE.findall(svg))
    out: list[str] = []
    plain: list[bool] = []
    pos = 0
    for m in _GROUP_TAG.finditer(svg):
        tag = m.group()
        if tag == "</g>":
            keep = not (plain.pop() if plain else False)
        elif tag.endswith("/>"):
            keep = True
        else:
            drop = m.group(1) is not None and m.group(1) not in referenced
            plain.append(drop)
            keep = not drop
        out.append(svg[pos : m.start()])
        if keep:
            out.append(tag)
        pos = m.end()
    out.append(svg[pos:])
    return "".join(out)


def to_svg(fig: Figure, alt: str) -> Chart:
    """Serialise a figure as inline SVG with unique ids and an accessible label, cut to
    :func:`tight_box`."""
    buf = io.StringIO()
    for inspect in list(INSPECTORS):
        inspect(fig, alt)
    fig.savefig(buf, format="svg", bbox_inches=tight_box(fig), metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    svg = _METADATA.sub("", svg, count=1)  # matplotlib's RDF block says only "an image"
    svg = _without_plain_groups(svg)
    # unique ids per chart, so that several inline SVGs in one page do not clash
    token = f"c{zlib.crc32(svg.encode()):08x}"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{token}{m.group(1)}"', svg)
    svg = re.sub(r"#([A-Za-z_][\w.-]*)\)", lambda m: f"#{token}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{token}{m.group(1)}"', svg)
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return Chart(svg=svg, alt=alt)
