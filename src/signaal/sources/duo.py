"""DUO open education data: enrolled students per institution (UT, Saxion, ROC van Twente).

DUO publishes its open data on a CKAN portal (``onderwijsdata.duo.nl``; base URL from
``SIGNAAL_DUO_URL``). Each dataset (``p01hoinges``: enrolments in higher education, one
count per institution, location municipality, programme and year on 1 October) lists its
CSV files as *resources*; which dataset and file serve which sector is configured in
``duo.yaml`` beside this module, because DUO renames files more often than code changes.
That configuration has NOT been checked against the live portal (research notes §6): check
it at the first live refresh.

Privacy masking: since November 2023 DUO writes counts of 1-4 as ``<5`` (higher
education; some files write ``-1``) or as 4 with ``INDICATIEAVG = J`` (mbo). Such a cell is
*censored*: it is left out of the sum and counted; a total made only of censored cells is
stored as missing with status ``afgeschermd``. The manifest says how many cells were censored,
i.e. by how much a total may be too low (at most 4 per cell).

Region: with a file whose municipality is the teaching location, only locations inside the
indicator's ``regio`` filter count (Saxion's Deventer and Apeldoorn locations are not in
Twente), so such a file must have a municipality column (else the refresh stops and lists the
columns the file does have) and a row without a municipality code is left out (with a
warning) rather than counted for the region; with a file whose municipality is the students'
residence, all of the institution's students count for ``regio``. The period is the year of
the 1 October count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ClassVar

import pandas as pd
import yaml

from ..catalogue import Indicator
from ..errors import SourceError
from ..files import sha256
from ..regions import Registry
from .base import FetchResult, SourceContext, Unit
from .http import HttpClient, Response
from .paging import encode_query
from .raw import RawFile, RawStore

SOURCE = "DUO open onderwijsdata"
CENSORED_TEXT = {"<5", "< 5", "-1"}
ENCODINGS = ("utf-8-sig", "cp1252")  # DUO writes UTF-8; older files are Windows-1252


def load_config(path: Path | None = None) -> dict:
    text = (
        Path(path).read_text("utf-8")
        if path
        else (resources.files("signaal") / "sources" / "duo.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def _pick(columns: list[str], candidates: list[str]) -> str | None:
    norm = {re.sub(r"[\s_]+", "_", c.strip().upper()): c for c in columns}
    for cand in candidates:
        hit = norm.get(re.sub(r"[\s_]+", "_", cand.strip().upper()))
        if hit:
            return hit
    return None


def read_table(content: bytes, where: str) -> list[dict]:
    """A DUO CSV (comma or semicolon, UTF-8 or Windows-1252) as a list of dicts."""
    text = None
    for encoding in ENCODINGS:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            problem = f"byte 0x{content[exc.start]:02x} at position {exc.start}"
    if text is None:
        raise SourceError(
            f"{where}: the file is in none of the encodings tried ({', '.join(ENCODINGS)}); "
            f"the last one fails on {problem}"
        )
    first = text.splitlines()[0] if text.strip() else ""
    if not first or first.lstrip().startswith("<"):
        raise SourceError(f"{where}: the answer is not a CSV table (it starts with {first[:30]!r})")
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@dataclass
class Cell:
    year: int
    municipality: str  # GM code or ""
    institution: str
    count: float | None  # None = censored
    censored: bool


def cells(rows: list[dict], columns: dict, where: str, by_location: bool = False) -> list[Cell]:
    """Long (a year column and a count column) or wide ("2019 MAN", "2019 VROUW", "2020" …) → cells.

    ``by_location``: the file's municipality is the teaching location, which decides whether a
    cell counts for a region, so the municipality column is required.
    """
    if not rows:
        return []
    names = list(rows[0].keys())
    inst = _pick(names, columns["institution"])
    if inst is None:
        raise SourceError(
            f"{where}: no institution column (looked for {', '.join(columns['institution'])}; has {', '.join(names[:12])})"
        )
    muni = _pick(names, columns["municipality"])
    if muni is None and by_location:
        raise SourceError(
            f"{where}: no municipality column, which this file needs to tell the locations inside the "
            f"region from those outside (looked for {', '.join(columns['municipality'])}; "
            f"has {', '.join(str(n) for n in names)})"
        )
    flag = _pick(names, columns.get("censored_flag", []))
    year_col = _pick(names, columns["year"])
    count_col = _pick(names, columns["count"])
    wide = [(c, int(m.group(1))) for c in names if (m := re.match(r"^\s*((?:19|20)\d{2})(?:\b|_)", c))]
    out: list[Cell] = []

    def parse(raw: str, flagged: bool) -> tuple[float | None, bool]:
        text = str(raw or "").strip()
        if flagged or text in CENSORED_TEXT:
            return None, True
        if text == "":
            return 0.0, False
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise SourceError(
                f"{where}: count {text!r} is not a number (valid: a number, '<5' or -1 for a masked count)"
            ) from None
        if value < 0:
            return None, True
        return value, False

    for row in rows:
        code = str(row.get(muni) or "").strip() if muni else ""
        gm = f"GM{int(code):04d}" if code.isdigit() else (code.upper() if code.upper().startswith("GM") else "")
        flagged = bool(flag) and str(row.get(flag) or "").strip().upper() in ("J", "JA", "Y", "1")
        name = str(row.get(inst) or "").strip()
        if year_col and count_col:
            try:
                year = int(str(row[year_col]).strip()[:4])
            except ValueError:
                raise SourceError(f"{where}: year {row[year_col]!r} is not a year") from None
            value, censored = parse(row[count_col], flagged)
            out.append(Cell(year, gm, name, value, censored))
        elif wide:
            for col, year in wide:
                value, censored = parse(row[col], flagged)
                out.append(Cell(year, gm, name, value, censored))
        else:
            raise SourceError(f"{where}: neither a year and a count column nor year columns such as '2024 MAN'")
    return out


class DuoSource:
    """Students per institution from DUO's open data portal (one unit per catalogue file)."""

    kind: ClassVar[str] = "duo"

    def __init__(
        self,
        *,
        endpoints,
        http: HttpClient,
        raw: RawStore,
        registry: Registry,
        force: bool = False,
        config: dict | None = None,
        progress=None,
    ):
        self.base = endpoints.duo.rstrip("/")
        self.http = http
        self.raw = raw
        self.registry = registry
        self.force = force
        self.config = config or load_config()
        self.progress = progress or (lambda message: None)

    @classmethod
    def open(cls, context: SourceContext) -> DuoSource:
        return cls(**context.for_download())

    def unit(self, indicator: Indicator) -> Unit:
        file = indicator.source.file
        assert file  # the catalogue schema requires a file for a DUO source
        return Unit(("duo", file), f"duo {file}")

    def _resource(self, spec: dict) -> tuple[dict, Response]:
        """The CKAN resource of a dataset whose file name matches the configured pattern."""
        dataset = spec["dataset"]
        url = f"{self.base}/api/3/action/package_show?" + encode_query({"id": dataset})
        response = self.http.get_json(url, source=SOURCE, table=dataset)
        body = response.data
        if not isinstance(body, dict) or not body.get("success") or not isinstance(body.get("result"), dict):
            raise SourceError(f"{SOURCE} dataset {dataset}: the portal did not describe the dataset at {url}")
        pattern = re.compile(spec.get("resource") or ".*", re.IGNORECASE)
        found = []
        for res in body["result"].get("resources", []):
            name = str(res.get("name") or "")
            file = str(res.get("url") or "").rsplit("/", 1)[-1]
            if pattern.search(file) or pattern.search(name):
                found.append(res)
        if not found:
            names = ", ".join(str(r.get("url", "")).rsplit("/", 1)[-1] for r in body["result"].get("resources", []))
            raise SourceError(
                f"{SOURCE} dataset {dataset}: no file matches {spec.get('resource')!r} (files: {names or 'none'})"
            )
        return found[0], response

    def fetch(self, indicators: list[Indicator]) -> FetchResult:
        file_name = indicators[0].source.file
        assert file_name  # the catalogue schema requires a file for a DUO source
        all_cells, records = self._read_files()
        obs_rows, resolution, warnings = [], {}, []
        extract: dict[tuple, list] = defaultdict(lambda: [0.0, 0])
        for ind in indicators:
            rows, resolution[ind.id], notes = self._count(ind, all_cells, extract, file_name, records)
            obs_rows.extend(rows)
            warnings.extend(notes)
        obs = pd.DataFrame(obs_rows, columns=["indicator", "region", "period", "value", "status"])
        return FetchResult(
            observations=obs,
            sources={file_name: _source_record(indicators, records, len(all_cells))},
            resolution=resolution,
            warnings=[f"DUO: {w}" for w in warnings],
            files={file_name: _extract_csv(extract)},
        )

    def _read_files(self) -> tuple[list[tuple[str, bool, Cell]], list[dict]]:
        """Every configured file as cells ``(sector, by_location, cell)``, and a record per file."""
        all_cells: list[tuple[str, bool, Cell]] = []
        records = []
        for spec in self.config["datasets"]:
            stored, name, record = self._download(spec)
            where = f"{SOURCE} dataset {spec['dataset']} file {name}"
            by_location = spec.get("municipality") == "location"
            for cell in cells(
                read_table(stored.content, where), self.config["columns"], where, by_location=by_location
            ):
                all_cells.append((spec["sector"], by_location, cell))
            records.append(record)
        return all_cells, records

    def _download(self, spec: dict) -> tuple[RawFile, str, dict]:
        """One configured file, from data/raw when this version of it is there."""
        res, package = self._resource(spec)
        url = str(res.get("url") or "")
        if not url:
            raise SourceError(f"{SOURCE} dataset {spec['dataset']}: the file has no download URL")
        if url.startswith("/"):
            url = self.base + url
        last = str(res.get("last_modified") or res.get("metadata_modified") or res.get("created") or "")
        name = url.rsplit("/", 1)[-1] or f"{spec['dataset']}.csv"
        bundle = self.raw.bundle(
            "duo",
            spec["dataset"],
            last or dt.date.today().isoformat(),
            re.sub(r"[^0-9A-Za-z._-]", "_", name),
            force=self.force,
        )
        if bundle.load("package.json") is None:
            bundle.save("package.json", package, source=SOURCE, table=spec["dataset"])
        stored = bundle.load(name)
        cached = stored is not None and stored.meta.get("url") == url and not self.force
        if not cached:
            response = self.http.get(url, source=SOURCE, table=spec["dataset"], expect_json=False)
            stored = bundle.save(name, response, source=SOURCE, table=spec["dataset"], modified=last)
            bundle.finish({"dataset": spec["dataset"], "file": name, "url": url})
        assert stored is not None  # cached means it was loaded, else it was just saved
        self.progress(f"{SOURCE} {spec['dataset']} {name}{' (cached)' if cached else ''}")
        record = {
            "dataset": spec["dataset"],
            "sector": spec["sector"],
            "url": url,
            "modified": last,
            "retrieved": stored.meta.get("retrieved"),
            "sha256": stored.meta["sha256"],
            "raw": bundle.relative(),
            "cached": cached,
        }
        return stored, name, record

    def _count(
        self,
        ind: Indicator,
        all_cells: list[tuple[str, bool, Cell]],
        extract: dict,
        file_name: str,
        records: list[dict],
    ) -> tuple[list[tuple], dict, list[str]]:
        """One indicator's yearly totals for its region: observation rows, resolution, warnings.

        Adds the cells it counts to ``extract`` (the per-institution CSV kept in the vintage)."""
        wanted = ind.source.filter_text("instelling")
        sector = ind.source.filter_text("sector")
        region = self.registry.get(ind.source.filter_text("regio") or self.registry.default_focus).code
        members = (
            set(self.registry.children(region, "gemeente"))
            if self.registry.get(region).level != "gemeente"
            else {region}
        )
        totals: dict[int, list] = defaultdict(lambda: [0.0, 0, 0])  # sum, cells, censored
        unplaced: dict[int, list] = defaultdict(lambda: [0.0, 0])  # students, cells without a location code
        for sec, by_location, cell in all_cells:
            if sector and sec != sector:
                continue
            if wanted.casefold() not in cell.institution.casefold():
                continue
            if by_location and not cell.municipality:
                unplaced[cell.year][0] += cell.count or 0.0
                unplaced[cell.year][1] += 1
                continue
            if by_location and cell.municipality not in members:
                continue
            t = totals[cell.year]
            t[1] += 1
            if cell.censored:
                t[2] += 1
            else:
                t[0] += cell.count or 0.0
            ex = extract[(ind.id, cell.institution, cell.municipality, cell.year)]
            ex[0] += 0.0 if cell.censored else (cell.count or 0.0)
            ex[1] += int(cell.censored)
        if not totals:
            raise SourceError(
                f"{SOURCE}: no students of an institution named {wanted!r} in {file_name} sources "
                f"({', '.join(r['dataset'] for r in records)}); check the instelling filter of {ind.id}"
            )
        rows, censored, warnings = _yearly_rows(ind.id, region, totals)
        for year, (students, n) in sorted(unplaced.items()):
            warnings.append(
                f"{ind.id} {year}: {n} row(s) without a municipality code ({students:.0f} students) "
                f"left out, since their location may lie outside {region}"
            )
        resolution = {
            "source": file_name,
            "institution": wanted,
            "region": region,
            "years": sorted(str(y) for y in totals),
            "censored_cells": censored,
            "rows": len(totals),
        }
        return rows, resolution, warnings


