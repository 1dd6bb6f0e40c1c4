"""Another program holding the history's lock: the session is recorded anyway, once it can be,
and the user is told the truth (locked is not damaged). Nothing is ever dropped.

The lock is held by a second process (a ``BEGIN IMMEDIATE`` left open, as a sqlite3 shell
would), so the holder's pid is a real other process.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.devices import load_device_profile
from massage_ctl.history import HistoryStore, Outcome, connection, writer
from massage_ctl.history.connection import HistoryBusyError
from massage_ctl.history.pending import PENDING_NAME, PendingSession, append_pending
from massage_ctl.history.recorder import HistoryRecorder
from massage_ctl.timeline import Command, Timeline, TimelineChannel

_HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""
CLOCK = datetime(2024, 5, 6, 18, 30).astimezone()


class Holder:
    """A second process holding the history's write lock until :meth:`release`."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(db)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline() == "locked\n"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.close()
            self.proc.wait()


@pytest.fixture
def db(isolated_home: Path) -> Path:
    path = AppPaths.from_env().history_db
    HistoryStore(path).close()
    return path


@pytest.fixture
def holder(db: Path) -> Iterator[Holder]:
    held = Holder(db)
    yield held
    held.release()


def _timeline() -> Timeline:
    channels = (TimelineChannel("seat", "hips", "vibration", 0.8),)
    return Timeline("gentle-back", "pad", "gentle", 600_000, channels,
                    (Command(0, "seat", 0.5, 500),))


