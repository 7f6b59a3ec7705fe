"""Raw responses, kept byte for byte, with a JSON sidecar per file.

Layout (PRODUCT.md §2: sources → raw snapshots → vintage)::

    data/raw/<source>/<table>/<snapshot>/<bundle>/<name>
    data/raw/<source>/<table>/<snapshot>/<bundle>/<name>.meta.json   url, retrieved, modified, sha256 …
    data/raw/<source>/<table>/<snapshot>/<bundle>/complete.json      written last: the bundle is whole

``snapshot`` is the source's own modification stamp (CBS ``Modified``), so a table whose
``Modified`` has not changed is found again and not downloaded twice; ``--force`` starts a
new snapshot folder beside it (``<stamp>.<time>``) and never overwrites one. A ``bundle`` is
one request and its pages (or a table's metadata). A bundle without ``complete.json`` is the
leftover of a failed refresh: its pages are reused and the download resumes after them.

Files are written to a temporary name and renamed, and a file counts only when its sidecar
is there and its checksum matches, so a crash never leaves a half file that looks whole.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import sha256, write_atomic

if TYPE_CHECKING:  # the HTTP client (requests, tenacity) loads only where a response is read back
    from .http import Response

COMPLETE = "complete.json"


def stamp(modified: str | None) -> str:
    """A folder-safe form of a modification time: ``2020-08-14T02:00:00+02:00`` → ``2020-08-14T020000+0200``."""
    if not modified:
        return "unknown"
    return re.sub(r"[^0-9A-Za-z+\-T]", "", str(modified).strip().replace(" ", "T")) or "unknown"


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class RawFile:
    """A stored raw response: its bytes and its sidecar."""

    path: Path
    content: bytes
    meta: dict
    _parsed: object = field(default=None, repr=False, compare=False)

    def json(self):
        """The parsed JSON (parsed once)."""
        if self._parsed is None:
            self._parsed = json.loads(self.content.decode("utf-8-sig"))
        return self._parsed


class Bundle:
    """One request (all its pages) or one table's metadata, in one folder."""

    def __init__(self, path: Path, store: RawStore):
        self.path = path
        self._store = store

    @property
    def complete(self) -> dict | None:
        marker = self.path / COMPLETE
        if not marker.exists():
            return None
        try:
            return json.loads(marker.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def load(self, name: str) -> RawFile | None:
        """The stored file, or None when it is absent, has no sidecar or fails its checksum."""
        path = self.path / name
        side = self.path / f"{name}.meta.json"
        if not (path.exists() and side.exists()):
            return None
        try:
            meta = json.loads(side.read_text("utf-8"))
            content = path.read_bytes()
        except (OSError, json.JSONDecodeError):
            return None
        if meta.get("sha256") != sha256(content):
            return None
        return RawFile(path=path, content=content, meta=meta)

    def save(self, name: str, response: Response, **extra) -> RawFile:
        meta = {
            "url": response.url,
            "retrieved": response.retrieved,
            "status": response.status,
            "content_type": response.content_type,
            "bytes": len(response.content),
            "sha256": sha256(response.content),
            **extra,
        }
        path = self.path / name
        write_atomic(path, response.content)
        write_atomic(self.path / f"{name}.meta.json", (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode())
        return RawFile(path=path, content=response.content, meta=meta)

    def finish(self, info: dict) -> dict:
        info = {**info, "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        write_atomic(self.path / COMPLETE, (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode())
        return info

    def relative(self) -> str:
        try:
            return str(self.path.relative_to(self._store.root.parent))
        except ValueError:
            return str(self.path)


class RawStore:
    """The ``data/raw`` folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._forced: dict[tuple[str, str, str], Path] = {}

    def _table_dir(self, source: str, table: str) -> Path:
        safe = re.sub(r"[^0-9A-Za-z._\-]", "_", table)
        return self.root / source / safe

    def bundle(self, source: str, table: str, modified: str | None, key: str, force: bool = False) -> Bundle:
        """The bundle to read from or to fill.

        Without ``force``: the newest snapshot of this ``modified`` whose bundle is complete,
        else one with a partial bundle (to resume), else the plain snapshot folder.
        With ``force``: a new snapshot folder, shared by every bundle of this table in this run.
        """
        table_dir = self._table_dir(source, table)
        base = stamp(modified)
        if force:
            memo = (source, table, base)
            if memo not in self._forced:
                self._forced[memo] = table_dir / f"{base}.{now_stamp()}"
            return Bundle(self._forced[memo] / key, self)
        snapshots = (
            sorted(
                (
                    p
                    for p in table_dir.glob(f"{base}*")
                    if p.is_dir() and (p.name == base or p.name.startswith(base + "."))
                ),
                key=lambda p: p.name,
            )
            if table_dir.is_dir()
            else []
        )
        for snap in reversed(snapshots):
            if (snap / key / COMPLETE).exists():
                return Bundle(snap / key, self)
        for snap in reversed(snapshots):
            if (snap / key).is_dir():
                return Bundle(snap / key, self)
        return Bundle((snapshots[-1] if snapshots else table_dir / base) / key, self)

    def keep(self, source: str, name: str, content: bytes, meta: dict) -> RawFile:
        """Keep a local file (a manual table) content-addressed: ``<source>/<name>/<sha8>/<name>``."""
        digest = sha256(content)
        folder = self.root / source / name / digest[:12]
        bundle = Bundle(folder, self)
        found = bundle.load(name)
        if found:
            return found
        from .http import Response

        response = Response(
            url=meta.get("url", ""),
            status=0,
            content=content,
            content_type="text/csv",
            retrieved=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        return bundle.save(name, response, **{k: v for k, v in meta.items() if k != "url"})
