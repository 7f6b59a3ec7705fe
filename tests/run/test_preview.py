"""``signaal preview``: execute a notebook, serve its page, render it again on every save."""

from __future__ import annotations

import os
import urllib.request

import nbformat
import pytest

from signaal.errors import InputError
from signaal.run.preview import Preview, resolve_notebook

from conftest import signaal

KERNELSPEC = {"name": "signaal", "display_name": "Signaal (Python 3)", "language": "python"}


def _notebook(path, heading: str, text: str, fail: bool = False) -> None:
    code = f"from IPython.display import HTML\nHTML('<p class=\"probe\">{text}</p>')"
    cells = [
        nbformat.v4.new_markdown_cell(f"# {heading}"),
        nbformat.v4.new_code_cell("region = 'CR12'\nquarter = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("raise ValueError('kapot')" if fail else code),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)


def _saved(path, **kw) -> None:
    """Write the notebook again, as JupyterLab saves it (a later modification time)."""
    before = path.stat().st_mtime_ns
    _notebook(path, **kw)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.mark.e2e
def test_the_preview_renders_again_when_the_notebook_is_saved(tmp_path):
    nb = tmp_path / "eigen.ipynb"
    _notebook(nb, heading="Eerste versie", text="een")
    preview = Preview(nb, {"region": "CR10"}, folder=tmp_path / "preview")
    (tmp_path / "preview").mkdir()
    assert preview.render() and preview.version == 1
    assert 'class="probe">een<' in preview.page.read_text("utf-8")
    assert not preview.poll()  # nothing saved: nothing rendered
    server = preview.serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = _get(base + "/")
        assert "<title>Eerste versie</title>" in page and "fetch('/version'" in page
        assert _get(base + "/version") == "1"
        _saved(nb, heading="Tweede versie", text="twee")
        assert preview.poll() and preview.version == 2
        assert _get(base + "/version") == "2" and 'class="probe">twee<' in _get(base + "/")
        _saved(nb, heading="Derde versie", text="drie", fail=True)  # an error shows, the loop goes on
        assert preview.poll() and preview.error
        assert "ValueError: kapot" in preview.error and "ValueError: kapot" in _get(base + "/")
        assert _get(base + "/version") == "3"
    finally:
        server.shutdown()
    # the published page has no script: only the preview's copy reloads itself
    assert "<script" not in preview.page.read_text("utf-8")


def test_a_theme_is_found_by_name_or_path(tmp_path, root):
    assert resolve_notebook("wonen") == (root / "notebooks" / "wonen.ipynb").resolve()
    assert resolve_notebook(str(root / "notebooks" / "talent.ipynb")).name == "talent.ipynb"
    with pytest.raises(InputError, match="unknown theme 'wonenn'.*did you mean 'wonen'"):
        resolve_notebook("wonenn")
    with pytest.raises(InputError, match="does not exist"):
        resolve_notebook(str(tmp_path / "weg.ipynb"))


def test_bad_preview_input_is_one_line():
    proc = signaal("preview", "wonen", "--region", "Twente", "--no-browser")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "unknown region 'Twente'" in proc.stderr
