"""SessionRunner: a session on its own thread and event loop, driven thread-safely.

The CLI and the Textual UI run their own loops (or none); the session needs a loop whose clock
matches the device URL (real, N×, or virtual for ``?speed=max`` — see ``massage_ctl.clock``).
So the runner owns a dedicated thread running ``new_event_loop(speed)``, and every control is
forwarded with ``loop.call_soon_threadsafe``. In particular :meth:`SessionRunner.stop` does not
wait for anything: the STOP frames are written in the runner loop's very next iteration.

Callbacks given to :meth:`subscribe` are called **on the runner thread**. A UI must marshal
them to its own thread (Textual: ``app.call_from_thread(...)``; asyncio:
``loop.call_soon_threadsafe(...)``) and must not block in them.

Usage::

    runner = SessionRunner(session, speed=None)
    runner.subscribe(on_event)          # before start() to miss nothing
    runner.start()
    ...
    runner.stop()                       # STOP key: immediate
    result = runner.wait()              # SessionResult; re-raises a pre-playback error
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from massage_ctl.clock import new_event_loop
from massage_ctl.player.events import EventCallback, PlayerState
from massage_ctl.player.session import Session, SessionResult


class SessionRunner:
    """Owns a thread with its own event loop on which one :class:`Session` runs."""

    def __init__(self, session: Session, *, speed: float | None = 1.0) -> None:
        self.session = session
        self.speed = speed
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        self._result: SessionResult | None = None
        self._error: BaseException | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread and the session; returns once the loop runs."""
        if self._thread is not None:
            raise RuntimeError("a SessionRunner runs one session once")
        self._thread = threading.Thread(target=self._main, name="massage-session", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _main(self) -> None:
        loop = new_event_loop(self.speed)
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._ready.set()
        try:
            self._result = loop.run_until_complete(self.session.run())
        except BaseException as err:  # handed to wait(), never lost on the thread
            self._error = err
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                self._done.set()

    def wait(self, timeout: float | None = None) -> SessionResult:
        """Block until the session ends; its result, or the error that ended it early.

        Raises :class:`TimeoutError` if ``timeout`` (seconds) passes first.
        """
        if not self._done.wait(timeout):
            raise TimeoutError("the session is still running")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def wait_done(self, timeout: float | None = None) -> bool:
        """Block until the session ends or ``timeout`` passes; True when it ended."""
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        """True once the session has ended (device stopped, history written)."""
        return self._done.is_set()

    # -- controls (any thread) ----------------------------------------------------------------
    def _call(self, fn: Callable[..., object], *args: object) -> None:
        loop = self._loop
        if loop is None or self._done.is_set():
            return
        # RuntimeError: the loop closed in between; the session is over anyway.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(fn, *args)

    def subscribe(self, callback: EventCallback) -> None:
        """Receive progress events — on the runner thread (marshal them in a UI)."""
        if self._loop is None:
            self.session.subscribe(callback)  # not started: no other thread touches it yet
        else:
            # A first listener wakes the player (it keeps no progress timer without one):
            # that must happen on the session's own loop.
            self._call(self.session.subscribe, callback)

    def pause(self) -> None:
        """Pause: outputs ramp to zero at the safe rate."""
        self._call(self.session.pause)

    def resume(self) -> None:
        """Resume: outputs ramp back up at the safe rate."""
        self._call(self.session.resume)

    def adjust(self, delta: float) -> None:
        """Change the live intensity by ``delta`` (0.1 steps, 0.1–1.0)."""
        self._call(self.session.adjust, delta)

    def skip_phase(self) -> None:
        """Jump to the next phase."""
        self._call(self.session.skip_phase)

    def stop(self, outcome: PlayerState = "stop") -> None:
        """STOP at once (``outcome``: ``stop`` = STOP key, ``stopped`` = ended early,
        ``interrupted`` = SIGTERM / lost terminal). Safe from any thread, repeatedly."""
        self._call(self.session.stop, outcome)


__all__ = ["SessionRunner"]
