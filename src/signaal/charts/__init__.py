"""Charts in one house style: one function per chart, SVG out, alt text included.

The style file ``signaal.mplstyle`` sets fonts, grid and sizes; :data:`PALETTE` is the
Okabe–Ito colour-blind-safe palette. The focus region is always the strong blue line or bar,
the Netherlands dark grey and dashed, the province orange, peers light grey. Every chart
function returns a :class:`Chart` (SVG text plus alt text), which a topic page embeds.

Modules: :mod:`.time` (series over time), :mod:`.compare` (municipalities, rank among COROP
regions), :mod:`.maps` (choropleth from real boundaries, else a labelled tile map),
:mod:`.special` (target progress, travel times), :mod:`.topic` (the composite figure of a
topic page).
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

PALETTE = {
    "focus": "#0072B2",      # blue
    "national": "#333333",   # near black
    "province": "#E69F00",   # orange
    "peer": "#B8B8B8",       # light grey
    "accent": "#D55E00",     # vermillion: highlights, targets
    "good": "#009E73",       # bluish green
    "bad": "#D55E00",
    "neutral": "#999999",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
}
FONT_FILES = sorted((Path(str(resources.files("signaal"))) / "publish" / "fonts").glob("*.ttf"))
STYLE = str(resources.files("signaal") / "charts" / "signaal.mplstyle")
_registered = False


def use_house_style() -> None:
    """Register the bundled fonts and apply the style file (idempotent)."""
    global _registered
    if not _registered:
        import logging

        for f in FONT_FILES:
            font_manager.fontManager.addfont(str(f))
        # the fallback family has no SemiBold; matplotlib says so on every title
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        _registered = True
    plt.style.use(STYLE)


@dataclass
class Chart:
    svg: str
    alt: str

    def _repr_svg_(self) -> str:  # shows in JupyterLab too
        return self.svg


def to_svg(fig, alt: str) -> Chart:
    """Serialise a figure as inline SVG with unique ids and an accessible label."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    # unique ids per chart, so that several inline SVGs in one page do not clash
    token = f"c{zlib.crc32(svg.encode()):08x}"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{token}{m.group(1)}"', svg)
    svg = re.sub(r"#([A-Za-z_][\w.-]*)\)", lambda m: f"#{token}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{token}{m.group(1)}"', svg)
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return Chart(svg=svg, alt=alt)


from .compare import bars, rank_strip  # noqa: E402
from .maps import choropleth, tiles  # noqa: E402
from .special import target_progress, travel_times  # noqa: E402
from .time import band, line  # noqa: E402
from .topic import topic_chart  # noqa: E402

__all__ = [
    "PALETTE", "Chart", "use_house_style", "to_svg", "line", "band", "bars", "rank_strip",
    "choropleth", "tiles", "target_progress", "travel_times", "topic_chart",
]
