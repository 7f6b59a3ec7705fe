"""The house style and the chart value: palette, fonts, style file, SVG serialisation."""

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
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    # unique ids per chart, so that several inline SVGs in one page do not clash
    token = f"c{zlib.crc32(svg.encode()):08x}"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{token}{m.group(1)}"', svg)
    svg = re.sub(r"#([A-Za-z_][\w.-]*)\)", lambda m: f"#{token}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{token}{m.group(1)}"', svg)
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return Chart(svg=svg, alt=alt)
