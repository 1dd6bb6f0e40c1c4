"""The session the terminal UI drives, as a plain object: no Textual in it.

:class:`SessionController` starts a session through the session layer
(:func:`massage_ctl.session.start_session`: history record, pain ratings, runner), forwards the
keys (pause, strength, next phase, STOP), remembers the last progress event, and says how a
session ended that never sent one. The app (``tui/app.py``) only turns screens' messages into
these calls and shows what they return; the controller can be tested without a screen.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore
from massage_ctl.player.events import EventCallback, PlayerState, ProgressEvent
from massage_ctl.player.runner import SessionRunner
from massage_ctl.session import ConnectionOpener, LiveSession, SessionOptions, start_session
from massage_ctl.timeline import Timeline

#: How long quitting waits for the device to confirm STOP before leaving anyway (seconds).
QUIT_STOP_WAIT_S = 3.0


@dataclass(frozen=True, slots=True)
class Ending:
    """How a session's runner ended, for the run screen.

    ``failed``: the error that ended it before playback (device unreachable, handshake
    refused), in words; ``not_started``: it never played and sent no event (a refused start,
    STOP while connecting) — then ``outcome`` and ``message`` say why. ``stop_confirmed``: the
    device reported every output off after the end.
    """

    failed: str | None = None
    not_started: bool = False
    outcome: PlayerState = "stopped"
    message: str = ""
    stop_confirmed: bool = False


class SessionController:
    """At most one session at a time, as the UI runs it."""

    def __init__(
        self, *, store: HistoryStore | None = None, open_connection: ConnectionOpener | None = None
    ) -> None:
        self.store = store
        self.open_connection = open_connection
        #: The newest session (kept after it ends, for its history record and pain rating).
        self.live: LiveSession | None = None
        #: The newest progress event shown for it (None until one came).
        self.last_event: ProgressEvent | None = None

    @property
    def runner(self) -> SessionRunner | None:
        """The newest session's runner, if any."""
        return self.live.runner if self.live is not None else None

    @property
    def active(self) -> bool:
        """True while a session runs (until its device is stopped and recorded)."""
        return self.live is not None and not self.live.done

    def start(
        self, options: SessionOptions, preview: Timeline, pain_before: int | None,
        listener: EventCallback,
    ) -> LiveSession:
        """Start a session (``listener`` hears its events on the runner thread).

        Raises RuntimeError while another runs: the app checks :attr:`active` first.
        """
        if self.active:
            raise RuntimeError("a session is already running")
        self.last_event = None
        self.live = start_session(
            options, listener, store=self.store, pain_before=pain_before, preview=preview,
            open_connection=self.open_connection,
        )
        return self.live

    def seen(self, event: ProgressEvent) -> None:
        """The UI has shown ``event``."""
        self.last_event = event

    # -- keys ------------------------------------------------------------------------------
    def pause(self, pause: bool) -> None:
        """Pause (outputs ramp down) or resume (ramp back up)."""
        if self.live is not None:
            (self.live.runner.pause if pause else self.live.runner.resume)()

    def adjust(self, delta: float) -> None:
        """Live strength change; the player's guard keeps it under every cap."""
        if self.live is not None:
            self.live.runner.adjust(delta)

    def skip(self) -> None:
        """Jump to the next phase."""
        if self.live is not None:
            self.live.runner.skip_phase()

    def stop(self, outcome: PlayerState = "stop") -> bool:
        """STOP the running session at once; False when nothing was running."""
        if not self.active:
            return False
        assert self.live is not None
        self.live.runner.stop(outcome)
        return True

    def stop_and_wait(self, timeout: float = QUIT_STOP_WAIT_S) -> None:
        """STOP any running session and wait (bounded) until its device is stopped."""
        if not self.stop("stopped"):
            return
        assert self.live is not None
        with contextlib.suppress(Exception):
            self.live.runner.wait(timeout)

    # -- endings ---------------------------------------------------------------------------
    def ending(self, runner: SessionRunner) -> Ending | None:
        """How ``runner`` ended (it has); None when it is no longer the current session."""
        if self.live is None or runner is not self.live.runner:
            return None
        try:
            result = runner.wait(0)
        except BaseException as err:  # the runner thread's error: shown, never re-raised here
            hint = getattr(err, "hint", None)
            return Ending(failed=f"{err}" + (f" — {hint}" if hint else ""))
        # No event came (they are delivered before the ending is asked for): it never played.
        return Ending(not_started=self.last_event is None, outcome=result.outcome,
                      message=result.message, stop_confirmed=result.stop_confirmed)

    def asks_pain_after(self) -> bool:
        """After a session that played: whether to ask for the "after" rating."""
        return self.live is not None and self.live.asks_pain_after(started=True)

    def add_pain_after(self, rating: int) -> None:
        """Record the "after" rating with the newest session."""
        if self.live is not None:
            self.live.add_pain_after(rating)

    @property
    def unrecorded(self) -> HistoryError | None:
        """Why the newest session is not (yet) in the history; None when all is well."""
        return self.live.unrecorded if self.live is not None else None

    def settle(self, timeout_s: float) -> None:
        """At exit: wait a moment for a busy history; the rest goes to the pending file that
        the next start imports (docs/HISTORY.md)."""
        if self.live is not None and self.live.recorder is not None:
            self.live.recorder.settle(timeout_s)
