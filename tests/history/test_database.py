"""The database file: migrations, permissions, concurrent writers, damaged files."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from massage_ctl.config import AppPaths
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore, Outcome, Plan
from massage_ctl.history.schema import SCHEMA_VERSION, migrate, schema_version


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_uses_wal_and_latest_schema(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    HistoryStore(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(conn) == SCHEMA_VERSION


def test_database_is_readable_by_its_owner_only(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0)  # even a permissive umask must not expose health data
    try:
        folder = isolated_home / "data"
        store = HistoryStore(folder / "history.sqlite3")
        store.start_session("p", "0" * 64, "sim://chair", "standard", 1.0, 1000)
        files = [p for p in folder.iterdir() if p.name.startswith("history.sqlite3")]
        assert {p.name for p in files} >= {"history.sqlite3", "history.sqlite3-wal"}
        assert all(_mode(p) == 0o600 for p in files), {p.name: oct(_mode(p)) for p in files}
        assert _mode(folder) == 0o700
        store.close()
    finally:
        os.umask(old)


def test_migrates_from_the_first_schema_keeping_data(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO sessions (started_at, ended_at, program_id, timeline_hash, device, safety, "
        "intensity, planned_ms, actual_ms, outcome, pid) VALUES ('2024-01-08T10:00:00+01:00', "
        "'2024-01-08T10:20:00+01:00', 'swedish', 'aa', 'sim://chair', 'standard', 0.7, "
        "1200000, 1200000, 'completed', 1)"
    )
    conn.execute("INSERT INTO pain (recorded_at, rating, session_id, moment) "
                 "VALUES ('2024-01-08T09:59:00+01:00', 6, 1, 'before')")
    conn.close()
    with HistoryStore(db) as store:
        rec = store.sessions()[0]
        assert (rec.program_id, rec.outcome, rec.pain_before) == ("swedish", "completed", 6)
        store.set_plan(Plan(7, date(2024, 1, 8)))
        assert store.get_plan() is not None
    assert schema_version(sqlite3.connect(db)) == SCHEMA_VERSION


def test_database_from_a_newer_version_is_refused_untouched(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HistoryError, match="newer") as info:
        HistoryStore(db)
    assert info.value.hint and "upgrade" in info.value.hint
    assert schema_version(sqlite3.connect(db)) == SCHEMA_VERSION + 1


def test_damaged_file_is_a_clear_history_error(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    db.write_bytes(b"this is not a database, just some text " * 50)
    with pytest.raises(HistoryError, match="history database") as info:
        HistoryStore(db)
    assert info.value.hint


_RECORDER = """
import sys
from massage_ctl.history import HistoryStore, Outcome
store = HistoryStore(sys.argv[1])
tag = sys.argv[2]
for i in range(40):
    sid = store.start_session(tag, "ab" * 32, "sim://pad", "standard", 0.5, 1000 + i)
    store.add_pain(i % 11, note=f"{tag} {i}", session_id=sid, when="before")
    store.finish_session(sid, Outcome.COMPLETED, 1000 + i)
store.close()
"""


def test_two_processes_recording_at_once_do_not_corrupt_the_database(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    procs = [
        subprocess.Popen([sys.executable, "-c", _RECORDER, str(db), tag], stderr=subprocess.PIPE)
        for tag in ("proc-a", "proc-b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err.decode()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with HistoryStore(db) as store:
        sessions = store.sessions()
        pain = store.pain_entries()
    for tag in ("proc-a", "proc-b"):
        mine = [s for s in sessions if s.program_id == tag]
        assert len(mine) == 40
        assert all(s.outcome == Outcome.COMPLETED for s in mine)
        assert sorted(s.planned_ms for s in mine) == list(range(1000, 1040))
        assert all(s.pain_before == (s.planned_ms - 1000) % 11 for s in mine)
    assert len(pain) == 80


_OPENER = """
import sys, time
from massage_ctl.history import HistoryStore
start = float(sys.argv[2])
while time.time() < start:  # every process opens the new file at the same moment
    pass
with HistoryStore(sys.argv[1]) as store:
    store.sessions()
"""


def test_processes_opening_a_new_database_together_all_succeed(tmp_path: Path) -> None:
    # The TUI and `massage-ctl run` started at once on a first run: both create the file and
    # switch it to WAL. SQLite may refuse that switch at once ("database is locked").
    for attempt in range(3):
        db = tmp_path / f"attempt{attempt}" / "history.sqlite3"
        start = time.time() + 1.0
        procs = [
            subprocess.Popen([sys.executable, "-c", _OPENER, str(db), repr(start)],
                             stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err.decode()
        assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
