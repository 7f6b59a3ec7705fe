"""Add, never take out: documents of the published folder that this run did not make.

A run of some themes (``--themes talent``) or of another language (``--lang en``) carries
every document of the published folder it does not make itself into the new one (hard
links, status ``carried``), so the quarter's folder always holds the whole quarter.
"""

from __future__ import annotations

from pathlib import Path

from ..publish.outcome import BUILT, CARRIED, REUSED, DocResult
from . import incremental as inc
from .plan import Plan


def _responsible(plan: Plan) -> set[str]:
    """The kinds of document a whole-quarter run makes the complete set of, in its language:
    its themes, board pack and signals, and its factsheets unless ``--factsheets none``."""
    if not plan.whole_quarter:
        return set()
    kinds = {"theme", "boardpack", "signals"}
    if plan.factsheets != "none":
        kinds.add("factsheet")
    return kinds


def carry_over(
    published: dict | None, plan: Plan, results: dict[str, DocResult], staging: Path
) -> tuple[list[DocResult], dict[str, str]]:
    """Documents of the published folder that this run did not make, hard-linked into the
    new folder (status ``carried``), so that a run of some themes (``--themes talent``) or of
    another language (``--lang en``) never takes anything out of the quarter.

    Documents are told apart by name, which carries the language (``talent`` and
    ``talent.en`` are two documents). Not carried: what this run made again (built, reused,
    failed or rejected: its newer outcome counts), failed and rejected documents of earlier
    runs, the index (it is made anew), a document whose files are gone or changed, and, after
    a whole-quarter run, the documents of its language of the kinds it makes (a theme
    notebook that was removed, the factsheets of the other set): that run is the quarter in
    its language. Returns (carried, {name: why not carried})."""
    carried: list[DocResult] = []
    skipped: dict[str, str] = {}
    if not published:
        return carried, skipped
    run_lang = (published.get("parameters") or {}).get("lang") or "nl"
    replaced = _responsible(plan)
    for d in published.get("documents") or []:
        name, kind = d.get("name"), d.get("kind") or "theme"
        if not name or kind == "index" or name in results:
            continue
        if d.get("status") not in (BUILT, REUSED, CARRIED):
            skipped[name] = f"{d.get('status')} in the earlier run"
            continue
        lang = d.get("lang") or run_lang  # manifests before documents recorded their language
        if kind == "theme" and lang != "nl" and not name.endswith(f".{lang}"):
            name = f"{name}.{lang}"  # … named their English themes without the language
            if name in results:
                continue
        if lang == plan.lang and kind in replaced:
            skipped[name] = "replaced by this whole-quarter run"
            continue
        outputs = list(d.get("outputs") or [])
        checksums = d.get("checksums") or {}
        clash = [o for o in outputs if (staging / o).exists()]
        if clash:
            skipped[name] = f"this run wrote {clash[0]}"
            continue
        damaged = [
            o
            for o in outputs
            if not (plan.out / o).is_file() or (o in checksums and inc.sha256_file(plan.out / o) != checksums[o])
        ]
        if not outputs or damaged:
            skipped[name] = f"its file {damaged[0]} is missing or changed" if damaged else "it has no files"
            continue
        for rel in outputs:
            inc.link_or_copy(plan.out / rel, staging / rel)
        notes = dict(d.get("notes") or {})
        notes.setdefault("carried_from", published.get("started"))
        carried.append(
            DocResult(
                name=name,
                notebook=d.get("notebook"),
                status=CARRIED,
                kind=kind,
                outputs=outputs,
                key=d.get("key"),
                checksums=dict(checksums),
                built=d.get("built"),
                notes=notes,
                lang=lang,
            )
        )
    return carried, skipped
