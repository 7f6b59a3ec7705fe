"""Charts in one house style: one function per chart, SVG out, alt text included.

The style file ``signaal.mplstyle`` sets fonts, grid and sizes; :data:`PALETTE` is the
Okabe–Ito colour-blind-safe palette. The focus region is always the strong blue line or bar,
the Netherlands dark grey and dashed, the province orange, peers light grey. Every chart
function returns a :class:`Chart` (SVG text plus alt text), which a topic page embeds.

Importing this package changes no global matplotlib setting (no backend, no rcParams): each
chart is drawn in :func:`house_style` on a :func:`figure` of its own. Analysts who want the
house style for their own charts too call :func:`use_house_style` (global, opt-in)::

    import signaal.charts
    signaal.charts.use_house_style()   # from here on plt.plot() and df.plot() look like ours

Modules: :mod:`.time` (series over time), :mod:`.compare` (municipalities, rank among COROP
regions), :mod:`.maps` (choropleth from real boundaries, else a labelled tile map),
:mod:`.special` (target progress, travel times, institutions), :mod:`.topic` (the composite figure of a
topic page).
"""

from __future__ import annotations

from .base import FONT_FILES, PALETTE, STYLE, Chart, figure, house_chart, house_style, to_svg, use_house_style
from .compare import bars, rank_strip
from .maps import choropleth, tiles
from .special import institutions, target_progress, travel_times
from .time import band, line
from .topic import topic_chart

__all__ = [
    "FONT_FILES",
    "STYLE",
    "PALETTE",
    "Chart",
    "use_house_style",
    "house_style",
    "house_chart",
    "figure",
    "to_svg",
    "line",
    "band",
    "bars",
    "rank_strip",
    "choropleth",
    "tiles",
    "target_progress",
    "travel_times",
    "institutions",
    "topic_chart",
]
