"""In a real kernel, as an analyst works: importing Signaal and drawing its pages leaves
matplotlib as it was, so the analyst's own ``plt.show()`` and ``df.plot()`` show their charts."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

pytestmark = pytest.mark.e2e

CELLS = [
    # what matplotlib looks like before Signaal is imported
    "import json, matplotlib\n"
    "before = (matplotlib.get_backend(), {k: repr(v) for k, v in matplotlib.rcParams.items()})",
    # an analyst's notebook: the package, a briefing page, the charts package
    "import signaal, signaal.charts\n"
    "from signaal.briefing import Briefing\n"
    "b = Briefing('wonen')\n"
    "b.topic('woz_waarde')",
    # nothing changed
    "after = (matplotlib.get_backend(), {k: repr(v) for k, v in matplotlib.rcParams.items()})\n"
    "changed = sorted(k for k in before[1] if before[1][k] != after[1].get(k))\n"
    "print(json.dumps({'backend': [before[0], after[0]], 'changed': changed}))",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
    "import pandas as pd\nsignaal.frame('woz_waarde', ['CR12', 'NL01']).pivot(index='period', columns='region_name', values='value').plot();",
]


def test_signaal_leaves_matplotlib_alone_and_the_analysts_plots_show():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(
        nb, kernel_name="signaal", timeout=300, resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    report = json.loads("".join(o.text for o in nb.cells[2].outputs if o.output_type == "stream"))
    before, after = report["backend"]
    assert before == after and "inline" in before, report
    assert report["changed"] == [], report
    for i in (3, 4):  # plt.show() and df.plot(): an image under the cell
        kinds = [k for o in nb.cells[i].outputs for k in o.get("data", {})]
        assert "image/png" in kinds, (i, nb.cells[i].outputs)
    page = nb.cells[1].outputs
    assert not [o for o in page if o.output_type == "execute_result"]  # nothing printed under the page
    assert any("signaal-nb" in o.get("data", {}).get("text/html", "") for o in page)