def test_a_locked_history_is_called_locked_with_the_holders_pid_not_damaged(
    db: Path, holder: Holder, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(connection, "_BUSY_TIMEOUT_S", 0.2)
    assert main(["pain", "3"]) == 1
    err = capsys.readouterr().err
    assert "another program is using the history" in err
    assert f"pid {holder.proc.pid}" in err
    assert "not damaged" in err and "move it aside" not in err and "Traceback" not in err


def test_the_recorder_never_waits_and_writes_the_session_once_the_lock_frees(
    db: Path, holder: Holder
) -> None:
    profile = load_device_profile("pad")
    with HistoryStore(db, now=lambda: CLOCK) as store:
        recorder = HistoryRecorder(store, "sim://pad", pain_before=7)
        recorder.started(_timeline(), profile)
        assert recorder.recording and recorder.session_id is None  # queued, not lost
        recorder.finished("completed", "", 600_000)
        recorder.add_pain_after(3, "looser")
        assert recorder.error is None
        holder.release()
        recorder.settle(timeout_s=30)
        assert recorder.error is None and recorder.session_id is not None
        [record] = store.sessions()
    assert (record.program_id, record.device, record.safety) == (
        "gentle-back", "sim://pad", "gentle")
    assert record.started_at == CLOCK.isoformat(timespec="seconds")  # when it happened
    assert (record.outcome, record.actual_ms) == ("completed", 600_000)
    assert (record.pain_before, record.pain_after) == (7, 3)
    assert not (db.parent / PENDING_NAME).exists()


def test_a_lock_held_to_the_end_keeps_the_session_in_a_file_the_next_start_imports(
    db: Path, holder: Holder
) -> None:
    profile = load_device_profile("pad")
    with HistoryStore(db, now=lambda: CLOCK) as store:
        recorder = HistoryRecorder(store, "sim://pad", pain_before=6)
        recorder.started(_timeline(), profile)
        recorder.finished("stop", "", 120_000)
        recorder.add_pain_after(6)
        recorder.settle(timeout_s=0.3)
    pending = db.parent / PENDING_NAME
    assert recorder.error is not None and isinstance(recorder.error, HistoryBusyError)
    message = str(recorder.error)
    assert f"pid {holder.proc.pid}" in message and str(pending) in message
    assert "added to the history the next time massage-ctl opens it" in message
    assert stat.S_IMODE(pending.stat().st_mode) == 0o600
    holder.release()
    with HistoryStore(db) as store:
        [record] = store.sessions()
    assert (record.outcome, record.actual_ms, record.pain_before, record.pain_after) == (
        "stop", 120_000, 6, 6)
    assert record.started_at == CLOCK.isoformat(timespec="seconds")
    assert not pending.exists()


def test_run_plays_while_the_history_is_locked_and_says_what_happened(
    db: Path, holder: Holder, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(writer, "SETTLE_S", 0.3)
    code = main(["run", "quick-10-minute", "--device", "sim://pad?speed=max",
                 "--pain-before", "5", "--pain-after", "2"])
    out, err = capsys.readouterr()
    assert code == 0 and "Session completed" in out
    assert f"another program kept the history locked (python, pid {holder.proc.pid})" in err
    assert "is added to the history the next time massage-ctl opens it" in err
    assert "damaged" in err and "move it aside" not in err
    holder.release()
    assert main(["history", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [session] = doc["sessions"]
    assert (session["program_id"], session["outcome"]) == ("quick-10-minute", "completed")
    assert (session["pain_before"], session["pain_after"]) == (5, 2)


def test_opening_a_locked_history_does_not_wait_for_optional_work(
    db: Path, isolated_home: Path
) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    with HistoryStore(db, pid=int(dead.stdout)) as store:
        sid = store.start_session("p", "0" * 64, "sim://pad", "standard", 1.0, 1000)
    held = Holder(db)
    try:
        with HistoryStore(db) as store:  # opens; the interrupted mark waits for a free lock
            assert store.session(sid).outcome == "running"
    finally:
        held.release()
    with HistoryStore(db) as store:
        assert store.session(sid).outcome == "interrupted"


def test_a_damaged_pending_entry_is_kept_and_named(db: Path) -> None:
    pending = db.parent / PENDING_NAME
    good = PendingSession(start={
        "started_at": "2024-05-06T18:30:00+02:00", "program_id": "p", "timeline_hash": "h",
        "device": "sim://pad", "safety": "standard", "intensity": 1.0, "planned_ms": 1000,
        "pid": os.getpid()})
    append_pending(db, good)
    with pending.open("a", encoding="utf-8") as fh:
        fh.write('{"format": "massage-ctl-pending-session", "start": {"started_at": 5}}\n')
    with HistoryStore(db) as store:
        assert [s.program_id for s in store.sessions()] == ["p"]
        [problem] = store.pending_problems
    assert "started_at: 5 is not a time stamp" in problem and str(pending) in problem
    assert pending.read_text(encoding="utf-8").count("\n") == 1  # only the damaged one left


def test_a_session_finished_by_another_process_is_not_overwritten(db: Path) -> None:
    with HistoryStore(db) as store:
        sid = store.start_session("p", "0" * 64, "sim://pad", "standard", 1.0, 1000)
        store.finish_session(sid, Outcome.COMPLETED, 1000)
    append_pending(db, PendingSession(session_id=sid, finish={
        "ended_at": "2024-05-06T18:40:00+02:00", "outcome": "fault", "actual_ms": 5,
        "note": None}))
    with HistoryStore(db) as store:
        assert store.session(sid).outcome == "completed"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)
_fields = st.fixed_dictionaries({}, optional={
    "format": st.just("massage-ctl-pending-session") | st.text(max_size=5),
    "session_id": _json, "start": _json | st.fixed_dictionaries({}, optional={
        k: _json for k in ("started_at", "program_id", "timeline_hash", "device", "safety",
                           "intensity", "planned_ms", "pid")}),
    "pains": _json | st.lists(st.fixed_dictionaries({}, optional={
        k: _json for k in ("recorded_at", "rating", "note", "moment")}), max_size=2),
    "finish": _json | st.fixed_dictionaries({}, optional={
        k: _json for k in ("ended_at", "outcome", "actual_ms", "note")}),
})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.one_of(st.text(max_size=60), _fields.map(json.dumps)))
def test_any_pending_file_line_is_imported_or_kept_and_named(
    tmp_path_factory: pytest.TempPathFactory, line: str
) -> None:
    db = tmp_path_factory.mktemp("pending") / "history.sqlite3"
    HistoryStore(db).close()
    (db.parent / PENDING_NAME).write_text(line.replace("\n", " ") + "\n", encoding="utf-8")
    with HistoryStore(db) as store:  # never raises: the file is outside input
        problems = store.pending_problems
        damaged = store.check()
    assert damaged == []  # what it imported is what the history accepts
    left = (db.parent / PENDING_NAME)
    assert bool(problems) == left.exists()


_QUIT_WITHOUT_SETTLE = """
import sys
from massage_ctl.devices import load_device_profile
from massage_ctl.history import HistoryStore
from massage_ctl.history.recorder import HistoryRecorder
from massage_ctl.timeline import TimelineChannel, Command, Timeline
store = HistoryStore(sys.argv[1])
recorder = HistoryRecorder(store, "sim://pad", pain_before=4)
channels = (TimelineChannel("seat", "hips", "vibration", 0.8),)
timeline = Timeline("quit-early", "pad", "standard", 1000, channels,
                    (Command(0, "seat", 0.5, 500),))
recorder.started(timeline, load_device_profile("pad"))
recorder.finished("stopped", "", 500)
assert recorder.session_id is None and recorder.recording
"""


def test_a_program_that_exits_without_settling_still_keeps_the_session(
    db: Path, holder: Holder
) -> None:
    subprocess.run([sys.executable, "-c", _QUIT_WITHOUT_SETTLE, str(db)], check=True)
    assert (db.parent / PENDING_NAME).exists()
    holder.release()
    with HistoryStore(db) as store:
        [record] = store.sessions()
    assert (record.program_id, record.outcome, record.pain_before) == ("quit-early", "stopped", 4)
