"""The quarter's documents: each one's cache key, and either its published copy or a job.

Each document has a cache key (:mod:`signaal.run.incremental`); one whose key matches the
published folder is hard-linked from it instead of rebuilt (status ``reused``). The others
become :class:`~signaal.run.scheduler.Job` s: a theme notebook per theme (and then its PDF),
the signal board, factsheets in batches, and the board pack, whose key depends on how the
themes went and which is therefore decided once they are done.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from pathlib import Path

from ..catalogue import catalogue
from ..publish.outcome import BUILT, FAILED, REJECTED, REUSED, DocResult
from ..publish.signal_page import BOARD_PAGE
from ..publish.subjects import factsheet_path, indicator_ids, subjects
from . import incremental as inc
from .plan import Plan
from .scheduler import Job
from .themes import theme_steps

INDEX = "index.html"
_SHOWN = (".pdf", ".json", ".html")  # outputs whose contents the index shows (index_parts)


def _file_digest(path: Path) -> str:
    """The SHA-256 of a file ('' when it is missing)."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


PACK_STEM = "bestuursbriefing"
ORDER = {"theme": 0, "boardpack": 1, "signals": 2, "factsheet": 3}  # of the documents in the manifest


def merge_stage(result: DocResult, stage: DocResult) -> DocResult:
    """Fold a theme's PDF stage into its result."""
    result.timings.update(stage.timings)
    if stage.ok:
        result.outputs = [
            *[o for o in result.outputs if o.endswith(".html")],
            *stage.outputs,
            *[o for o in result.outputs if not o.endswith(".html")],
        ]
    else:
        result.status, result.error = FAILED, stage.error
        result.outputs = [o for o in result.outputs if not o.endswith(".html")]
    return result


