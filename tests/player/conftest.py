"""Helpers for player tests: a virtual-clock runner and a small hand-made pad timeline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from massage_ctl.clock import new_event_loop
from massage_ctl.timeline import Command, PhaseSpan, Timeline, TimelineChannel

T = TypeVar("T")


def run_virtual(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on the virtual clock (``?speed=max``) and return its result."""
    loop = new_event_loop(None)
    try:
        return loop.run_until_complete(make())  # type: ignore[arg-type]
    finally:
        # Let tasks a test left behind (telemetry tickers) finish before the loop closes.
        leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        loop.close()


def pad_timeline(intensity: float = 1.0) -> Timeline:
    """60 s on the pad: warm-up 0–20 s, work 20–40 s, cool-down 40–60 s."""
    cmds = [
        Command(0, "vib.hips", 0.3, 3000),
        Command(0, "vib.lower-back", 0.2, 2000),
        Command(20_000, "vib.hips", 0.6, 3000, "pulse", 1.0),
        Command(20_000, "vib.lower-back", 0.5, 3000),
        Command(40_000, "vib.hips", 0.2, 2000),
        Command(40_000, "vib.lower-back", 0.1, 2000),
        Command(55_000, "vib.hips", 0.0, 2000),
        Command(55_000, "vib.lower-back", 0.0, 2000),
    ]
    return Timeline(
        program="test",
        device="pad",
        safety="standard",
        duration_ms=60_000,
        channels=(
            TimelineChannel("vib.hips", "hips", "vibration", 0.8),
            TimelineChannel("vib.lower-back", "lower-back", "vibration", 0.8),
        ),
        commands=tuple(cmds),
        phases=(
            PhaseSpan(0, "warm-up", "relaxation", 0, 20_000),
            PhaseSpan(1, "work", "swedish", 20_000, 40_000),
            PhaseSpan(2, "cool-down", "relaxation", 40_000, 60_000),
        ),
        intensity=intensity,
    )


@pytest.fixture
def virtual() -> Callable[[Callable[[], Awaitable[Any]]], Any]:
    """The :func:`run_virtual` helper as a fixture."""
    return run_virtual


@pytest.fixture
def timeline() -> Timeline:
    """A 60 s three-phase pad timeline."""
    return pad_timeline()


@pytest.fixture
def make_timeline() -> Callable[..., Timeline]:
    """The :func:`pad_timeline` factory."""
    return pad_timeline
