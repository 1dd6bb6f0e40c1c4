"""A damaged row is skipped and named, never a traceback, and never keeps anyone from a massage.

Damage is made the way it happens: another tool writes into the file. The tables are rebuilt
without types or constraints (as a sqlite3 shell or a sync tool could leave them), so any
storage class can land in any column.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore, Outcome, Plan
from massage_ctl.history.recorder import HistoryRecorder
from massage_ctl.tui.home_line import home_summary

HASH = "0" * 64
COLUMNS = {
    "sessions": ("started_at", "ended_at", "program_id", "timeline_hash", "device", "safety",
                 "intensity", "planned_ms", "actual_ms", "outcome", "pid", "note", "person_id",
                 "minutes", "exclude"),
    "pain": ("recorded_at", "rating", "note", "session_id", "moment", "person_id"),
    "plan": ("every_days", "for_days", "then_every_days", "program_id", "start_date",
             "person_id"),
}


def _loosen(db: Path) -> None:
    """Rebuild every table without types or constraints, keeping the rows."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for table, cols in COLUMNS.items():
        names = ", ".join(cols)
        conn.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {names})")
        conn.execute(f"INSERT INTO {table} SELECT id, {names} FROM old_{table}")
        conn.execute(f"DROP TABLE old_{table}")
    conn.close()


def _fill(db: Path) -> None:
    """Two good sessions with ratings, a day rating and a plan."""
    with HistoryStore(db) as store:
        for program in ("good-one", "good-two"):
            sid = store.start_session(program, HASH, "sim://pad", "standard", 0.8, 600_000)
            store.add_pain(6, session_id=sid, when="before")
            store.finish_session(sid, Outcome.COMPLETED, 600_000)
            store.add_pain(4, session_id=sid, when="after")
        store.add_pain(5)
        store.set_plan(Plan(7, date(2024, 5, 6), 42, 21))


def _damage(db: Path, table: str, column: str, value: Any, row_id: int = 1) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, row_id))
    conn.close()


@pytest.fixture
def db(isolated_home: Path) -> Path:
    path = AppPaths.from_env().history_db
    _fill(path)
    _loosen(path)
    return path


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("COLUMNS", "100")

    def go(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return go


def test_a_plan_starting_in_year_9999_is_refused_where_it_is_typed(run: Run) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["plan", "set", "--every", "7d", "--start", "9999-12-31"])
    assert exc.value.code == 2
    for option in ("--since", "--until"):
        with pytest.raises(SystemExit) as exc:
            main(["report", "--out", "r.html", option, "1900-01-01"])
        assert exc.value.code == 2


def test_usage_errors_name_the_option_and_the_accepted_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "set", "--every", "7d", "--start", "9999-12-31"])
    err = capsys.readouterr().err
    assert "--start" in err and "2000-01-01 to 2099-12-31" in err
    with pytest.raises(SystemExit) as exc:
        main(["pain", "3", "--session", "99999999999999999999"])  # 20 digits: SQLite overflow
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--session" in err and "9223372036854775807" in err and "Traceback" not in err


def test_report_with_since_after_until_is_a_usage_error(run: Run) -> None:
    code, _, err = run("report", "--out", "r.html", "--since", "2024-05-02",
                       "--until", "2024-05-01")
    assert code == 2 and "--since 2024-05-02 is after --until 2024-05-01" in err


def test_an_old_plan_in_year_9999_is_named_not_a_crash(db: Path, run: Run) -> None:
    _damage(db, "plan", "start_date", "9999-12-31")
    for args in (("history",), ("plan", "show"), ("report", "--out", str(db.parent / "r.html"))):
        code, _, err = run(*args)
        assert code == 0, args
        assert "plan row 1: start_date: 9999-12-31 is outside 2000-01-01 to 2099-12-31" in err
        assert "massage-ctl history --repair" in err


def test_a_bad_time_stamp_is_skipped_and_named_and_the_rest_shown(db: Path, run: Run) -> None:
    _damage(db, "sessions", "started_at", "yesterday")
    code, out, err = run("history")
    assert code == 0
    assert "good-two" in out and "good-one" not in out
    assert "1 damaged row skipped" in err
    assert "sessions row 1: started_at: 'yesterday' is not a time stamp" in err
    _damage(db, "sessions", "started_at", "today", 2)
    code, out, err = run("history")
    assert "No readable sessions: the damaged ones are listed above." in out
    assert "No sessions recorded yet" not in out


