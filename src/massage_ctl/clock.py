"""Clocks are event loops: real time, N× real time, or virtual time as fast as possible.

Every timed part of massage_ctl (player, link heartbeats, simulator physics) uses only
``loop.time()`` and ``asyncio.sleep``/timeouts. The *clock* is therefore chosen by choosing the
event loop the session runs on:

* :func:`new_event_loop` with ``speed=1.0`` — a normal loop, real time;
* ``speed=N`` — a loop whose ``time()`` runs up to N× faster, and whose waits are N× shorter
  (under load the clock slows down rather than leap, see :data:`MAX_SCALED_STEP_S`);
* ``speed=None`` (``?speed=max``) — *virtual time*: when nothing is ready to run, the loop
  jumps its clock to the next timer instead of waiting. Only valid when every peer lives in the
  same loop (the in-process simulator), since no real I/O can keep pace with it.

Both tricks use only public asyncio API: a ``SelectorEventLoop`` accepts the selector it polls,
and we give it one that rescales or skips the wait.
"""

from __future__ import annotations

import asyncio
import math
import selectors
import time
from collections.abc import Mapping
from functools import partial
from operator import attrgetter
from typing import Any

#: Largest jump of a scaled clock between two readings (seconds of device time). Well below the
#: shortest watchdog (250 ms) and the 100 ms heartbeat period.
MAX_SCALED_STEP_S = 0.05


class _TimeWarpSelector(selectors.BaseSelector):
    """Wraps a real selector; rescales (``speed``) or skips (virtual) the wait in ``select``."""

    def __init__(self, speed: float | None) -> None:
        self._inner = selectors.DefaultSelector()
        self._speed = speed
        self.virtual_now = 0.0  # virtual mode: the clock; scaled mode: the last reading
        self._last_real = time.monotonic()
        self._waited_real = 0.0  # real seconds spent waiting in select() since the last reading
        self._waited_virtual = 0.0  # the device time those waits are worth (capped, see select)
        self._registered = 0  # file objects registered (the loop's own self-pipe is one)

    def now(self) -> float:
        if self._speed is None:
            return self.virtual_now
        # Scaled time runs at up to N× real time. Time the loop spent *waiting* (as it asked to)
        # converts fully; time it spent *busy* — or stalled because another thread held the GIL
        # or the machine was loaded — advances the clock by at most MAX_SCALED_STEP_S per
        # reading. A leap would let the device's watchdog expire between two heartbeats that
        # real hardware would have received in time.
        real = time.monotonic()
        elapsed = real - self._last_real
        waited = min(self._waited_real, elapsed)
        self._last_real = real
        self._waited_real = 0.0
        busy = elapsed - waited
        self.virtual_now += self._waited_virtual + min(busy * self._speed, MAX_SCALED_STEP_S)
        self._waited_virtual = 0.0
        return self.virtual_now

    def select(
        self, timeout: float | None = None
    ) -> list[tuple[selectors.SelectorKey, int]]:
        if self._speed is not None:
            real_timeout = None if timeout is None else timeout / self._speed
            started = time.monotonic()
            events = self._inner.select(real_timeout)
            waited = time.monotonic() - started
            self._waited_real += waited
            # Waiting converts fully up to what the loop asked for; oversleeping (a loaded
            # machine wakes us late) is a stall like any other and is capped.
            asked = math.inf if timeout is None else timeout
            self._waited_virtual += min(waited * self._speed, asked + MAX_SCALED_STEP_S)
            return events
        # Virtual time. With only the loop's own self-pipe registered, polling cannot find
        # anything to run: call_soon_threadsafe (how the TUI and CLI stop a session from another
        # thread) puts its callback in the ready queue itself and writes the pipe only to end a
        # blocking wait. So skip the system call — at ?speed=max nearly every loop iteration
        # would make one — and only block when no timer is pending at all.
        if self._registered <= 1:
            if timeout is None:
                return self._inner.select(None)  # also drains the self-pipe
            if timeout > 0:
                self.virtual_now += timeout
            return []
        # Real files registered: anything ready now runs before the clock jumps.
        events = self._inner.select(0)
        if events or timeout == 0:
            return events
        if timeout is None:
            # No timer pending: only another thread or real I/O can wake us. Wait for it.
            return self._inner.select(None)
        self.virtual_now += timeout
        return []

    # Plain delegation of the selector interface.
    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        key = self._inner.register(fileobj, events, data)
        self._registered += 1
        return key

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        key = self._inner.unregister(fileobj)
        self._registered -= 1
        return key

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def close(self) -> None:
        self._inner.close()

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._inner.get_map()


class TimeWarpEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose clock is scaled (``speed``) or virtual (``speed=None``)."""

    def __init__(self, speed: float | None) -> None:
        self._warp = _TimeWarpSelector(speed)
        super().__init__(self._warp)
        self.speed = speed
        if speed is None:
            # Virtual time is a plain attribute read, and ``time()`` is the loop's most frequent
            # call (asyncio itself, every timer, the link, the device, the player): a C-level
            # callable reading it costs no Python frame. Same value as ``self._warp.now()``.
            self.time = partial(attrgetter("virtual_now"), self._warp)  # type: ignore[method-assign]

    def time(self) -> float:
        return self._warp.now()


def new_event_loop(speed: float | None = 1.0) -> asyncio.AbstractEventLoop:
    """An event loop at ``speed``× real time; ``None`` = virtual time (as fast as possible)."""
    if speed is not None and speed <= 0:
        raise ValueError("speed must be positive")
    if speed == 1.0:
        return asyncio.new_event_loop()
    return TimeWarpEventLoop(speed)


def is_virtual(loop: asyncio.AbstractEventLoop | None = None) -> bool:
    """True when ``loop`` (default: the running loop) runs on virtual time."""
    loop = loop or asyncio.get_running_loop()
    return isinstance(loop, TimeWarpEventLoop) and loop.speed is None


def now_ms() -> float:
    """Milliseconds on the running loop's clock (real, scaled or virtual)."""
    return asyncio.get_running_loop().time() * 1000.0
