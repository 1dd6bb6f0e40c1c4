"""HistoryRecorder: the history side of a session (``massage_ctl.player.session.SessionRecorder``).

Used by ``massage-ctl run`` and the terminal UI alike, so both record sessions the same way:
the row is written when playback starts (a killed process leaves an ``interrupted`` record)
and completed with the outcome when the session ends. Pain ratings given before the session are
attached to it once it has an id.
"""

from __future__ import annotations

import json
from typing import Any

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError
from massage_ctl.history.pending import PendingSession
from massage_ctl.history.records import Outcome, timeline_hash
from massage_ctl.history.store import MAX_NOTE_CHARS, HistoryStore
from massage_ctl.history.writer import SessionWriter
from massage_ctl.timeline import Timeline

#: Outcomes whose plain-words message is kept as the session's note.
EXPLAINED_OUTCOMES = frozenset({"fault", "disconnect", "interrupted"})


class HistoryRecorder:
    """Records one session in a :class:`HistoryStore`.

    ``device_url`` is what the history shows as the device; ``pain_before`` (0–10) is stored
    as the "before" rating of this session once it starts. ``minutes`` and ``exclude`` are the
    set-up's length and zones avoided, kept with the row so "run again" repeats them.
    """

    def __init__(
        self,
        store: HistoryStore,
        device_url: str,
        *,
        pain_before: int | None = None,
        pain_note: str | None = None,
        minutes: float | None = None,
        exclude: tuple[str, ...] = (),
    ) -> None:
        self.store = store
        self.minutes = minutes
        self.exclude = exclude
        self.device_url = device_url
        self.pain_before = pain_before
        self.pain_note = pain_note
        # Writes go through a SessionWriter: a busy history queues them instead of holding
        # up the session (history/writer.py).
        self._writer = SessionWriter(store)

    @property
    def session_id(self) -> int | None:
        """The session's row id, once its start is written."""
        return self._writer.session_id

    @property
    def error(self) -> HistoryError | None:
        """Why the session is not (yet) in the history, if it is not; None when all is well."""
        return self._writer.error

    @property
    def recording(self) -> bool:
        """True when the session is in the history or waits for a busy one: ask for the
        "after" rating then (it is kept with the session)."""
        return self._writer.keeping

    def started(self, timeline: Timeline, device: DeviceProfile) -> None:
        """Write the session row (outcome ``running`` until :meth:`finished`)."""
        start = {
            "started_at": self.store.stamp(), "program_id": timeline.program,
            "timeline_hash": timeline_hash(timeline), "device": self.device_url,
            "safety": timeline.safety, "intensity": float(timeline.intensity),
            "planned_ms": int(timeline.duration_ms), "pid": self.store.pid,
            "minutes": self.minutes, "exclude": json.dumps(list(self.exclude)),
        }
        before = None if self.pain_before is None else _pain(
            self.store.stamp(), self.pain_before, self.pain_note, "before"
        )
        if self.pain_before is not None and before is None:
            self._writer.fail(HistoryError(
                f"pain rating must be a whole number 0–10, not {self.pain_before!r}"
            ))
            return
        # The massage must not fail, nor wait, because the diary cannot be written.
        self._writer.submit(PendingSession(start=start, pains=[before] if before else []))

    def finished(self, outcome: str, message: str, elapsed_ms: int) -> None:
        """Complete the row with how the session ended. The message becomes the row's note
        only when it explains an ending the outcome alone does not (a fault, a lost link)."""
        if not self._writer.has_session:
            return
        if outcome not in {o.value for o in Outcome}:
            self._writer.fail(HistoryError(f"unknown session outcome {outcome!r}"))
            return
        note = message or None if outcome in EXPLAINED_OUTCOMES else None
        finish = {"ended_at": self.store.stamp(), "outcome": outcome,
                  "actual_ms": max(0, int(elapsed_ms)), "note": (note or "").strip() or None}
        self._writer.submit(PendingSession(finish=finish))

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        """Store the "after" rating of this session (a failure to write it is kept in
        :attr:`error`, like the others: the diary never breaks the session's ending)."""
        if not self._writer.has_session:
            return
        pain = _pain(self.store.stamp(), rating, note, "after")
        if pain is None:
            self._writer.fail(HistoryError(f"pain rating must be a whole number 0–10, not "
                                           f"{rating!r}"))
            return
        self._writer.submit(PendingSession(pains=[pain]))

    def settle(self, timeout_s: float | None = None) -> None:
        """At the end: wait a bounded time for a busy history, then keep what is still
        unwritten in the pending file; :attr:`error` then says exactly what happened."""
        self._writer.settle(timeout_s)


def _pain(stamp: str, rating: int, note: str | None, moment: str) -> dict[str, Any] | None:
    """A pain rating as the writer stores it; None when ``rating`` is not 0–10."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
        return None
    text = (note or "").strip()[:MAX_NOTE_CHARS] or None
    return {"recorded_at": stamp, "rating": rating, "note": text, "moment": moment}
