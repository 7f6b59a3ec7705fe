"""A stand-in for CBS, PDOK and DUO on 127.0.0.1: real HTTP through pytest-httpserver.

Routes serve fixture files (the real responses in ../shared and our own in tests/fixtures);
the live hosts inside them (``odata.nextLink`` …) are rewritten to the loopback server so
that paging is followed through it. Faults are injected per route: a queue of error answers
(HTTP 429/500 with or without ``Retry-After``, a body cut off mid-JSON, an HTML page) that is
served first, after which the normal route answers again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIVE_HOSTS = ("https://datasets.cbs.nl/odata/v1", "https://opendata.cbs.nl", "https://api.pdok.nl", "{BASE}")


class Loopback:
    def __init__(self, server):
        self.server = server
        self.routes: list[tuple] = []  # newest first
        self.log: list[str] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @property
    def base(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    # ---- routes ------------------------------------------------------------------------
    def route(self, path, responder, when=None) -> None:
        """``path``: exact (case-insensitive, trailing slash ignored) or a compiled regex."""
        self.routes.insert(0, (path, when, responder))

    def body(
        self, path, content, *, status=200, content_type="application/json", when=None, rewrite=True, headers=None
    ) -> None:
        def respond(request):
            data = content
            if isinstance(data, (dict, list)):
                data = json.dumps(data)
            if isinstance(data, bytes):
                data = data.decode("utf-8")
            if rewrite:
                data = self.rewrite(data)
            return Response(data, status=status, content_type=content_type, headers=headers or {})

        self.route(path, respond, when)

    def file(self, path, file, **kw) -> None:
        self.body(path, Path(file).read_bytes(), **kw)

    def fail(self, path, answers: list, when=None) -> None:
        """Serve ``answers`` to the next matching requests, then fall through to older routes.

        An answer is a status code, ``(status, headers)``, ``"cut"`` (the normal body cut in half)
        or ``"html"`` (a 200 HTML page).
        """
        queue = list(answers)

        def respond(request):
            if not queue:
                return None
            answer = queue.pop(0)
            if answer == "cut":
                full = self._next_answer(request, skip=respond)
                text = full.get_data()
                return Response(text[: len(text) // 2], status=200, content_type="application/json")
            if answer == "html":
                return Response(
                    "<!DOCTYPE html><html><body>Onderhoud / maintenance</body></html>",
                    status=200,
                    content_type="text/html",
                )
            status, headers = (answer, {}) if isinstance(answer, int) else answer
            return Response(
                json.dumps({"error": f"status {status}"}),
                status=status,
                headers=headers,
                content_type="application/json",
            )

        self.route(path, respond, when)

    def rewrite(self, text: str) -> str:
        for host in LIVE_HOSTS:
            text = text.replace(host, self.base)
        return text

    # ---- serving -----------------------------------------------------------------------
    def _matches(self, path, when, request: Request) -> bool:
        ok = (
            path.search(request.path)
            if isinstance(path, re.Pattern)
            else path.rstrip("/").lower() == request.path.rstrip("/").lower()
        )
        return ok and (when is None or when(request.args))

    def _next_answer(self, request: Request, skip=None) -> Response:
        for path, when, responder in self.routes:
            if responder is skip or not self._matches(path, when, request):
                continue
            resp = responder(request)
            if resp is not None:
                return resp
        return Response(
            json.dumps({"error": f"no route for {request.path}"}), status=404, content_type="application/json"
        )

    def _handle(self, request: Request) -> Response:
        self.log.append(request.full_path)
        return self._next_answer(request)

    def count(self, fragment: str) -> int:
        """Requests whose path and query contain ``fragment`` (case-insensitive)."""
        frag = fragment.lower()
        return sum(frag in entry.lower() for entry in self.log)

    def requests_for(self, fragment: str) -> list[str]:
        frag = fragment.lower()
        return [e for e in self.log if frag in e.lower()]


# ---- whole tables ------------------------------------------------------------------------
def serve_v3_table(lb: Loopback, folder: Path, table: str, data: Path | None = None) -> None:
    """TableInfos, DataProperties, each dimension list and the data of a v3 table from ``folder``."""
    root = f"/ODataFeed/odata/{table}"
    for f in folder.glob("*.json"):
        if f.stem != "UntypedDataSet":
            lb.file(f"{root}/{f.stem}", f)
    data = data or folder / "UntypedDataSet.json"
    if data.exists():
        lb.file(f"{root}/UntypedDataSet", data)


def serve_v4_table(lb: Loopback, folder: Path, table: str) -> None:
    root = f"/CBS/{table}"
    for f in folder.glob("*.json"):
        if not f.stem.startswith("Observations"):
            lb.file(f"{root}/{f.stem}", f)
    lb.file(f"{root}/Observations", folder / "Observations_page1.json", when=lambda a: "$skip" not in a)
    lb.file(f"{root}/Observations", folder / "Observations_page2.json", when=lambda a: "$skip" in a)


def serve_real_83599(lb: Loopback, real: Path) -> None:
    """The REAL two-page 83599NED feed (10,000 + 5,504 rows) with our constructed metadata."""
    serve_v3_table(lb, FIXTURES / "cbs_v3" / "83599NED", "83599NED")
    path = "/ODataFeed/odata/83599NED/UntypedDataSet"
    lb.file(path, real / "cbs_odata_v3" / "83599NED_UntypedDataSet_page1.json", when=lambda a: "$skip" not in a)
    lb.file(
        path,
        real / "cbs_odata_v3" / "83599NED_UntypedDataSet_page2_skip10000.json",
        when=lambda a: a.get("$skip") == "10000",
    )


def serve_duo(lb: Loopback) -> None:
    d = FIXTURES / "duo"
    lb.file("/api/3/action/package_show", d / "package_p01hoinges.json", when=lambda a: a.get("id") == "p01hoinges")
    lb.file(
        "/api/3/action/package_show",
        d / "package_mbo.json",
        when=lambda a: a.get("id") == "deelnemers_inst_kwal_wgdln_lftcat_mbo",
    )
    for f in d.glob("*.csv"):
        lb.file(re.compile(rf"/resource/download/{re.escape(f.name)}$"), f, content_type="text/csv", rewrite=False)


# ---- real captures (issue 11: contract tests and `signaal data check` against real metadata) ----
REAL_IN_REPO = FIXTURES / "cbs_real"  # real CBS answers copied into the project (origins in its README)


def serve_v4_capture(lb: Loopback, folder: Path, table: str | None = None) -> None:
    """A real v4 capture (``properties.json``, ``dimensions.json``, ``measure-codes.json``,
    ``codes-<Dim>.json``, ``observations-page-1.json``) at the routes of datasets.cbs.nl."""
    table = table or folder.name
    root = f"/CBS/{table}"
    names = {"properties": "Properties", "dimensions": "Dimensions", "measure-codes": "MeasureCodes"}
    for f in folder.glob("*.json"):
        if f.stem in names:
            lb.file(f"{root}/{names[f.stem]}", f)
        elif f.stem.startswith("codes-"):
            lb.file(f"{root}/{f.stem[len('codes-') :]}Codes", f)
        elif f.stem == "observations-page-1":
            lb.file(f"{root}/Observations", f)


def serve_real_v4(lb: Loopback, real: Path | None) -> list[str]:
    """Every real v4 2026 capture there is (the project's copies, and ../shared when present),
    with the real (partial) ``/CBS/Datasets`` catalogue answer; returns the tables served."""
    served = []
    folders = {f.name: f for f in REAL_IN_REPO.iterdir() if (f / "properties.json").exists()}
    # without ../shared: a catalogue that lists nothing, so each family falls back to its last known id
    lb.body("/CBS/Datasets", {"@odata.context": "$metadata#Datasets", "value": []})
    if real is not None and (real / "cbs_odata_v4_2026").is_dir():
        for f in (real / "cbs_odata_v4_2026").iterdir():
            if (f / "properties.json").exists():
                folders.setdefault(f.name, f)
                if (f / "observations-page-1.json").exists() and not (
                    folders[f.name] / "observations-page-1.json"
                ).exists():
                    lb.file(f"/CBS/{f.name}/Observations", f / "observations-page-1.json")
        lb.file("/CBS/Datasets", real / "cbs_odata_v4_2026" / "_Datasets_83_entries.json")
    for name, folder in sorted(folders.items()):
        serve_v4_capture(lb, folder, name)
        served.append(name)
    return served


def serve_real_v3(lb: Loopback, real: Path) -> None:
    """The real v3 2020 answers: table 80137ned's metadata and typed data, the catalogue's first 20 rows."""
    root = "/ODataFeed/odata/80137ned"
    for entity in (
        "TableInfos",
        "DataProperties",
        "Persoonskenmerken",
        "BedrijfstakkenSBI93",
        "Perioden",
        "TypedDataSet",
    ):
        lb.file(f"{root}/{entity}", real / "cbs_odata_v3" / f"80137ned_{entity}.json")
    lb.file("/ODataCatalog/Tables", real / "cbs_odata_v3" / "ODataCatalog_Tables_first20.json")