def test_a_damaged_database_never_keeps_anyone_from_a_massage(db: Path, run: Run) -> None:
    _damage(db, "sessions", "started_at", None)
    _damage(db, "sessions", "outcome", "running", 2)
    _damage(db, "sessions", "pid", 2**62, 2)  # os.kill would overflow
    _damage(db, "pain", "rating", "six")
    code, out, err = run("run", "quick-10-minute", "--device", "sim://pad?speed=max")
    assert code == 0, err
    assert "Session completed" in out and "not recorded" not in err
    with HistoryStore(db) as store:
        assert [s.program_id for s in store.sessions()][-1] == "quick-10-minute"


def test_repair_moves_damaged_rows_into_a_file_and_nothing_else_changes(
    db: Path, run: Run
) -> None:
    _damage(db, "sessions", "planned_ms", "ten minutes")
    _damage(db, "pain", "rating", 42, 5)
    code, out, _ = run("history", "--repair")
    assert code == 0
    assert "Moved 2 damaged row(s) to" in out
    assert "2 pain rating(s) of those sessions were kept, without their session." in out
    [saved] = db.parent.glob("history-damaged-*.json")
    assert saved.stat().st_mode & 0o777 == 0o600
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["rows"]["sessions"][0]["planned_ms"] == "ten minutes"
    assert doc["rows"]["pain"][0]["rating"] == 42
    code, out, err = run("history")
    assert code == 0 and err == "" and "good-two" in out
    code, out, _ = run("history", "--repair")
    assert "no damaged rows; nothing to repair" in out


values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),  # SQLite stores NaN as NULL
    st.text(max_size=40),
    st.binary(max_size=20),
    st.sampled_from(["9999-12-31", "0001-01-01T00:00:00", "2024-02-30T10:00:00+02:00",
                     "2024-05-06T18:30:00+02:00", "2024-05-06", "running", "completed",
                     "[/]", "[bold]x", "before", "after", "day", "11", "-1", "1e999"]),
)
cells = st.sampled_from([(t, c) for t, cols in COLUMNS.items() for c in cols])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.lists(st.tuples(cells, values, st.integers(1, 5)), min_size=1, max_size=3))
def test_every_reader_shows_good_rows_and_names_damaged_ones(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], damage: list[tuple[tuple[str, str], Any, int]],
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MASSAGE_CTL_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "80")
    db = AppPaths.from_env().history_db
    _fill(db)
    _loosen(db)
    for (table, column), value, row_id in damage:
        _damage(db, table, column, value, row_id)
    for args in (("history",), ("history", "--json"), ("history", "--csv", "--table", "pain"),
                 ("plan", "show"), ("report", "--out", str(home / "r.html"))):
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, (args, err)
        assert "Traceback" not in err
        with HistoryStore(db) as store:
            damaged = store.check()
        for d in damaged:  # every damaged row is named on stderr
            assert d.describe()[:60] in err, (args, d)
        if not any(t == "sessions" and r == 2 for (t, _), _, r in damage) and args == (
            "history",
        ):
            assert "good-two" in out  # an undamaged session is still shown
    with HistoryStore(db) as store:  # the recorder's open, and the TUI summary line
        recorder = HistoryRecorder(store, "sim://pad")
        assert recorder.error is None
        assert isinstance(home_summary(store), str)
        assert all(math.isfinite(s.intensity) for s in store.sessions())
    capsys.readouterr()
    assert main(["history", "--repair"]) == 0  # repairs any damage, and only the damage
    with HistoryStore(db) as store:
        assert store.check() == []
        touched = {r for (t, _), _, r in damage if t == "sessions"}
        assert {s.id for s in store.sessions()} >= {1, 2} - touched  # good rows stay


def test_text_that_is_not_utf8_is_one_damaged_row_and_repair_keeps_its_bytes(
    db: Path, run: Run
) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE sessions SET program_id = CAST(x'ff41' AS TEXT) WHERE id = 1")
    conn.close()
    code, out, err = run("history")
    assert code == 0 and "good-two" in out
    assert "sessions row 1: program_id:" in err and "is not valid UTF-8 text" in err
    assert run("history", "--repair")[0] == 0
    [saved] = db.parent.glob("history-damaged-*.json")
    row = json.loads(saved.read_text(encoding="utf-8"))["rows"]["sessions"][0]
    assert row["program_id"] == {"bytes_base64": "/0E="}
    assert row["device"] == "sim://pad"