def _yearly_rows(ind_id: str, region: str, totals: dict[int, list]) -> tuple[list[tuple], dict[str, int], list[str]]:
    """Yearly totals → observation rows; a year made only of masked cells is missing (``afgeschermd``)."""
    rows, censored, warnings = [], {}, []
    for year, (total, n, n_censored) in sorted(totals.items()):
        if n_censored == n:
            rows.append((ind_id, region, str(year), float("nan"), "afgeschermd"))
        else:
            rows.append((ind_id, region, str(year), total, "definitief"))
            if n_censored and 4 * n_censored > 0.01 * total:
                warnings.append(
                    f"{ind_id} {year}: {n_censored} masked counts (<5) may make the total "
                    f"{total:.0f} up to {4 * n_censored} too low"
                )
        if n_censored:
            censored[str(year)] = n_censored
    return rows, censored, warnings


def _extract_csv(extract: dict[tuple, list]) -> bytes:
    """The students per indicator, institution, municipality and year that were counted."""
    lines = ["indicator,institution,municipality,year,students,censored_cells"]
    for (ind_id, inst, gm, year), (total, n_c) in sorted(extract.items()):
        inst_q = '"' + inst.replace('"', '""') + '"'
        lines.append(f"{ind_id},{inst_q},{gm},{year},{total:.0f},{n_c}")
    return ("\n".join(lines) + "\n").encode()


def _source_record(indicators: list[Indicator], records: list[dict], n_cells: int) -> dict:
    """The manifest's record of the DUO files behind one catalogue file."""
    modified = [r["modified"][:10] for r in records if r["modified"]]
    return {
        "kind": "duo",
        "publisher": indicators[0].source.publisher,
        "file": indicators[0].source.file,
        "title": "DUO: ingeschrevenen per instelling",
        "modified": max(modified) if modified else dt.date.today().isoformat(),
        "retrieved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "url": records[0]["url"] if records else "",
        "urls": [r["url"] for r in records],
        "files": records,
        "cached": all(r["cached"] for r in records),
        "rows": n_cells,
        "checksum": sha256("".join(r["sha256"] for r in records).encode()),
        "indicators": sorted(i.id for i in indicators),
    }
