"""Clocks are event loops: real time, N× real time, or virtual time as fast as possible.

Every timed part of massage_ctl (player, link heartbeats, simulator physics) uses only
``loop.time()`` and ``asyncio.sleep``/timeouts. The *clock* is therefore chosen by choosing the
event loop the session runs on:

* :func:`new_event_loop` with ``speed=1.0`` — a normal loop, real time;
* ``speed=N`` — a loop whose ``time()`` runs N× faster, and whose waits are N× shorter;
* ``speed=None`` (``?speed=max``) — *virtual time*: when nothing is ready to run, the loop
  jumps its clock to the next timer instead of waiting. Only valid when every peer lives in the
  same loop (the in-process simulator), since no real I/O can keep pace with it.

Both tricks use only public asyncio API: a ``SelectorEventLoop`` accepts the selector it polls,
and we give it one that rescales or skips the wait.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Mapping
from typing import Any


class _TimeWarpSelector(selectors.BaseSelector):
    """Wraps a real selector; rescales (``speed``) or skips (virtual) the wait in ``select``."""

    def __init__(self, speed: float | None) -> None:
        self._inner = selectors.DefaultSelector()
        self._speed = speed
        self.virtual_now = 0.0  # used in virtual mode only
        self._t0_real = time.monotonic()

    def now(self) -> float:
        if self._speed is None:
            return self.virtual_now
        return (time.monotonic() - self._t0_real) * self._speed

    def select(
        self, timeout: float | None = None
    ) -> list[tuple[selectors.SelectorKey, int]]:
        if self._speed is not None:
            real_timeout = None if timeout is None else timeout / self._speed
            return self._inner.select(real_timeout)
        # Virtual time: anything ready now (e.g. a call_soon_threadsafe wake-up) runs first.
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
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

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

    def time(self) -> float:
        return self._warp.now()


def new_event_loop(speed: float | None = 1.0) -> asyncio.AbstractEventLoop:
    """An event loop running at ``speed``× real time; ``None`` = virtual time (as fast as possible)."""
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
