"""Favourites, recently used programs, remembered set-ups and the set-up of a past session.

All of it lives in the history database (schema migration 3) next to the sessions it comes
from. Every row carries a ``person_id``; today there is one person, :data:`ONE_PERSON`, and a
household later passes another id instead of changing the tables (docs/HISTORY.md).

Stored values are the user's own file: a remembered set-up that does not read back (a hand
edit, an unknown profile name) is ignored rather than offered, so it can never keep anyone
from a program — the program then opens with its usual set-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from massage_ctl.errors import HistoryError

if TYPE_CHECKING:
    from massage_ctl.history.store import HistoryStore

#: The only person there is until the household arrives; every new row defaults to it.
ONE_PERSON = 1
#: A stored length longer than a day is damage, not a set-up (nor is infinity).
_DAY_MIN = 24 * 60


@dataclass(frozen=True)
class SavedSetup:
    """A set-up as remembered (or as a past session was played): the names, not loaded
    profiles — the front end loads the safety profile (and refuses one it does not know)."""

    program_id: str
    safety: str
    intensity: float
    minutes: float | None = None
    exclude: tuple[str, ...] = ()
    #: The device the session played on (only for a past session; None for a remembered one).
    device: str | None = None


def _exclude_from(text: Any) -> tuple[str, ...] | None:
    """The zones of a stored JSON list, or None when the text is not such a list."""
    if text is None:
        return ()
    try:
        zones = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(zones, list) or not all(isinstance(z, str) for z in zones):
        return None
    return tuple(zones)


def _setup_from(row: tuple[Any, ...], device: str | None = None) -> SavedSetup | None:
    program_id, safety, intensity, minutes, exclude_text = row
    exclude = _exclude_from(exclude_text)
    good = (
        isinstance(program_id, str) and program_id
        and isinstance(safety, str) and safety
        and isinstance(intensity, (int, float)) and 0 < intensity <= 1
        and (minutes is None or (isinstance(minutes, (int, float)) and 0 < minutes <= _DAY_MIN))
        and exclude is not None
    )
    if not good or exclude is None:
        return None
    return SavedSetup(program_id, safety, float(intensity),
                      None if minutes is None else float(minutes), exclude, device)


class Preferences:
    """Favourites and remembered set-ups of one person, kept in ``store``'s database."""

    def __init__(self, store: HistoryStore, person_id: int = ONE_PERSON) -> None:
        self.store = store
        self.person_id = person_id

    # -- favourites ---------------------------------------------------------------------
    def favourites(self) -> list[str]:
        """Favourite program ids, in the order they were marked."""
        rows = self.store.connection.read(
            "read the favourites",
            "SELECT program_id FROM favourites WHERE person_id = ? ORDER BY added_at, rowid",
            (self.person_id,),
        )
        return [str(r[0]) for r in rows if isinstance(r[0], str)]

    def add_favourite(self, program_id: str) -> bool:
        """Mark ``program_id`` a favourite; False when it already was one."""
        with self.store.connection.write("mark a favourite") as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO favourites (person_id, program_id, added_at) "
                "VALUES (?, ?, ?)",
                (self.person_id, program_id, self.store.stamp()),
            )
            return cur.rowcount > 0

    def remove_favourite(self, program_id: str) -> bool:
        """Unmark ``program_id``; False when it was not a favourite."""
        with self.store.connection.write("remove a favourite") as conn:
            cur = conn.execute(
                "DELETE FROM favourites WHERE person_id = ? AND program_id = ?",
                (self.person_id, program_id),
            )
            return cur.rowcount > 0

    def toggle_favourite(self, program_id: str) -> bool:
        """Mark or unmark; True when ``program_id`` is a favourite afterwards."""
        if self.remove_favourite(program_id):
            return False
        self.add_favourite(program_id)
        return True

    def recent(self, limit: int = 5) -> list[str]:
        """Programs played most recently first (each once), at most ``limit``."""
        rows = self.store.connection.read(
            "read the recent programs",
            "SELECT program_id, max(started_at) AS last FROM sessions WHERE person_id = ? "
            "AND typeof(program_id) = 'text' GROUP BY program_id ORDER BY last DESC LIMIT ?",
            (self.person_id, limit),
        )
        return [str(r[0]) for r in rows]

    # -- remembered set-ups -------------------------------------------------------------
    def remember(self, setup: SavedSetup) -> None:
        """Keep ``setup`` as the one offered next time for its program."""
        if not 0 < setup.intensity <= 1 or (setup.minutes is not None and setup.minutes <= 0):
            raise HistoryError(f"not a set-up to remember: {setup}")
        with self.store.connection.write("remember the set-up") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO setups (person_id, program_id, safety, intensity, "
                "minutes, exclude, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.person_id, setup.program_id, setup.safety, setup.intensity,
                 setup.minutes, json.dumps(list(setup.exclude)), self.store.stamp()),
            )

    def remembered(self, program_id: str) -> SavedSetup | None:
        """The set-up last chosen for ``program_id``, or None (none, or unreadable)."""
        rows = self.store.connection.read(
            "read the remembered set-up",
            "SELECT program_id, safety, intensity, minutes, exclude FROM setups "
            "WHERE person_id = ? AND program_id = ?",
            (self.person_id, program_id),
        )
        return _setup_from(rows[0]) if rows else None

    def forget(self, program_id: str) -> bool:
        """Drop the remembered set-up of ``program_id``; False when there was none."""
        with self.store.connection.write("forget the set-up") as conn:
            cur = conn.execute(
                "DELETE FROM setups WHERE person_id = ? AND program_id = ?",
                (self.person_id, program_id),
            )
            return cur.rowcount > 0

    # -- run again ----------------------------------------------------------------------
    def session_setup(self, session_id: int | None = None) -> SavedSetup:
        """The set-up session ``session_id`` was played with (the latest session when None).

        A session recorded before the set-up was kept with it (an older massage-ctl) has no
        length or zones: it is repeated at the program's own length, avoiding nothing.
        """
        where, params = (
            ("WHERE id = ?", (session_id,)) if session_id is not None
            else ("WHERE person_id = ? ORDER BY started_at DESC, id DESC LIMIT 1",
                  (self.person_id,))
        )
        rows = self.store.connection.read(
            "read a session's set-up",
            f"SELECT program_id, safety, intensity, minutes, exclude, device FROM sessions "
            f"{where}",
            params,
        )
        if not rows:
            raise HistoryError(
                "no sessions in the history yet" if session_id is None
                else f"no session with id {session_id} in the history",
                hint="see the sessions with: massage-ctl history",
            )
        *setup_row, device = rows[0]
        setup = _setup_from(tuple(setup_row), device if isinstance(device, str) else None)
        if setup is None:
            raise HistoryError(
                f"{self.store.path}: session {session_id or 'latest'}: its set-up is damaged",
                hint="repair with: massage-ctl history --repair, or start the program anew",
            )
        return setup
