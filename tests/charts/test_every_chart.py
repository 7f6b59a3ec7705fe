"""Every chart of the sample, drawn as the quarter draws it, read as a careful reader would.

The theme notebooks in ``notebooks/`` are run in this process (their code cells are the same
Briefing calls the quarterly run makes; outside Jupyter a block shows nothing), then the pack's
signal board (sparklines and the Twente-klok). Every figure passes through
:func:`signaal.charts.checks.inspecting`: each numeric tick label must be the exact Dutch
rendering of its tick at one number of decimals per axis, and no two label boxes may overlap.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from signaal.charts.base import tight_box
from signaal.charts.checks import inspecting, problems

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def drawn(root):
    found: list[str] = []
    alts: list[str] = []

    def check(fig, alt):
        alts.append(alt)
        one_draw = _svg(fig, tight_box(fig))  # first, as the run writes it: on a figure not drawn yet
        if one_draw != _svg(fig, "tight"):
            found.append(f"{alt[:70]}: written in one draw it differs from matplotlib's tight box")
        found.extend(problems(fig, "nl", alt[:70]))

    with inspecting(check):
        for path in sorted((root / "notebooks").glob("*.ipynb")):
            namespace: dict = {}
            for cell in json.loads(path.read_text("utf-8"))["cells"]:
                if cell["cell_type"] == "code":
                    exec("".join(cell["source"]), namespace)  # noqa: S102 - our own theme notebooks
        from signaal.briefing.board import signal_board_html
        from signaal.indicators.data import Data
        from signaal.signals import compute_signals

        data = Data.open()
        signal_board_html(compute_signals(data, "CR12", "2026Q3"), "nl", limit=8, data=data)
    return alts, found


def _svg(fig, box) -> str:
    """The figure's SVG cut to ``box`` (``"tight"``: matplotlib's own, found by drawing it
    once unseen), with what differs between two writes of the same picture made equal: the
    sign of a zero and the clip-path ids that follow from the path data."""
    buf = io.StringIO()
    pad = {"pad_inches": 0.05} if box == "tight" else {}
    fig.savefig(buf, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None}, **pad)
    svg = re.sub(r"(?<![\d.])-0(?![\d.])", "0", buf.getvalue())
    return re.sub(r"\bp[0-9a-f]{10}\b", "clip", svg)


def test_every_chart_of_the_sample_is_checked(drawn):
    alts, _ = drawn
    assert len(alts) >= 50  # five themes' pages, the compass, the signal board's sparklines and klok
    assert any(a.startswith("Kwadrantdiagram") for a in alts)  # the Twente-klok
    assert any("Bruto Twents Geluk" in a for a in alts)


def test_every_tick_label_is_its_tick_in_dutch_and_no_labels_collide(drawn):
    # and each chart, written in one draw (signaal.charts.base.tight_box), is the picture
    # matplotlib's bbox_inches="tight" makes in two
    _, found = drawn
    assert found == [], "\n".join(found[:40])
