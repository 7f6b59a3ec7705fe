"""The observations store: immutable vintages of one tidy table.

Layout under the data folder::

    sample/                      the bundled sample (a vintage like any other, flagged as sample)
        observations.csv
        manifest.json
    vintages/<id>/               one folder per refresh, never changed after it is written
        observations.parquet
        manifest.json

Every vintage holds one tidy table with the columns of :data:`COLUMNS`. A vintage is written
to a temporary folder and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, InputError, suggest
from ..files import new_folder_beside, sha256
from ..periods import Period

if TYPE_CHECKING:  # pandas loads when observations are read: a re-run with nothing to do never needs it
    import pandas as pd

SAMPLE_ID = "sample"
COVERAGE = "coverage"  # manifest key: see coverage()


def _refuse_text_values(df: pd.DataFrame, where: str) -> None:
    """Text where the values belong (a damaged or hand-edited file) is an error naming a
    sample cell, never a silent missing value."""
    import pandas as pd

    if "value" not in df.columns or pd.api.types.is_numeric_dtype(df["value"]):
        return
    values = df["value"]
    text = values.astype("string").str.strip()
    bad = values.notna() & text.ne("") & text.str.lower().ne("nan") & pd.to_numeric(values, errors="coerce").isna()
    if bad.any():
        first = df[bad].iloc[0]
        cell = " ".join(str(first.get(c, "")) for c in ("indicator", "region", "period"))
        raise DataError(
            f"{where} has text where numbers belong in {int(bad.sum())} value(s), e.g. {cell}: {first['value']!r}; "
            "the file was damaged or edited by hand (restore it, or write the bundled sample again with "
            "`signaal data sample`)"
        )


def _quarters(obs: pd.DataFrame, where: str) -> tuple[Period, Period]:
    periods = [Period.parse(p) for p in obs.loc[obs["value"].notna(), "period"].unique()]
    if not periods:
        raise DataError(f"{where} holds no observations")
    sub = [p for p in periods if p.freq in ("Q", "M")] or periods
    return min(p.quarter() for p in periods), max(p.quarter() for p in sub)


def coverage(obs: pd.DataFrame) -> dict[str, str]:
    """What a vintage's manifest records of its figures' periods (key :data:`COVERAGE`): the
    first quarter with a figure (any period, a year included, that ends in it) and the latest
    quarter that a quarterly or monthly series reaches (the quarter a run briefs on by
    default; a table of years only reaches the quarter its last year ends in). Empty for a
    table without figures (reading such a vintage's quarters is the error)."""
    if not obs["value"].notna().any():
        return {}
    first, latest = _quarters(obs, "observations")
    return {"first_quarter": str(first), "latest_quarter": str(latest)}


# data files already parsed by this process: (path, SHA-256) → the validated table (see
# Vintage.observations); the last two parsed, as a kernel may switch between two vintages
_READ: dict[tuple[str, str], pd.DataFrame] = {}
_READ_MAX = 2
_READ_LOCK = threading.Lock()  # a Dask worker may run jobs in threads


@dataclass
class Vintage:
    """One immutable snapshot of the observations, with its manifest."""

    id: str
    path: Path
    manifest: dict = field(repr=False)

    @property
    def data_dir(self) -> Path:
        """The data folder the vintage belongs to: ``data`` for ``data/sample`` and for
        ``data/vintages/<id>`` (where the curated tables of ``data/manual`` sit beside it)."""
        parent = self.path.parent
        return parent.parent if parent.name == "vintages" else parent

    @property
    def is_sample(self) -> bool:
        return bool(self.manifest.get("is_sample"))

    @property
    def created(self) -> str:
        return str(self.manifest.get("created", ""))

    @property
    def data_file(self) -> Path:
        for name in ("observations.parquet", "observations.csv.gz", "observations.csv"):
            if (self.path / name).exists():
                return self.path / name
        raise DataError(f"vintage {self.id!r} at {self.path} has no observations file")

    @property
    def checksum(self) -> str:
        return self.manifest.get("checksum") or sha256(self.data_file)

    def verify_checksum(self) -> None:
        """Refuse a data file that is not the one its manifest was written with (changed,
        damaged or swapped since): a vintage is never changed after it is written."""
        path = self.data_file
        self._check(path, sha256(path))

    def _check(self, path: Path, digest: str) -> None:
        expected = self.manifest.get("checksum")
        if expected and expected != digest:
            raise DataError(f"vintage {self.id!r}: {path.name} does not match its checksum; the vintage was changed")

    @cached_property
    def observations(self) -> pd.DataFrame:
        """The vintage's tidy table, validated. A process parses a data file once: a warm
        kernel runs one theme after another, and each opens the vintage anew. The file is known
        by its bytes (their SHA-256, which the checksum check needs anyway), read once per
        call, so a file changed since is parsed again and checked as before; each caller gets
        its own copy. (Reading and checking it gives no warnings, so no notebook misses one
        that the first notebook of a kernel showed.)"""
        path = self.data_file
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DataError(f"vintage {self.id!r}: cannot read {path.name}: {exc.strerror or exc}") from None
        digest = sha256(raw)
        key = (str(path.resolve()), digest)
        with _READ_LOCK:
            read = _READ.get(key)
        if read is None:
            read = self._read(path, raw, digest)
            with _READ_LOCK:
                while len(_READ) >= _READ_MAX:
                    _READ.pop(next(iter(_READ)), None)  # the first read of those kept
                _READ[key] = read
        else:
            self._check(path, digest)  # this vintage's manifest may name another checksum
        return read.copy()

    def _read(self, path: Path, raw: bytes, digest: str) -> pd.DataFrame:
        import io

        import pandas as pd

        from ..observations import validate_observations

        try:
            if path.suffix == ".parquet":
                df = pd.read_parquet(io.BytesIO(raw))
            else:  # low_memory=False: a column with text in it is read whole (as text), not warned about
                df = pd.read_csv(
                    io.BytesIO(raw),
                    compression="gzip" if path.suffix == ".gz" else None,
                    dtype={"indicator": str, "region": str, "period": str, "status": str},
                    low_memory=False,
                )
        except Exception as exc:  # corrupt file: say which
            raise DataError(f"vintage {self.id!r}: cannot read {path.name}: {exc}") from None
        self._check(path, digest)
        _refuse_text_values(df, f"vintage {self.id!r}: {path.name}")
        return validate_observations(df, where=f"vintage {self.id!r}")

    @cached_property
    def quarters(self) -> tuple[Period, Period]:
        """(the first, the latest) quarter of its figures (see :func:`coverage`): as its
        manifest records them, written with the data, so that planning a run (and a re-run
        with nothing to do) does not read the observations; from the observations for a
        vintage written before manifests recorded them."""
        recorded = self.manifest.get(COVERAGE)
        if isinstance(recorded, dict):
            try:
                return Period.parse(recorded["first_quarter"]), Period.parse(recorded["latest_quarter"])
            except (KeyError, TypeError, ValueError):
                pass  # hand-edited: the observations say
        return _quarters(self.observations, f"vintage {self.id!r}")

    def latest_quarter(self) -> Period:
        """The last quarter that any quarterly or monthly series reaches."""
        return self.quarters[1]

    def first_quarter(self) -> Period:
        """The first quarter with a figure: any period (a year included) that ends in it."""
        return self.quarters[0]

    def resolve_quarter(self, quarter: str | Period | None = None) -> Period:
        """The quarter a run or briefing is about: the one asked for (a malformed one, one past
        the data or one before its first figure is bad input), else the latest in this vintage.
        Cheap (no charts), so a re-run with nothing to do stays fast."""
        from ..periods import parse_quarter

        latest = self.latest_quarter()
        if quarter in (None, ""):
            return latest
        q = quarter if isinstance(quarter, Period) else parse_quarter(str(quarter))
        if latest < q:
            raise InputError(
                f"quarter {q} has no data yet: vintage {self.id!r} runs to {latest}; valid: {latest} or earlier"
            )
        first = self.first_quarter()
        if q < first:
            raise InputError(
                f"quarter {q} is before the data: vintage {self.id!r} starts at {first}; valid: {first} to {latest}"
            )
        return q

    def describe(self) -> dict:
        return {
            "id": self.id,
            "is_sample": self.is_sample,
            "created": self.created,
            "checksum": self.checksum,
            "path": str(self.path),
        }


def _broken_message(broken: dict[str, str], good: list[str]) -> str:
    problem = next(iter(broken.values()))
    more = f" (and {len(broken) - 1} more broken)" if len(broken) > 1 else ""
    if good:
        choice = f"give one with --vintage: {', '.join(good)} (newest first)"
    else:
        choice = "there is no good vintage to give with --vintage"
    return f"{problem}{more}; repair or remove it, or {choice}"


class Store:
    """The vintages under one data folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def vintages_dir(self) -> Path:
        return self.root / "vintages"

    def _read(self, path: Path, vintage_id: str) -> Vintage:
        manifest_path = path / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text("utf-8"))
        except FileNotFoundError:
            raise DataError(f"vintage {vintage_id!r} at {path} has no manifest.json") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            raise DataError(f"vintage {vintage_id!r}: manifest.json is not valid JSON ({why})") from None
        except OSError as exc:
            raise DataError(f"vintage {vintage_id!r}: cannot read manifest.json ({exc.strerror or exc})") from None
        if not isinstance(manifest, dict):
            raise DataError(f"vintage {vintage_id!r}: manifest.json is not a manifest (a JSON object)")
        return Vintage(id=vintage_id, path=path, manifest=manifest)

    def sample(self) -> Vintage:
        path = self.root / "sample"
        if not (path / "manifest.json").exists():
            raise DataError(f"no bundled sample at {path}; run `signaal data sample` or check SIGNAAL_DATA_DIR")
        return self._read(path, SAMPLE_ID)

    def _scan(self) -> tuple[list[Vintage], dict[str, str]]:
        """(complete live vintages oldest first, {id: why} of those whose manifest cannot be
        read); folders being written start with '.'."""
        if not self.vintages_dir.is_dir():
            return [], {}
        found, broken = [], {}
        for p in self.vintages_dir.iterdir():
            if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists():
                try:
                    found.append(self._read(p, p.name))
                except DataError as exc:
                    broken[p.name] = str(exc)
        return sorted(found, key=lambda v: (v.created, v.id)), dict(sorted(broken.items()))

    def vintages(self) -> list[Vintage]:
        """Complete live vintages whose manifest can be read, oldest first (see :meth:`broken`)."""
        return self._scan()[0]

    def broken(self) -> dict[str, str]:
        """Live vintages whose manifest cannot be read: {id: the problem, in one line}."""
        return self._scan()[1]

    def ids(self) -> list[str]:
        ids = [v.id for v in self.vintages()]
        if (self.root / "sample" / "manifest.json").exists():
            ids.append(SAMPLE_ID)
        return ids

    def resolve(self, vintage_id: str | None = None) -> Vintage:
        """A named vintage; by default the newest live one, else the bundled sample.

        The default is refused while a live vintage is broken (it may be the newest: running
        on an older one without saying so would brief on stale figures); the error names the
        good vintages and ``--vintage``."""
        if vintage_id in (None, "", "latest"):
            live, broken = self._scan()
            if broken:
                sample = [SAMPLE_ID] if (self.root / "sample" / "manifest.json").exists() else []
                raise DataError(_broken_message(broken, [v.id for v in reversed(live)] + sample))
            return live[-1] if live else self.sample()
        if vintage_id == SAMPLE_ID:
            return self.sample()
        if Path(vintage_id).name != vintage_id or vintage_id.startswith(".") or "\\" in vintage_id:
            raise InputError(
                f"--vintage {vintage_id!r} is a path; give the id of a vintage (a folder name in "
                f"{self.vintages_dir}); {suggest(Path(vintage_id).name, self.ids())}"
            )
        path = self.vintages_dir / vintage_id
        if not (path / "manifest.json").exists():
            raise InputError(f"unknown vintage {vintage_id!r}; {suggest(vintage_id, self.ids())}")
        return self._read(path, vintage_id)

    # ---- writing ------------------------------------------------------------------
    @staticmethod
    def new_id(now: dt.datetime | None = None) -> str:
        now = now or dt.datetime.now(dt.UTC)
        return now.strftime("%Y%m%dT%H%M%SZ")

    def write_vintage(
        self,
        observations: pd.DataFrame,
        manifest: dict,
        vintage_id: str | None = None,
        extra_files: dict[str, bytes] | None = None,
    ) -> Vintage:
        """Write a new immutable vintage atomically (temporary folder, then rename)."""
        from ..observations import validate_observations

        vintage_id = vintage_id or self.new_id()
        obs = validate_observations(observations, where=f"new vintage {vintage_id!r}")
        obs = obs.sort_values(["indicator", "region", "period"]).reset_index(drop=True)
        target = self.vintages_dir / vintage_id
        if target.exists():
            raise DataError(f"vintage {vintage_id!r} already exists at {target}; vintages are never overwritten")
        tmp = new_folder_beside(target)  # hidden, so vintages() skips it; the user's umask, unlike mkdtemp
        try:
            data_path = tmp / "observations.parquet"
            obs.to_parquet(data_path, index=False)
            for name, content in (extra_files or {}).items():
                (tmp / name).write_bytes(content)
            full = {
                **manifest,
                "id": vintage_id,
                "created": manifest.get("created") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "checksum": sha256(data_path),
                "rows": int(len(obs)),
                "indicators": sorted(obs["indicator"].unique().tolist()),
                COVERAGE: coverage(obs),
            }
            (tmp / "manifest.json").write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", "utf-8")
            os.replace(tmp, target)
        except OSError as exc:  # a full disk, a read-only data folder: nothing written, one line
            shutil.rmtree(tmp, ignore_errors=True)
            raise DataError(
                f"cannot write vintage {vintage_id!r} in {self.vintages_dir}: {exc.strerror or exc}; nothing was written"
            ) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return self._read(target, vintage_id)