class Documents:
    """The documents of one run of ``plan`` into ``staging``; ``published``: the manifest of
    the folder it replaces (None for a first run); ``built``: the run's start, the time of
    every document it builds."""

    def __init__(self, plan: Plan, staging: Path, published: dict | None, built: str):
        self.plan = plan
        self.staging = staging
        self.published = published
        self.previous = inc.previous_documents(None if plan.force else published)
        self.env_fp = inc.environment_fingerprint()
        self.data_fp = inc.data_fingerprint(plan.data_dir, plan.vintage_checksum)
        self.params = plan.parameters()
        self.built = built
        self.results: dict[str, DocResult] = {}
        self.keys: dict[str, str] = {}  # document → key
        self.theme_keys: dict[str, str] = {}  # theme → key
        self.doc_of = {theme: plan.output_stem(theme) for theme in plan.themes}  # ``talent.en``
        self.signals_name = plan.output_stem(BOARD_PAGE)
        self.signals_key = inc.digest("signals", self.params, self.data_fp, self.env_fp, plan.previous_key)
        self.pack_name = plan.output_stem(PACK_STEM)

    @property
    def fingerprints(self) -> dict[str, str]:
        return {"environment": self.env_fp, "data": self.data_fp}

    # -- reuse ---------------------------------------------------------------------------
    def _published_copy(self, name: str, kind: str, key: str, notebook: str | None = None) -> DocResult | None:
        """The published document ``name``, hard-linked into staging, when it was made with
        ``key`` and its files are intact; else None."""
        prev = self.previous.get(name)
        if prev is None or not inc.reusable(prev, key, self.plan.out):
            return None
        for rel in prev["outputs"]:
            inc.link_or_copy(self.plan.out / rel, self.staging / rel)
        return DocResult(
            name=name,
            notebook=notebook,
            status=REUSED,
            kind=kind,
            outputs=list(prev["outputs"]),
            key=key,
            checksums=dict(prev["checksums"]),
            built=prev.get("built"),
            notes=prev.get("notes") or {},
            lang=self.plan.lang,
        )

    def reuse(self, name: str, kind: str, key: str, notebook: str | None = None) -> bool:
        doc = self._published_copy(name, kind, key, notebook)
        if doc is not None:
            self.results[name] = doc
        return doc is not None

    def reused(self) -> list[DocResult]:
        return [r for r in self.results.values() if r.status == REUSED]

    def rejected(self) -> list[DocResult]:
        return [r for r in self.results.values() if r.status == REJECTED]

    # -- jobs ----------------------------------------------------------------------------
    def theme_jobs(self) -> list[Job]:
        """A job per theme notebook not reused (a document per theme and language: ``talent``,
        ``talent.en``), the longest first, so that the last one to finish (the board pack
        waits for it) finishes early: by last run's execution time when known, else by the
        number of code cells. Notebooks that are not themes are recorded as rejected."""
        jobs = []
        for theme, path in self.plan.themes.items():
            name = self.doc_of[theme]
            key = inc.digest("theme", inc.sha256_file(path), self.params, self.data_fp, self.env_fp)
            self.theme_keys[theme] = key
            if self.reuse(name, "theme", key, path.name):
                continue
            self.keys[name] = key
            jobs.append(
                Job(
                    name=name,
                    kind="theme",
                    key=key,
                    names=[name],
                    args=dict(name=name, notebook=str(path.resolve()), stem=name),
                )
            )
        for stem, reason in self.plan.rejected.items():  # a document of this run's language (``schets.en``)
            name = self.plan.output_stem(stem)
            self.results[name] = DocResult(
                name=name, notebook=f"{stem}.ipynb", status=REJECTED, kind="theme", error=reason, lang=self.plan.lang
            )
        last_times = {
            d["name"]: (d.get("timings") or {}).get("execute") for d in ((self.published or {}).get("documents") or [])
        }
        if all(last_times.get(j.name) for j in jobs):
            jobs.sort(key=lambda j: -(last_times[j.name] or 0))  # every one is set (checked above)
        else:
            jobs.sort(key=lambda j: -theme_steps(j.args["notebook"]))
        return jobs

    def factsheet_jobs(self) -> list[Job]:
        """The factsheets not reused, in batches of about a third of a worker's share (at
        least 2 to a batch): the last batches then even out the workers' ends of the run."""
        if self.plan.factsheets == "none":
            return []
        todo: list[tuple[str, str]] = []  # (code, name)
        for code in subjects(self.plan.region, self.plan.factsheets):
            name = factsheet_path(code, self.plan.lang).removesuffix(".pdf")
            key = inc.digest("factsheet", code, self.params, self.data_fp, self.env_fp)
            if not self.reuse(name, "factsheet", key):
                todo.append((code, name))
                self.keys[name] = key
        jobs = []
        size = max(2, math.ceil(len(todo) / (3 * max(1, self.plan.jobs))))
        for i in range(0, len(todo), size):
            batch = todo[i : i + size]
            jobs.append(
                Job(
                    name=f"factsheets {i // size + 1}",
                    kind="factsheet",
                    names=[n for _, n in batch],
                    args=dict(codes=[c for c, _ in batch], names=dict(batch)),
                )
            )
        return jobs

    def signals_jobs(self) -> list[Job]:
        """The signals and their board (they need the data, not the notebooks)."""
        name, key = self.signals_name, self.signals_key
        if not self.plan.board_pack or self.reuse(name, "signals", key):
            return []
        self.keys[name] = key
        board = dict(
            name=name,
            stem=name,
            csv_name=self.plan.output_file("signals", "csv"),
            json_name=self.plan.output_file("signals", "json"),
            previous=str(self.plan.previous) if self.plan.previous else None,
            searched=self.plan.previous_searched,
        )
        return [Job(name=name, kind="signals", key=key, names=[name], args=dict(boards=[board]))]

    def board_pack(self) -> Job | None:
        """The board pack's job once every theme has run (its key depends on their outcome),
        or None when the published one is reused."""
        plan, results = self.plan, self.results
        themes_done = [(n, self.theme_keys[n], results[self.doc_of[n]].status == FAILED) for n in plan.themes]
        board = results.get(self.signals_name)
        board_state = (self.signals_key, board.ok) if board else None
        key = inc.digest("boardpack", self.params, themes_done, plan.factsheets, board_state, self.data_fp, self.env_fp)
        if self.reuse(self.pack_name, "boardpack", key):
            return None
        ok = [(n, f"notebooks/{self.doc_of[n]}.ipynb") for n in plan.themes if results[self.doc_of[n]].ok]
        # a theme whose notebook failed is named in the pack (with a reason the board reads);
        # a notebook that is not a theme (a scratch notebook) is not the board's business
        missing = [n for n in plan.themes if not results[self.doc_of[n]].ok]
        level = "gemeente" if plan.factsheets != "corop" else "corop"
        return Job(
            name=self.pack_name,
            kind="boardpack",
            key=key,
            names=[self.pack_name],
            args=dict(
                name=self.pack_name,
                themes=ok,
                missing=missing,
                extra_indicators=indicator_ids(level) if plan.factsheets != "none" else [],
                board_page=f"{self.signals_name}.html" if board is not None and board.ok else None,
                indicators_name=plan.output_file("indicators", "csv"),
            ),
        )

    # -- outcomes ------------------------------------------------------------------------
    def record(self, job: Job, docs: list[DocResult]) -> tuple[list[DocResult], list[Job]]:
        """Take in what ``job`` made: (the documents now finished, the jobs that follow: a
        theme's PDF after its notebook ran)."""
        finished, follow = [], []
        for doc in docs:
            if job.kind == "theme-pdf":  # stage 2 of a theme: fold it into stage 1
                doc = merge_stage(self.results[doc.name], doc)
                if not doc.ok:  # no page without its PDF: the executed notebook and log stay
                    (self.staging / f"{job.args['stem']}.html").unlink(missing_ok=True)
            doc.key = doc.key or self.keys.get(doc.name) or job.key
            doc.lang = self.plan.lang
            if doc.ok:
                doc.built = self.built
            self.results[doc.name] = doc
            if job.kind == "theme" and doc.ok:  # executed and exported: its PDF is next
                follow.append(
                    Job(
                        name=f"{doc.name} (pdf)",
                        kind="theme-pdf",
                        key=job.key,
                        names=[doc.name],
                        args=dict(
                            name=doc.name,
                            stem=job.args["stem"],
                            notebook=doc.notebook or "",
                            steps=theme_steps(job.args["notebook"]),
                        ),
                    )
                )
            else:
                finished.append(doc)
        return finished, follow

    def ordered(self) -> list[DocResult]:
        """Themes in the catalogue's order (each theme's languages together, Dutch first), then
        the board packs, signals and factsheets."""
        order = {t.id: t.order for t in catalogue().themes.values()}

        def key(d: DocResult):
            lang_rank = (d.lang != "nl", d.lang)
            if d.kind == "theme":
                return (0, order.get(d.theme, 999), d.theme, lang_rank, d.name)
            return (ORDER.get(d.kind, 9), 0, "", lang_rank, d.name)

        return sorted(self.results.values(), key=key)

    def index(self, docs: list[DocResult]) -> DocResult:
        """The quarter's index.html (made, or reused): every document in the folder, also
        those carried over from earlier runs."""
        from ..publish.index_parts import earlier_quarters, write_thumbnails  # when an index is due
        from ..publish.site import index_language, quarter_index_html, write_index

        plan = self.plan
        lang = index_language(docs, plan.lang)
        # what the page shows of each document (built, reused or carried over look the same)
        listing = [
            (
                d.name,
                d.kind,
                "ok" if d.ok else d.status,
                d.lang,
                d.outputs,
                d.error,
                d.notes.get("skipped"),
            )
            for d in docs
        ]
        # what the page shows of their contents: thumbnails of the PDFs, the signals, topic anchors
        shown = [_file_digest(self.staging / o) for d in docs if d.ok for o in d.outputs if o.endswith(_SHOWN)]
        earlier = [q.href for q in earlier_quarters(plan.out.parent, str(plan.quarter), lang)]
        key = inc.digest("index", self.params, lang, listing, shown, earlier, plan.is_sample, self.env_fp)
        reused = self._published_copy("index", "index", key)
        if reused is not None:
            reused.lang = lang
            return reused
        t0 = time.perf_counter()
        try:
            thumbs = write_thumbnails(self.staging, docs)
            html = quarter_index_html(
                docs, plan.edition().in_language(lang), self.staging, plan.out.parent, thumbs=thumbs
            )
            write_index(self.staging / INDEX, html)
            return DocResult(
                name="index",
                notebook=None,
                status=BUILT,
                kind="index",
                outputs=[INDEX, *sorted(thumbs.values())],
                key=key,
                timings={"total": round(time.perf_counter() - t0, 3)},
                lang=lang,
                built=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            )
        except Exception as exc:
            return DocResult(name="index", notebook=None, status=FAILED, kind="index", key=key, lang=lang).fail(
                "index.html", exc
            )

    def checksum(self, docs: list[DocResult]) -> None:
        """Record the checksums of what this run built (reused and carried documents keep theirs)."""
        for doc in (d for d in docs if d.status == BUILT):
            doc.checksums = {o: inc.sha256_file(self.staging / o) for o in doc.outputs if (self.staging / o).is_file()}
