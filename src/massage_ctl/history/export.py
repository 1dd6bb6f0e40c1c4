"""JSON and CSV exports of the history, and reading them back.

JSON holds everything (sessions and pain entries) and :func:`read_json` restores it exactly;
CSV holds one table (``sessions`` or ``pain``) for spreadsheets, and :func:`read_csv` parses it
back to the same records.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from typing import Any, Literal

from massage_ctl.errors import HistoryError
from massage_ctl.history.records import PainEntry, SessionRecord

EXPORT_FORMAT = "massage-ctl-history"
EXPORT_VERSION = 1
Table = Literal["sessions", "pain"]


def to_json(sessions: list[SessionRecord], pain: list[PainEntry]) -> str:
    """The whole history as one JSON document (pretty-printed, UTF-8 safe)."""
    doc = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "sessions": [s.to_dict() for s in sessions],
        "pain": [p.to_dict() for p in pain],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def read_json(text: str) -> tuple[list[SessionRecord], list[PainEntry]]:
    """Parse :func:`to_json` output back into records."""
    try:
        doc = json.loads(text)
        if doc.get("format") != EXPORT_FORMAT:
            raise ValueError("not a massage-ctl history export")
        if doc.get("version") != EXPORT_VERSION:
            raise ValueError(f"unsupported export version {doc.get('version')!r}")
        sessions = [SessionRecord(**row) for row in doc["sessions"]]
        pain = [PainEntry(**row) for row in doc["pain"]]
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        raise HistoryError(f"cannot read history export: {err}") from err
    return sessions, pain


def _columns(table: Table) -> list[str]:
    record = SessionRecord if table == "sessions" else PainEntry
    return [f.name for f in fields(record)]


def to_csv(table: Table, rows: list[SessionRecord] | list[PainEntry]) -> str:
    """One table as CSV with a header row; empty cells mean "none"."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(table), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.to_dict().items()})
    return out.getvalue()


# Column types for reading CSV back (every column not listed is text).
_INT = {"id", "planned_ms", "actual_ms", "pid", "pain_before", "pain_after", "rating",
        "session_id"}
_FLOAT = {"intensity"}
_OPTIONAL_TEXT = {"ended_at", "note"}


def _typed(name: str, cell: str) -> Any:
    if name in _INT:
        return int(cell) if cell != "" else None
    if name in _FLOAT:
        return float(cell)
    if name in _OPTIONAL_TEXT:
        return cell if cell != "" else None
    return cell


def read_csv(table: Table, text: str) -> list[SessionRecord] | list[PainEntry]:
    """Parse :func:`to_csv` output back into records of ``table``."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != _columns(table):
        raise HistoryError(f"CSV header does not match the {table} export")
    try:
        if table == "sessions":
            return [SessionRecord(**{k: _typed(k, v) for k, v in r.items()}) for r in reader]
        return [PainEntry(**{k: _typed(k, v) for k, v in r.items()}) for r in reader]
    except (ValueError, TypeError) as err:
        raise HistoryError(f"cannot read {table} CSV: {err}") from err
