"""``signaal preview wonen``: a theme's briefing in the browser, rendered again on every save.

The loop of ``quarto preview`` for a briefing: execute the notebook (papermill, a fresh kernel,
as the quarterly run does), export its page (the ``signaal-html`` exporter), serve it on
``http://127.0.0.1:<port>/`` and watch the notebook file; when JupyterLab saves it (its
modification time changes) it is executed and exported again, and the open page reloads
itself (a small script polls ``/version``; only the preview's page has it, never a published
one). An error in the notebook shows as a page with the cell and the error; the next save tries
again. Nothing is written to ``reports/``: the preview lives in a temporary folder.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat

from .. import config
from ..errors import InputError, suggest
from ..files import write_atomic
from ..publish.exporters import SignaalHTMLExporter
from .themes import discover_themes, theme_parameters
from .workers import _failure, ensure_kernel, stderr_to

RELOAD_SCRIPT = (
    "<script>(function(){var v=%d;setInterval(function(){fetch('/version',{cache:'no-store'})"
    ".then(function(r){return r.text()}).then(function(t){if(t!==String(v)){location.reload()}})"
    ".catch(function(){})},700)})();</script>"
)


def resolve_notebook(theme: str, notebooks: Path | None = None) -> Path:
    """``wonen`` (a notebook of ``notebooks/``) or a path to a notebook."""
    path = Path(theme)
    if path.suffix == ".ipynb" or path.exists():
        if not path.is_file():
            raise InputError(f"notebook {theme!r} does not exist; give a theme (e.g. wonen) or a notebook path")
        return path.resolve()
    available = discover_themes(notebooks)
    if theme not in available:
        where = notebooks or config.notebooks_dir()
        raise InputError(f"unknown theme {theme!r} in {where}; {suggest(theme, list(available))}")
    return available[theme].resolve()


@dataclass
class Preview:
    """One notebook, executed and exported whenever it changes."""

    notebook: Path
    parameters: dict = field(default_factory=dict)  # given ones only; the notebook's defaults otherwise
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="signaal-preview-")))
    version: int = 0  # how many times the page was rendered
    error: str = ""  # why the last render failed ('' when it did not)
    seconds: float = 0.0  # how long the last render took
    _mtime: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def page(self) -> Path:
        return self.folder / f"{self.notebook.stem}.html"

    def _stamp(self) -> int | None:
        try:
            return self.notebook.stat().st_mtime_ns
        except FileNotFoundError:  # an editor replacing the file: try on the next poll
            return None

    def changed(self) -> bool:
        stamp = self._stamp()
        return stamp is not None and stamp != self._mtime

    def render(self) -> bool:
        """Execute the notebook and export its page; False (and ``error``) when it failed."""
        import papermill as pm  # lazily: only the preview needs it here

        t0 = time.perf_counter()
        self._mtime = self._stamp()
        executed = self.folder / "executed.ipynb"
        try:
            logging.getLogger("papermill").setLevel(logging.WARNING)
            with stderr_to(self.folder / "kernel.log"):  # the kernel's chatter, not the terminal's
                pm.execute_notebook(
                    str(self.notebook),
                    str(executed),
                    parameters=theme_parameters(self.notebook, self.parameters) if self.parameters else None,
                    kernel_name=config.KERNEL_NAME,
                    cwd=str(self.notebook.parent),
                    progress_bar=False,
                    log_output=False,
                )
            body, _ = SignaalHTMLExporter(for_pdf=False).from_notebook_node(nbformat.read(executed, as_version=4))
            self.error = ""
        except Exception as exc:  # shown in the page; the next save tries again
            self.error = _failure(exc, self.notebook.name)[0] if not isinstance(exc, InputError) else str(exc)
            body = _error_page(self.notebook.name, self.error)
        with self._lock:
            write_atomic(self.page, body.encode("utf-8"))
            self.version += 1
        self.seconds = time.perf_counter() - t0
        return not self.error

    def poll(self) -> bool:
        """Render again when the notebook was saved since the last render; whether it did."""
        if not self.changed():
            return False
        self.render()
        return True

    def html(self) -> str:
        """The page as the browser gets it: with the reload script."""
        with self._lock:
            text = self.page.read_text("utf-8") if self.page.exists() else _error_page(self.notebook.name, "…")
            script = RELOAD_SCRIPT % self.version
        return text.replace("</body>", script + "</body>", 1) if "</body>" in text else text + script

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        """An HTTP server for the page (``/``) and its version (``/version``), in a thread."""
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                if self.path.split("?")[0] == "/version":
                    body, kind = str(preview.version).encode(), "text/plain; charset=utf-8"
                elif self.path.split("?")[0] in ("/", f"/{preview.page.name}"):
                    body, kind = preview.html().encode("utf-8"), "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # quiet: the command prints what matters
                pass

        server = ThreadingHTTPServer((host, port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def watch(
        self, stop: threading.Event, interval: float = 0.5, on_render: Callable[[Preview], None] | None = None
    ) -> None:
        """Poll the notebook until ``stop`` is set; ``on_render`` after every new render."""
        while not stop.wait(interval):
            if self.poll() and on_render:
                on_render(self)


def _error_page(name: str, error: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Signaal preview: error</title></head>'
        '<body style="font-family: sans-serif; margin: 2em"><h1>Signaal preview</h1>'
        f"<p><strong>{html.escape(name)}</strong> could not be rendered:</p>"
        f'<pre style="white-space: pre-wrap; color: #8a3100">{html.escape(error)}</pre>'
        "<p>Save the notebook again to retry.</p></body></html>"
    )


def open_preview(theme: str, parameters: dict, notebooks: Path | None = None) -> Preview:
    """The preview of a theme (or notebook path), rendered once."""
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # this environment's kernel
    ensure_kernel()
    preview = Preview(resolve_notebook(theme, notebooks), {k: v for k, v in parameters.items() if v})
    preview.render()
    return preview


def cleanup(preview: Preview) -> None:
    with contextlib.suppress(OSError):
        for path in preview.folder.iterdir():
            path.unlink()
        preview.folder.rmdir()
