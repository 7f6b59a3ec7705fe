"""Signals as files next to the briefings: ``signals.csv`` and ``signals.json``.

Both are written atomically (a temporary file in the same folder, then ``os.replace``), so a
reader never sees half a file and an interrupted run leaves the previous files intact.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..files import write_atomic
from .model import Signal, SignalList

CSV_COLUMNS = (
    "rank",
    "kind",
    "direction",
    "strength",
    "rule",
    "indicator",
    "theme",
    "region",
    "data_region",
    "period",
    "sentence_nl",
    "sentence_en",
    "numbers",
)


def signals_csv(signals: list[Signal]) -> str:
    """One row per signal, strongest first; ``numbers`` as a JSON object in one column."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, s in enumerate(signals, 1):
        writer.writerow(
            [
                i,
                s.kind,
                s.direction,
                f"{s.strength:.3f}",
                s.rule,
                s.indicator,
                s.theme,
                s.region,
                s.data_region,
                s.period,
                s.sentence_nl,
                s.sentence_en,
                json.dumps(s.numbers, ensure_ascii=False, sort_keys=True),
            ]
        )
    return buf.getvalue()


def signals_json(signals: list[Signal]) -> str:
    """``{"meta": ..., "signals": [...], "skipped": [...]}`` (skipped: rules without a signal, and why)."""
    doc = {
        "meta": getattr(signals, "meta", {}),
        "signals": [dict(rank=i, **s.to_dict()) for i, s in enumerate(signals, 1)],
        "skipped": [s.to_dict() for s in getattr(signals, "skipped", [])],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_signals(signals: SignalList | list[Signal], folder: Path | str) -> list[Path]:
    """Write ``signals.csv`` and ``signals.json`` into ``folder``; returns both paths."""
    folder = Path(folder)
    csv_path, json_path = folder / "signals.csv", folder / "signals.json"
    write_atomic(csv_path, signals_csv(signals))
    write_atomic(json_path, signals_json(signals))
    return [csv_path, json_path]
