"""HistoryRecorder: the history side of a session (``massage_ctl.player.session.SessionRecorder``).

Used by ``massage-ctl run`` and the terminal UI alike, so both record sessions the same way:
the row is written when playback starts (a killed process leaves an ``interrupted`` record)
and completed with the outcome when the session ends. Pain ratings given before the session are
attached to it once it has an id.
"""

from __future__ import annotations

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError
from massage_ctl.history.records import timeline_hash
from massage_ctl.history.store import HistoryStore
from massage_ctl.timeline import Timeline

#: Outcomes whose plain-words message is kept as the session's note.
EXPLAINED_OUTCOMES = frozenset({"fault", "disconnect", "interrupted"})


class HistoryRecorder:
    """Records one session in a :class:`HistoryStore`.

    ``device_url`` is what the history shows as the device; ``pain_before`` (0–10) is stored
    as the "before" rating of this session once it starts.
    """

    def __init__(
        self,
        store: HistoryStore,
        device_url: str,
        *,
        pain_before: int | None = None,
        pain_note: str | None = None,
    ) -> None:
        self.store = store
        self.device_url = device_url
        self.pain_before = pain_before
        self.pain_note = pain_note
        self.session_id: int | None = None
        self.error: HistoryError | None = None

    def started(self, timeline: Timeline, device: DeviceProfile) -> None:
        """Write the session row (outcome ``running`` until :meth:`finished`)."""
        try:
            self.session_id = self.store.start_session(
                timeline.program,
                timeline_hash(timeline),
                self.device_url,
                timeline.safety,
                timeline.intensity,
                timeline.duration_ms,
            )
            if self.pain_before is not None:
                self.store.add_pain(
                    self.pain_before, note=self.pain_note, session_id=self.session_id,
                    when="before",
                )
        except HistoryError as err:
            # The massage must not fail because the diary cannot be written; say so later.
            self.error = err

    def finished(self, outcome: str, message: str, elapsed_ms: int) -> None:
        """Complete the row with how the session ended. The message becomes the row's note
        only when it explains an ending the outcome alone does not (a fault, a lost link)."""
        if self.session_id is None:
            return
        note = message or None if outcome in EXPLAINED_OUTCOMES else None
        try:
            self.store.finish_session(self.session_id, outcome, elapsed_ms, note=note)
        except HistoryError as err:
            self.error = err

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        """Store the "after" rating of this session (a failure to write it is kept in
        :attr:`error`, like the others: the diary never breaks the session's ending)."""
        if self.session_id is None:
            return
        try:
            self.store.add_pain(rating, note=note, session_id=self.session_id, when="after")
        except HistoryError as err:
            self.error = err
