"""EventRelay: hands a session's progress events from the runner thread to the UI loop.

The session runs on its own thread (``player.runner``). Its events must reach the screen
without ever blocking the runner, and without flooding the screen: a ``?speed=max`` session
emits thousands of progress events a second, and redrawing for each would burn CPU for nothing.

So periodic ``progress`` events are coalesced to the newest and delivered at most every
``interval_s``; every other event (state changes, faults, ``finished``) is delivered promptly,
each one, in order. A progress event older than a delivered important event is dropped, so the
screen never goes back to "playing" after "finished".
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massage_ctl.player.events import ProgressEvent

#: Default: at most 4 progress redraws a second. The body map follows ramps that take
#: seconds, and the time label changes once a second: more often only costs CPU.
PROGRESS_INTERVAL_S = 0.25


class EventRelay:
    """Thread-safe hand-over of :class:`ProgressEvent` objects to ``deliver`` on ``loop``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        deliver: Callable[[ProgressEvent], None],
        *,
        interval_s: float = PROGRESS_INTERVAL_S,
    ) -> None:
        self._loop = loop
        self._deliver = deliver
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._important: list[ProgressEvent] = []
        self._progress: ProgressEvent | None = None
        self._timer_pending = False
        # Deliveries run in the creator's context (Textual keeps its active app in a context
        # variable; a callback scheduled from the runner thread would not see it otherwise).
        self._context = contextvars.copy_context()

    def push(self, event: ProgressEvent) -> None:
        """Runner thread: queue ``event`` and make sure a delivery is scheduled. Never blocks
        for long (one short lock) and never raises."""
        with self._lock:
            if event.kind == "progress":
                self._progress = event
                if self._timer_pending:
                    return
                self._timer_pending = True
                schedule: Callable[[], object] = self._flush_later
            else:
                self._important.append(event)
                self._progress = None  # older than this event: never shown after it
                schedule = self._flush
        with contextlib.suppress(RuntimeError):  # the UI loop is already closed
            self._loop.call_soon_threadsafe(schedule, context=self._context)

    def _flush_later(self) -> None:
        self._loop.call_later(self._interval_s, self._flush, context=self._context)

    def _flush(self) -> None:
        """UI loop: deliver the queued important events, then the newest progress event."""
        with self._lock:
            events = self._important
            self._important = []
            if self._progress is not None:
                events.append(self._progress)
                self._progress = None
            self._timer_pending = False
        for event in events:
            self._deliver(event)
