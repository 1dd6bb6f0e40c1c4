"""Writing one session's record without ever holding up the session, and without losing it.

Another program can hold the history's write lock for longer than SQLite's busy timeout (a
sqlite3 shell left in a transaction, a backup). The massage must not wait for it and the record
must not be lost, so :class:`SessionWriter`:

1. tries each write at once, waiting at most :data:`IMPATIENCE_S` for the lock (the session's
   event loop calls it: it must not stall heartbeats);
2. when the history is busy, keeps what is left in memory (a
   :class:`~massage_ctl.history.pending.PendingSession`) and retries every
   :data:`RETRY_EVERY_S` on a background thread while the massage plays;
3. at the end, :meth:`SessionWriter.settle` waits at most :data:`SETTLE_S` more, then appends
   what is still unwritten to the pending file, which the next open of the history imports
   (also done at interpreter exit if nobody called :meth:`~SessionWriter.settle`).

Other errors (a damaged file, a full disk) are kept in :attr:`SessionWriter.error` as before.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from pathlib import Path

from massage_ctl.errors import HistoryError
from massage_ctl.history.connection import HistoryBusyError
from massage_ctl.history.pending import PendingSession, append_pending
from massage_ctl.history.store import HistoryStore

#: Longest a write from the session waits for the lock before it is queued (s).
IMPATIENCE_S = 0.2
#: Pause between background retries while the history is busy (s).
RETRY_EVERY_S = 0.5
#: How long :meth:`SessionWriter.settle` waits at the end for a busy history (s).
SETTLE_S = 10.0

_LIVE: weakref.WeakSet[SessionWriter] = weakref.WeakSet()


class SessionWriter:
    """Writes one session's record into ``store``, queueing while the history is busy."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        #: The session's row id once its start is written.
        self.session_id: int | None = None
        #: A failure other than "busy" (the record is then not kept).
        self.error: HistoryError | None = None
        #: The last "busy" refusal, while something waits to be written.
        self.busy: HistoryBusyError | None = None
        #: The pending file the record went to, if it could not be written at all.
        self.queued_to: Path | None = None
        self._pending: PendingSession | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def waiting(self) -> bool:
        """True while part of the record waits for the history."""
        with self._lock:
            return self._pending is not None and self._pending.outstanding

    @property
    def has_session(self) -> bool:
        """True once a session start was submitted (written or not)."""
        return self.session_id is not None or self._pending is not None

    def fail(self, err: HistoryError) -> None:
        """Note a failure found before writing (a bad value): the record is not kept."""
        with self._lock:
            self.error = err
            self._pending = None
            _LIVE.discard(self)

    @property
    def keeping(self) -> bool:
        """True when the session is (or will be) in the history: written, or waiting for a
        busy history."""
        return self.error is None and (self.session_id is not None or self.waiting)

    def submit(self, part: PendingSession) -> None:
        """Add ``part`` (a start, ratings, an ending) to the record and try to write it."""
        with self._lock:
            if self._pending is None:
                self._pending = PendingSession(session_id=self.session_id)
            pending = self._pending
            if part.start is not None:
                pending.start = part.start
            pending.pains.extend(part.pains)
            if part.finish is not None:
                pending.finish = part.finish
            self._attempt(IMPATIENCE_S)
            if self.waiting:
                _LIVE.add(self)  # kept in the pending file at exit, whatever happens
                if self.error is None:
                    self._start_retrying()

    def _attempt(self, patience_s: float) -> bool:
        """One try at writing everything outstanding; True when nothing is left."""
        with self._lock:
            pending = self._pending
            if pending is None or not pending.outstanding or self.error is not None:
                return True
            try:
                session_id = self.store.write_pending(pending, patience_s=patience_s)
            except HistoryBusyError as err:
                self.busy = err
                return False
            except HistoryError as err:
                # Not a lock (a damaged file, a full disk): retrying will not help. The record
                # stays here and goes to the pending file at the end.
                self.error = err
                return True
            self.session_id = session_id
            self._pending = PendingSession(session_id=session_id)
            return True

    def _start_retrying(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._retry, name="history-retry", daemon=True)
        self._thread.start()

    def _retry(self) -> None:
        while not self._stop.wait(RETRY_EVERY_S):
            if self._attempt(IMPATIENCE_S):
                return

    def settle(self, timeout_s: float | None = None) -> None:
        """At the end of the session: wait up to ``timeout_s`` (default :data:`SETTLE_S`) for
        a busy history, then keep whatever is left in the pending file.

        Afterwards :attr:`error` says what happened if the record is not in the history
        yet (:attr:`queued_to` is where it went).
        """
        _LIVE.discard(self)
        deadline = time.monotonic() + (SETTLE_S if timeout_s is None else timeout_s)
        while not self._attempt(max(0.0, min(1.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        self._stop.set()
        self._save_rest()

    def _save_rest(self) -> None:
        with self._lock:
            pending = self._pending
            if pending is None or not pending.outstanding:
                return
            try:
                self.queued_to = append_pending(self.store.path, pending)
            except (HistoryError, OSError) as err:
                self.error = HistoryError(
                    f"{self.store.path}: the session could not be written to the history nor "
                    f"kept aside: {err}",
                    hint="note the session by hand",
                )
                return
            self._pending = None
            kept = (f"the session is kept in {self.queued_to} and is added to the history "
                    "the next time massage-ctl opens it")
            if self.error is not None:  # a damaged file, a full disk: say that first
                self.error = HistoryError(f"{self.error}; {kept}", hint=self.error.hint)
                return
            holders = self.busy.holders if self.busy else []
            self.error = HistoryBusyError(
                f"{self.store.path}: another program kept the history locked"
                + (f" ({', '.join(holders)})" if holders else "") + f"; {kept}",
                hint="the history is not damaged; nothing needs to be done",
                holders=holders,
            )


@atexit.register
def _keep_unwritten() -> None:
    # A program that ends without settle() (e.g. the TUI quit at once) still loses nothing.
    for writer in list(_LIVE):
        writer._stop.set()
        writer._save_rest()
