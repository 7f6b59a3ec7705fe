"""Labels that never collide: a white halo where a label may cross a line, greedy placement
of point labels (the first candidate position whose box overlaps nothing placed before), and
axes that widen until their labels fit inside.

Boxes are measured with the figure's renderer (the text as it will be drawn), so place labels
after the axis limits are final.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from matplotlib.text import Text
from matplotlib.transforms import Bbox

# candidate offsets in points, nearest first: right, left, above, below, then the diagonals and further out
OFFSETS: tuple[tuple[float, float], ...] = (
    (5, 0),
    (-5, 0),
    (0, 6),
    (0, -6),
    (5, 6),
    (-5, 6),
    (5, -6),
    (-5, -6),
    (10, 10),
    (-10, 10),
    (10, -10),
    (-10, -10),
    (0, 13),
    (0, -13),
    (16, 0),
    (-16, 0),
)


def halo(text: Text, opacity: float = 0.82) -> Text:
    """A white ground close round the label, so that a line crossing it does not strike it
    through. (A stroke path effect would look finer, but turns the text into paths in the SVG:
    the label could no longer be searched, selected or read aloud.)"""
    text.set_bbox(dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none", alpha=opacity))
    return text


def renderer_of(ax):
    """The renderer that will draw ``ax`` (a bare ``Figure()`` gets an Agg canvas first)."""
    canvas = ax.figure.canvas
    if not hasattr(canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(ax.figure)
    return canvas.get_renderer()


def box(artist, renderer, pad: float = 1.0) -> Bbox:
    """The artist's box on the canvas, ``pad`` pixels larger on every side."""
    return artist.get_window_extent(renderer).padded(pad)


def overlaps(a: Bbox, b: Bbox, slack: float = 0.0) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > slack and min(a.y1, b.y1) - max(a.y0, b.y0) > slack


def _area(a: Bbox, b: Bbox) -> float:
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def _align(dx: float, dy: float) -> tuple[str, str]:
    ha = "left" if dx > 0 else ("right" if dx < 0 else "center")
    va = "bottom" if dy > 0 else ("top" if dy < 0 else "center")
    return ha, va


def cheapest(candidates: Iterable[tuple[Text, float]]) -> Text:
    """The candidate label of least cost (the first of equal ones); the others are removed from
    the axes. Candidates are drawn one at a time, and the search stops at one that costs nothing."""
    best, best_cost = None, None
    for text, cost in candidates:
        if best_cost is None or cost < best_cost:
            if best is not None:
                best.remove()
            best, best_cost = text, cost
        else:
            text.remove()
        if cost == 0:
            break
    assert best is not None
    return best


def place_point_labels(
    ax,
    points: Sequence[tuple[float, float, str]],
    *,
    avoid: Sequence[Bbox] = (),
    marker_px: float = 4.0,
    offsets: Sequence[tuple[float, float]] = OFFSETS,
    with_halo: bool = True,
    inside: bool = True,
    **style,
) -> list[Text]:
    """Label each point ``(x, y, text)`` at the first offset (in points, from ``offsets``)
    whose box overlaps no label placed before, no box in ``avoid``, no other point's marker
    (``marker_px`` pixels round it) and (``inside``) stays inside the axes; where none is free,
    at the offset that overlaps least."""
    renderer = renderer_of(ax)
    frame = ax.get_window_extent(renderer)
    centres = [ax.transData.transform((x, y)) for x, y, _ in points]
    markers = [Bbox.from_extents(cx - marker_px, cy - marker_px, cx + marker_px, cy + marker_px) for cx, cy in centres]
    placed: list[Bbox] = list(avoid)
    out = []
    for i, (x, y, label) in enumerate(points):
        others = [m for j, m in enumerate(markers) if j != i]

        def candidates(x=x, y=y, label=label, others=others) -> Iterator[tuple[Text, float]]:
            for dx, dy in offsets:
                ha, va = _align(dx, dy)
                text = ax.annotate(label, xy=(x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style)
                b = box(text, renderer)
                cost = sum(_area(b, p) for p in placed) + sum(_area(b, m) for m in others)
                if inside and (b.x0 < frame.x0 or b.x1 > frame.x1 or b.y0 < frame.y0 or b.y1 > frame.y1):
                    cost += 1e6
                yield text, cost

        best = cheapest(candidates())
        if with_halo:
            halo(best)
        placed.append(box(best, renderer))
        out.append(best)
    return out


def widen_to_fit(ax, texts: Sequence[Text], which: str = "x", pad_px: float = 3.0, rounds: int = 3) -> None:
    """Widen the axis limits until every text lies inside the axes (a value label at the end of
    the longest bar, a label left of a negative bar), keeping the data where it is relative to
    the other labels."""
    renderer = renderer_of(ax)
    for _ in range(rounds):
        frame = ax.get_window_extent(renderer)
        boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible()]
        if not boxes:
            return
        if which == "x":
            lo_px, hi_px, size_px = frame.x0, frame.x1, frame.width
            need_lo = max(0.0, lo_px + pad_px - min(b.x0 for b in boxes))
            need_hi = max(0.0, max(b.x1 for b in boxes) + pad_px - hi_px)
            lo, hi = ax.get_xlim()
        else:
            lo_px, hi_px, size_px = frame.y0, frame.y1, frame.height
            need_lo = max(0.0, lo_px + pad_px - min(b.y0 for b in boxes))
            need_hi = max(0.0, max(b.y1 for b in boxes) + pad_px - hi_px)
            lo, hi = ax.get_ylim()
        if need_lo <= 0 and need_hi <= 0:
            return
        per_px = (hi - lo) / max(size_px - need_lo - need_hi, 1.0)
        new = (lo - need_lo * per_px, hi + need_hi * per_px)
        if which == "x":
            ax.set_xlim(*new)
        else:
            ax.set_ylim(*new)


def fitting_fontsize(ax, rows: int, wanted: float, line_factor: float = 1.45) -> float:
    """The largest font size (at most ``wanted``) at which ``rows`` labels, one per row, fit the
    axes' height without their boxes touching (a box is about ``line_factor`` times the size)."""
    renderer = renderer_of(ax)
    height_pt = ax.get_window_extent(renderer).height * 72.0 / ax.figure.dpi
    return min(wanted, height_pt / max(rows, 1) / line_factor)
