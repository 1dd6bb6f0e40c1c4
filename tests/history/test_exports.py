"""Exports round-trip: what ``history --json/--csv`` writes parses back to the database rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore, Outcome
from massage_ctl.history.export import read_csv, read_json, to_csv, to_json

notes = st.none() | st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() == s and s != "")


def _fill(store: HistoryStore, note: str | None, n: int = 3) -> None:
    for i, outcome in zip(range(n), Outcome, strict=False):
        sid = store.start_session(f"prog-{i}", f"{i:064x}", "sim://chair", "gentle",
                                  0.1 + i / 10, 60_000 * (i + 1))
        store.add_pain(i + 2, note=note, session_id=sid, when="before")
        store.finish_session(sid, outcome, 1000 * i, note=note)
    store.add_pain(9, note=note)
    store.start_session("still-running", "f" * 64, "ble://Pad", "standard", 1.0, 5)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=notes)
def test_json_and_csv_round_trip(tmp_path: Path, note: str | None) -> None:
    db = tmp_path / f"h-{abs(hash(note))}.sqlite3"
    db.unlink(missing_ok=True)
    with HistoryStore(db) as store:
        _fill(store, note)
        sessions, pain = store.sessions(), store.pain_entries()
    assert read_json(to_json(sessions, pain)) == (sessions, pain)
    assert read_csv("sessions", to_csv("sessions", sessions)) == sessions
    assert read_csv("pain", to_csv("pain", pain)) == pain
    # A JSON export restores into an empty database exactly.
    copy = tmp_path / f"copy-{abs(hash(note))}.sqlite3"
    copy.unlink(missing_ok=True)
    with HistoryStore(copy) as other:
        other.import_records(*read_json(to_json(sessions, pain)))
        assert (other.sessions(), other.pain_entries()) == (sessions, pain)
    db.unlink()
    copy.unlink()


def test_cli_exports_equal_the_database_rows(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        _fill(store, 'comma, "quote"\nnew line')
        sessions, pain = store.sessions(), store.pain_entries()
    assert main(["history", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "massage-ctl-history"
    assert [s["outcome"] for s in doc["sessions"]] == [
        "completed", "stopped", "stop", "running"]  # the writer (this process) is alive
    assert read_json(json.dumps(doc)) == (sessions, pain)
    out = isolated_home / "pain.csv"
    assert main(["history", "--csv", "--table", "pain", "--out", str(out)]) == 0
    assert read_csv("pain", out.read_text()) == pain
    assert main(["history", "--csv"]) == 0
    assert read_csv("sessions", capsys.readouterr().out) == sessions


def test_import_refuses_a_non_empty_database(isolated_home: Path) -> None:
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        _fill(store, None)
        with pytest.raises(HistoryError, match="empty"):
            store.import_records(store.sessions(), store.pain_entries())


def test_foreign_json_is_a_clear_error() -> None:
    with pytest.raises(HistoryError, match="not a massage-ctl history export"):
        read_json('{"format": "other"}')
