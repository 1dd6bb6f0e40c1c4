"""Clocks are event loops: virtual time jumps when idle; scaled time never leaps."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from massage_ctl.clock import MAX_SCALED_STEP_S, is_virtual, new_event_loop


def _run(speed: float | None, coro_fn):  # type: ignore[no-untyped-def]
    loop = new_event_loop(speed)
    try:
        return loop.run_until_complete(coro_fn())
    finally:
        loop.close()


def test_virtual_time_runs_a_long_wait_instantly() -> None:
    async def ten_minutes_of_ticks() -> tuple[float, bool]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for _ in range(6000):
            await asyncio.sleep(0.1)
        return loop.time() - start, is_virtual()

    real_start = time.perf_counter()
    elapsed, virtual = _run(None, ten_minutes_of_ticks)
    assert virtual
    assert elapsed == pytest.approx(600.0, abs=1e-6)
    assert time.perf_counter() - real_start < 60  # far below ten real minutes


def test_virtual_timeouts_fire_in_virtual_time() -> None:
    async def wait_for_nothing() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.Event().wait(), timeout=30)
        return loop.time() - start

    assert _run(None, wait_for_nothing) == pytest.approx(30.0, abs=1e-6)


def test_scaled_clock_slows_down_instead_of_leaping_over_a_stall() -> None:
    async def stall() -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        time.sleep(0.3)  # the process is blocked: 6 s of device time at 20x
        return loop.time() - before

    assert _run(20.0, stall) <= MAX_SCALED_STEP_S + 1e-9


def test_scaled_clock_runs_faster_than_real_time() -> None:
    async def sleep_two_device_seconds() -> float:
        start = time.perf_counter()
        await asyncio.sleep(2.0)
        return time.perf_counter() - start

    assert _run(20.0, sleep_two_device_seconds) < 1.0


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError):
        new_event_loop(0)


def test_virtual_loop_busy_with_timers_takes_a_stop_from_another_thread() -> None:
    # The TUI and the CLI stop a session from another thread via call_soon_threadsafe; the
    # virtual loop skips polling its self-pipe, so the callback must still get through.
    async def tick_until_stopped() -> float:
        loop = asyncio.get_running_loop()
        stopped = asyncio.Event()
        started = threading.Event()

        def other_thread() -> None:
            started.wait()
            loop.call_soon_threadsafe(stopped.set)

        thread = threading.Thread(target=other_thread)
        thread.start()
        begin = loop.time()
        while not stopped.is_set():
            started.set()
            await asyncio.sleep(0.1)
            await asyncio.sleep(0)  # give the real thread a moment of real time
            time.sleep(0.0005)
        thread.join()
        return loop.time() - begin

    assert _run(None, tick_until_stopped) < 3600.0


def test_idle_virtual_loop_wakes_for_another_thread() -> None:
    # No timer pending: the loop must block (not spin) until the other thread calls in.
    async def wait_for_other_thread() -> float:
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        begin = loop.time()
        threading.Timer(0.05, lambda: loop.call_soon_threadsafe(done.set)).start()
        await done.wait()
        return loop.time() - begin

    assert _run(None, wait_for_other_thread) == pytest.approx(0.0, abs=1e-9)


def test_scaled_clock_does_not_leap_when_the_machine_wakes_it_late() -> None:
    async def one_short_wait() -> float:
        loop = asyncio.get_running_loop()
        selector = loop._selector  # type: ignore[attr-defined]
        inner_select = selector._inner.select

        def late_select(timeout: float | None = None):  # type: ignore[no-untyped-def]
            # A loaded machine: every wait ends 50 ms later than asked.
            events = inner_select(timeout)
            time.sleep(0.05)
            return events

        selector._inner.select = late_select
        try:
            before = loop.time()
            await asyncio.sleep(0.1)  # 5 ms real at 20x, but the wake-up comes 50 ms late
            return loop.time() - before
        finally:
            selector._inner.select = inner_select

    advanced = _run(20.0, one_short_wait)
    # Asked for 0.1 s; the 50 ms real oversleep would be 1 s of device time — it is capped to
    # a few steps, far below the shortest watchdog (250 ms beyond the last heartbeat).
    assert advanced <= 0.1 + 3 * MAX_SCALED_STEP_S
