"""Session records: every way a session can end, crash recovery, linked pain ratings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from massage_ctl.config import AppPaths
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore, Outcome, timeline_hash
from massage_ctl.timeline import Command, Timeline, TimelineChannel

HASH = "0" * 64


@pytest.fixture
def store() -> HistoryStore:
    with HistoryStore(AppPaths.from_env().history_db) as s:
        yield s  # type: ignore[misc]


def test_outcome_strings_are_the_documented_ones() -> None:
    assert [o.value for o in Outcome] == [
        "completed", "stopped", "stop", "fault", "disconnect", "interrupted"
    ]


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_ending_is_recorded(store: HistoryStore, outcome: Outcome) -> None:
    sid = store.start_session("swedish-back", HASH, "sim://pad", "gentle", 0.6, 600_000)
    running = store.session(sid)
    assert running.outcome == "running" and running.ended_at is None
    assert running.pid == os.getpid()
    store.finish_session(sid, outcome, 123_456, note="felt fine")
    rec = store.session(sid)
    assert rec.outcome == outcome.value
    assert (rec.actual_ms, rec.planned_ms, rec.note) == (123_456, 600_000, "felt fine")
    assert (rec.program_id, rec.device, rec.safety, rec.intensity) == (
        "swedish-back", "sim://pad", "gentle", 0.6)
    assert rec.ended_at is not None and rec.ended_at >= rec.started_at


def test_a_session_is_finished_only_once(store: HistoryStore) -> None:
    sid = store.start_session("p", HASH, "sim://chair", "standard", 1.0, 1000)
    store.finish_session(sid, Outcome.STOP, 10)
    with pytest.raises(HistoryError, match="already finished"):
        store.finish_session(sid, Outcome.COMPLETED, 1000)
    assert store.session(sid).outcome == "stop"


def test_unknown_outcome_and_unknown_session_are_clear_errors(store: HistoryStore) -> None:
    sid = store.start_session("p", HASH, "sim://chair", "standard", 1.0, 1000)
    with pytest.raises(HistoryError, match="unknown session outcome 'exploded'") as info:
        store.finish_session(sid, "exploded", 10)
    assert info.value.hint and "completed" in info.value.hint
    with pytest.raises(HistoryError, match="no session with id 999"):
        store.finish_session(999, Outcome.COMPLETED, 10)


def test_pain_ratings_link_to_their_session(store: HistoryStore) -> None:
    sid = store.start_session("p", HASH, "sim://chair", "standard", 1.0, 1000)
    store.add_pain(7, note="sharp", session_id=sid, when="before")
    store.finish_session(sid, Outcome.COMPLETED, 1000)
    store.add_pain(4, session_id=sid, when="after")
    store.add_pain(5, note="  ")  # a day rating; a blank note is no note
    rec = store.session(sid)
    assert (rec.pain_before, rec.pain_after) == (7, 4)
    entries = store.pain_entries()
    assert [(e.rating, e.when, e.session_id, e.note) for e in entries] == [
        (7, "before", sid, "sharp"), (4, "after", sid, None), (5, "day", None, None)]


@pytest.mark.parametrize("rating", [-1, 11, 3.5, True, "4"])
def test_pain_rating_outside_0_to_10_is_refused(store: HistoryStore, rating: object) -> None:
    with pytest.raises(HistoryError, match="0–10"):
        store.add_pain(rating)  # type: ignore[arg-type]
    assert store.pain_entries() == []


def test_progress_survives_into_an_interrupted_record(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    with HistoryStore(db, pid=2**22 + 12345) as s:  # a pid that cannot exist
        sid = s.start_session("p", HASH, "sim://chair", "standard", 1.0, 60_000)
        s.progress(sid, 30_000)
    with HistoryStore(db) as s:
        rec = s.session(sid)
    assert rec.outcome == "interrupted" and rec.actual_ms == 30_000 and rec.ended_at is None


_WRITER = """
import sys, time
from massage_ctl.history import HistoryStore
store = HistoryStore(sys.argv[1])
sid = store.start_session("trigger-point-lower-back", "ab" * 32, "sim://chair", "standard",
                          0.8, 1_200_000)
print(sid, flush=True)
time.sleep(60)
"""


def _spawn_writer(db: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def test_killed_process_leaves_an_interrupted_record(isolated_home: Path) -> None:
    db = AppPaths.from_env().history_db
    proc, sid = _spawn_writer(db)
    try:
        with HistoryStore(db) as s:  # writer alive: its session is still running
            assert s.session(sid).outcome == "running"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with HistoryStore(db) as s:
        rec = s.session(sid)
    assert rec.outcome == "interrupted"
    assert rec.program_id == "trigger-point-lower-back"
    assert rec.planned_ms == 1_200_000 and rec.ended_at is None


def test_running_row_long_past_its_planned_end_is_interrupted_even_if_pid_is_reused(
    isolated_home: Path,
) -> None:
    db = AppPaths.from_env().history_db
    start = datetime(2024, 5, 1, 9, 0).astimezone()
    with HistoryStore(db, now=lambda: start) as s:
        sid = s.start_session("p", HASH, "sim://chair", "standard", 1.0, 20 * 60_000)
    later = start + timedelta(minutes=20) + timedelta(hours=13)
    with HistoryStore(db, now=lambda: later) as s:  # our own pid: "alive"
        assert s.session(sid).outcome == "interrupted"


def test_timeline_hash_is_sha256_of_canonical_json_and_tracks_content() -> None:
    channels = (TimelineChannel("seat", "hips", "vibration", 0.8),)
    a = Timeline("p", "pad", "standard", 1000, channels, (Command(0, "seat", 0.5, 500),))
    b = Timeline("p", "pad", "standard", 1000, channels, (Command(0, "seat", 0.6, 500),))
    same_as_a = Timeline("p", "pad", "standard", 1000, channels, (Command(0, "seat", 0.5, 500),),
                         warnings=())
    assert len(timeline_hash(a)) == 64 and int(timeline_hash(a), 16) >= 0
    assert timeline_hash(a) == timeline_hash(same_as_a)
    assert timeline_hash(a) != timeline_hash(b)
