"""Favourites, recently used, remembered set-ups and a past session's set-up (run again)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore
from massage_ctl.history.pending import PendingSession
from massage_ctl.history.preferences import ONE_PERSON, Preferences, SavedSetup
from massage_ctl.history.schema import migrate, schema_version


class Clock:
    """A clock that moves one minute each time it is read (orders rows deterministically)."""

    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, 9, 0).astimezone()

    def __call__(self) -> datetime:
        self.t += timedelta(minutes=1)
        return self.t


def _store(home: Path, clock: Clock | None = None) -> HistoryStore:
    return HistoryStore(home / "history.sqlite3", now=clock or Clock())


def _played(store: HistoryStore, program: str, *, minutes: float | None = None,
            exclude: str | None = None) -> int:
    start = {"started_at": store.stamp(), "program_id": program, "timeline_hash": "h",
             "device": "sim://pad", "safety": "gentle", "intensity": 0.6,
             "planned_ms": 600_000, "pid": None, "minutes": minutes, "exclude": exclude}
    return store.write_pending(PendingSession(start=start))


def test_remembered_setup_survives_a_restart(isolated_home: Path) -> None:
    setup = SavedSetup("gentle-sciatica", "gentle", 0.5, 15.0, ("hips", "thighs"))
    with _store(isolated_home) as store:
        Preferences(store).remember(setup)
    with _store(isolated_home) as store:
        assert Preferences(store).remembered("gentle-sciatica") == setup
        assert Preferences(store).remembered("swedish-full-back") is None


def test_a_newer_choice_replaces_the_remembered_one(isolated_home: Path) -> None:
    with _store(isolated_home) as store:
        prefs = Preferences(store)
        prefs.remember(SavedSetup("p", "standard", 1.0))
        prefs.remember(SavedSetup("p", "gentle", 0.4, None, ("neck",)))
        assert prefs.remembered("p") == SavedSetup("p", "gentle", 0.4, None, ("neck",))


def test_a_hand_damaged_remembered_setup_is_ignored_not_offered(isolated_home: Path) -> None:
    with _store(isolated_home) as store:
        Preferences(store).remember(SavedSetup("p", "gentle", 0.4))
    conn = sqlite3.connect(isolated_home / "history.sqlite3")
    conn.execute("UPDATE setups SET exclude = 'neck'")  # not a JSON list
    conn.commit()
    conn.close()
    with _store(isolated_home) as store:
        assert Preferences(store).remembered("p") is None


def test_favourites_in_the_order_marked_and_toggle(isolated_home: Path) -> None:
    with _store(isolated_home) as store:
        prefs = Preferences(store)
        assert prefs.add_favourite("b") and prefs.add_favourite("a")
        assert not prefs.add_favourite("b")  # already one
        assert prefs.favourites() == ["b", "a"]
        assert prefs.toggle_favourite("b") is False
        assert prefs.toggle_favourite("c") is True
    with _store(isolated_home) as store:
        assert Preferences(store).favourites() == ["a", "c"]


def test_recent_programs_newest_first_each_once(isolated_home: Path) -> None:
    with _store(isolated_home) as store:
        for program in ("a", "b", "a", "c"):
            _played(store, program)
        assert Preferences(store).recent() == ["c", "a", "b"]
        assert Preferences(store).recent(limit=2) == ["c", "a"]


def test_session_setup_repeats_length_and_zones(isolated_home: Path) -> None:
    with _store(isolated_home) as store:
        first = _played(store, "a", minutes=15, exclude='["neck"]')
        _played(store, "b")
        prefs = Preferences(store)
        assert prefs.session_setup(first) == SavedSetup(
            "a", "gentle", 0.6, 15.0, ("neck",), device="sim://pad")
        assert prefs.session_setup().program_id == "b"  # the latest


def test_session_setup_of_a_missing_session_says_so(isolated_home: Path) -> None:
    with _store(isolated_home) as store, pytest.raises(HistoryError, match="no sessions"):
        Preferences(store).session_setup()
    with _store(isolated_home) as store, pytest.raises(HistoryError, match="id 9"):
        Preferences(store).session_setup(9)


def test_a_pending_entry_with_a_bad_length_is_refused() -> None:
    entry = PendingSession(start={"minutes": -3}, session_id=None)
    with pytest.raises(ValueError, match="minutes"):
        entry.check()


def test_migration_from_version_2_keeps_sessions_as_the_one_person(isolated_home: Path) -> None:
    db = isolated_home / "history.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=2)
    conn.execute(
        "INSERT INTO sessions (started_at, program_id, timeline_hash, device, safety, "
        "intensity, planned_ms, outcome) VALUES ('2026-01-01T10:00:00+00:00', 'a', 'h', "
        "'sim://chair', 'standard', 1.0, 60000, 'completed')"
    )
    conn.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("INSERT INTO pain (recorded_at, rating, moment) "
                 "VALUES ('2026-01-01T10:00:00+00:00', 5, 'day')")
    conn.close()
    with _store(isolated_home) as store:
        assert schema_version(sqlite3.connect(db)) >= 3
        owners = {row[0] for table in ("sessions", "pain") for row in sqlite3.connect(db)
                  .execute(f"SELECT person_id FROM {table}")}
        assert owners == {ONE_PERSON}  # existing data is the one person's
        assert [p.rating for p in store.pain_entries()] == [5]
        assert [s.program_id for s in store.sessions()] == ["a"]
        prefs = Preferences(store, ONE_PERSON)
        assert prefs.recent() == ["a"]
        # An old session has no length or zones: repeated at its own length, avoiding none.
        assert prefs.session_setup(1) == SavedSetup("a", "standard", 1.0, None, (),
                                                    device="sim://chair")


# Each example opens a database: no deadline (a shared 2-core box), fewer examples.
@settings(deadline=None, max_examples=30)
@given(st.lists(st.sampled_from("abcdef"), max_size=12))
def test_favourites_are_each_program_once_whatever_the_clicks(clicks: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, _store(Path(tmp)) as store:
        prefs = Preferences(store)
        expected: list[str] = []
        for program in clicks:
            if prefs.toggle_favourite(program):
                expected.append(program)
            else:
                expected.remove(program)
        assert prefs.favourites() == expected


_CELL = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                  st.binary(max_size=8))


@given(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL))
def test_any_stored_row_reads_as_a_good_setup_or_none(row: tuple[object, ...]) -> None:
    # The file is the user's own: whatever a tool left in a row, reading it never raises and
    # never yields a set-up outside the accepted ranges.
    from massage_ctl.history.preferences import _setup_from

    setup = _setup_from(row)
    if setup is not None:
        assert 0 < setup.intensity <= 1
        assert setup.minutes is None or 0 < setup.minutes <= 24 * 60  # finite: it is rounded
        assert all(isinstance(z, str) for z in setup.exclude)
