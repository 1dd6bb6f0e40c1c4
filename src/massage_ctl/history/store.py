"""The session history: a local SQLite database of sessions, pain ratings and the plan.

Crash safety: :meth:`HistoryStore.start_session` writes the row at once with outcome
``running`` and the writer's pid; :meth:`HistoryStore.finish_session` completes it. Whenever
a store is opened, rows still ``running`` whose process is gone (or that are far past their
planned end) are marked ``interrupted`` — so a killed controller still leaves a record.

Privacy (a 0700 folder, a 0600 file) and concurrency (WAL, short ``BEGIN IMMEDIATE`` writes)
are the connection's business: :mod:`massage_ctl.history.connection`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from massage_ctl.errors import HistoryError
from massage_ctl.history.bulk import RepairResult, import_into, repair
from massage_ctl.history.connection import HistoryBusyError, HistoryConnection
from massage_ctl.history.damage import (
    Damage,
    pain_from_row,
    plan_from_row,
    session_from_row,
)
from massage_ctl.history.pending import PendingSession, apply, import_pending
from massage_ctl.history.plan import Plan, PlanStatus, plan_status
from massage_ctl.history.queries import PAIN_SELECT, PLAN_SELECT, SESSION_SELECT, date_range
from massage_ctl.history.records import (
    PAIN_WHEN,
    RUNNING,
    Outcome,
    PainEntry,
    SessionRecord,
)

T = TypeVar("T")
#: How long opening the history waits for another writer before leaving optional work
#: (marking interrupted rows, importing pending sessions) to the next open (s).
_OPEN_PATIENCE_S = 0.5

#: Longest pain note kept ("a short note").
MAX_NOTE_CHARS = 500
#: A running row this long past its planned end is interrupted even if its pid looks alive
#: (pids are reused after a reboot); no real session is paused for this long.
STALE_AFTER = timedelta(hours=12)

def _local_now() -> datetime:
    return datetime.now().astimezone()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours (PermissionError), or cannot tell: assume alive
    return True


class HistoryStore:
    """The history database at ``path`` (created and migrated on open).

    ``now`` returns the current local time (tests pass a fixed clock); ``pid`` is recorded
    with each started session (defaults to this process). Use as a context manager or call
    :meth:`close`. Every database failure is raised as :class:`HistoryError`.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        now: Callable[[], datetime] = _local_now,
        pid: int | None = None,
    ) -> None:
        self.path = Path(path)
        self._now = now
        self._pid = os.getpid() if pid is None else pid
        self._db = HistoryConnection(self.path)
        self._damage: dict[tuple[str, int], Damage] = {}
        #: Entries of the pending-sessions file that could not be imported, in words.
        self.pending_problems: list[str] = []
        try:
            # Sessions another run could not write (the history was locked): add them now.
            self.pending_problems = import_pending(
                self.path, partial(self.write_pending, patience_s=_OPEN_PATIENCE_S)
            )
            self.recover_interrupted()
        except BaseException:
            self._db.close()
            raise

    # -- plumbing -----------------------------------------------------------------------

    def _stamp(self) -> str:
        return self._now().isoformat(timespec="seconds")

    @property
    def pid(self) -> int:
        """The process id recorded with sessions started through this store."""
        return self._pid

    @property
    def connection(self) -> HistoryConnection:
        """The database connection, for the history's own modules (preferences.py)."""
        return self._db

    def stamp(self) -> str:
        """Now, as the history stores it (ISO 8601 local time with offset, to the second)."""
        return self._stamp()

    def write_pending(self, pending: PendingSession, *, patience_s: float | None = None) -> int:
        """Write what ``pending`` still holds in one transaction; returns the session id.

        ``patience_s`` bounds the wait for another writer's lock (HistoryBusyError after it).
        """
        with (self._db.patience(patience_s) if patience_s is not None else nullcontext()), \
                self._db.write("record a session") as conn:
            return apply(conn, pending)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- sessions -----------------------------------------------------------------------

    def start_session(
        self,
        program_id: str,
        timeline_hash: str,
        device: str,
        safety: str,
        intensity: float,
        planned_ms: int,
    ) -> int:
        """Record that a session starts now; returns its id for :meth:`finish_session`.

        Call it before the first setpoint is sent: the row is committed at once, so a crash
        from here on still leaves an ``interrupted`` record.
        """
        if planned_ms < 0:
            raise HistoryError(f"planned_ms must be >= 0, not {planned_ms}")
        with self._db.write("start a session") as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, program_id, timeline_hash, device, safety, "
                "intensity, planned_ms, outcome, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._stamp(), program_id, timeline_hash, device, safety, float(intensity),
                 int(planned_ms), RUNNING, self._pid),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def progress(self, session_id: int, actual_ms: int) -> None:
        """Optionally note how far a running session got; an interrupted record keeps it."""
        with self._db.write("record progress") as conn:
            conn.execute(
                "UPDATE sessions SET actual_ms = ? WHERE id = ? AND outcome = ?",
                (int(actual_ms), session_id, RUNNING),
            )

    def finish_session(
        self, session_id: int, outcome: Outcome | str, actual_ms: int, note: str | None = None
    ) -> None:
        """Complete the record: how it ended, how long it really ran, an optional note.

        A session can be finished once. A row another process already marked ``interrupted``
        (it thought we were dead) is corrected to the real outcome.
        """
        try:
            final = Outcome(outcome)
        except ValueError as err:
            raise HistoryError(
                f"unknown session outcome {outcome!r}",
                hint="one of: " + ", ".join(o.value for o in Outcome),
            ) from err
        with self._db.write("finish a session") as conn:
            row = conn.execute(
                "SELECT outcome FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                raise HistoryError(f"no session with id {session_id} in the history")
            if row[0] not in (RUNNING, Outcome.INTERRUPTED.value):
                raise HistoryError(f"session {session_id} was already finished ({row[0]})")
            conn.execute(
                "UPDATE sessions SET ended_at = ?, outcome = ?, actual_ms = ?, note = ? "
                "WHERE id = ?",
                (self._stamp(), final.value, max(0, int(actual_ms)), (note or "").strip() or None,
                 session_id),
            )

    def recover_interrupted(self) -> int:
        """Mark ``running`` rows whose writer is gone as ``interrupted``; returns how many.

        Runs on every open. ``ended_at`` stays empty (the real end time is unknown);
        ``actual_ms`` keeps the last :meth:`progress` value, if any.
        """
        now = self._now()
        rows = self._db.read(
            "check for interrupted sessions",
            f"{SESSION_SELECT} WHERE s.outcome = ?",
            (RUNNING,),
        )
        dead = []
        for record in self._checked(rows, session_from_row):
            started = datetime.fromisoformat(record.started_at)
            if started.tzinfo is None or now.tzinfo is None:
                started, ref = started.replace(tzinfo=None), now.replace(tzinfo=None)
            else:
                ref = now
            stale = ref - started > timedelta(milliseconds=record.planned_ms) + STALE_AFTER
            if record.pid is None or stale or not _pid_alive(record.pid):
                dead.append(record.id)
        if dead:
            try:
                # Never hold up an open (a session waiting to start) for this: a locked
                # history is marked the next time.
                with self._db.patience(_OPEN_PATIENCE_S), \
                        self._db.write("mark interrupted sessions") as conn:
                    conn.executemany(
                        "UPDATE sessions SET outcome = ?, note = COALESCE(note, ?) "
                        "WHERE id = ? AND outcome = ?",
                        [(Outcome.INTERRUPTED.value,
                          "controller ended without closing the session", sid, RUNNING)
                         for sid in dead],
                    )
            except HistoryBusyError:
                return 0
        return len(dead)

    def sessions(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[SessionRecord]:
        """Sessions oldest first, with their linked pain ratings; ``since``/``until`` are
        inclusive local dates; ``limit`` keeps the newest N."""
        where, params = date_range("s.started_at", since, until)
        rows = self._db.read(
            "list sessions", f"{SESSION_SELECT} {where} ORDER BY s.started_at, s.id", params
        )
        records = self._checked(rows, session_from_row)
        records.sort(key=lambda r: (r.started_at, r.id))  # mixed storage classes sort apart
        if limit is not None:
            records = records[-limit:] if limit > 0 else []
        return records

    def session(self, session_id: int) -> SessionRecord:
        """One session by id (HistoryError if there is none, or if its row is damaged)."""
        rows = self._db.read("read a session", f"{SESSION_SELECT} WHERE s.id = ?",
                             (session_id,))
        if not rows:
            raise HistoryError(f"no session with id {session_id} in the history")
        record = session_from_row(rows[0])
        if isinstance(record, Damage):
            raise HistoryError(f"{self.path}: {record.describe()}",
                               hint="repair with: massage-ctl history --repair")
        return record

    def _checked(self, rows: list[tuple[Any, ...]], convert: Callable[[tuple[Any, ...]], T | Damage]
                 ) -> list[T]:
        """The good rows as records; the damaged ones are kept for :meth:`damaged`."""
        good: list[T] = []
        for row in rows:
            record = convert(row)
            if isinstance(record, Damage):
                self._damage[(record.table, record.row_id)] = record
            else:
                good.append(record)
        return good

    def damaged(self) -> list[Damage]:
        """The damaged rows the reads so far have skipped (table, id order)."""
        return [self._damage[k] for k in sorted(self._damage)]

    def check(self) -> list[Damage]:
        """Read every row of every table; returns the damaged ones (see :meth:`damaged`)."""
        self._checked(self._db.read("check the history", SESSION_SELECT), session_from_row)
        self._checked(self._db.read("check the history", PAIN_SELECT), pain_from_row)
        self._checked(self._db.read("check the history", PLAN_SELECT), plan_from_row)
        return self.damaged()

    # -- pain diary ---------------------------------------------------------------------

    def add_pain(
        self,
        rating: int,
        note: str | None = None,
        session_id: int | None = None,
        when: str = "day",
    ) -> int:
        """Record a pain rating 0–10 (``when``: ``before``/``after`` a session, or ``day``)."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
            raise HistoryError(
                f"pain rating must be a whole number 0–10, not {rating!r}",
                hint="0 = no pain, 10 = worst pain imaginable",
            )
        if when not in PAIN_WHEN:
            raise HistoryError(f"'when' must be one of {', '.join(PAIN_WHEN)}, not {when!r}")
        if note is not None:
            note = note.strip() or None
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise HistoryError(f"pain note is {len(note)} characters; at most {MAX_NOTE_CHARS}")
        with self._db.write("add a pain rating") as conn:
            if session_id is not None and conn.execute(
                "SELECT 1 FROM sessions WHERE id = ?", (session_id,)
            ).fetchone() is None:
                raise HistoryError(f"no session with id {session_id} in the history")
            cur = conn.execute(
                "INSERT INTO pain (recorded_at, rating, note, session_id, moment) "
                "VALUES (?, ?, ?, ?, ?)",
                (self._stamp(), rating, note, session_id, when),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def pain_entries(
        self, *, since: date | None = None, until: date | None = None
    ) -> list[PainEntry]:
        """Pain ratings oldest first; ``since``/``until`` are inclusive local dates."""
        where, params = date_range("recorded_at", since, until)
        rows = self._db.read("list pain ratings", f"{PAIN_SELECT} {where}", params)
        entries = self._checked(rows, pain_from_row)
        entries.sort(key=lambda p: (p.recorded_at, p.id))
        return entries

    # -- treatment plan -----------------------------------------------------------------

    def set_plan(self, plan: Plan) -> None:
        """Replace the treatment plan (there is at most one)."""
        with self._db.write("save the plan") as conn:
            conn.execute("DELETE FROM plan")
            conn.execute(
                "INSERT INTO plan (id, every_days, for_days, then_every_days, program_id, "
                "start_date, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                (plan.every_days, plan.for_days, plan.then_every_days, plan.program_id,
                 plan.start_date.isoformat(), self._stamp()),
            )

    def get_plan(self) -> Plan | None:
        """The treatment plan, or None when none is set."""
        plans = self._checked(self._db.read("read the plan", PLAN_SELECT), plan_from_row)
        return plans[0] if plans else None

    def clear_plan(self) -> bool:
        """Remove the plan; returns whether there was one."""
        with self._db.write("clear the plan") as conn:
            return conn.execute("DELETE FROM plan").rowcount > 0

    def plan_status(self, today: date | None = None) -> PlanStatus | None:
        """What the plan says for ``today`` (default: the store's clock), or None if no plan.

        Only ``completed`` sessions count as done; with a plan program set, only sessions of
        that program count.
        """
        plan = self.get_plan()
        if plan is None:
            return None
        day = today if today is not None else self._now().date()
        days = [
            date.fromisoformat(r.started_at[:10])
            for r in self.sessions()
            if r.outcome == Outcome.COMPLETED.value
            and (not plan.program_id or r.program_id == plan.program_id)
        ]
        return plan_status(plan, days, day)

    # -- bulk import (restores an export into an empty database) ------------------------

    def import_records(self, sessions: list[SessionRecord], pain: list[PainEntry]) -> None:
        """Load exported records, ids kept, into an *empty* history (HistoryError otherwise)."""
        import_into(self._db, sessions, pain)

    def repair(self) -> RepairResult:
        """Move every damaged row into a private file beside the database and remove it
        from the history (``massage-ctl history --repair``; see :mod:`.bulk`)."""
        result = repair(self._db, self.check(), self._now())
        for moved in result.moved:
            self._damage.pop((moved.table, moved.row_id), None)
        return result

