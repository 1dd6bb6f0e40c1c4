"""One device serves session after session (issue 11): completed, STOPped by the user, completed.

Each session is a new controller — a new transport and link numbering its frames from 1 again —
against one device that stays on, as when ``massage-ctl run`` is started three times against one
chair. Run against every peer of ``conftest.PEERS``; what the device did is judged from its own
record or trace.
"""

from __future__ import annotations

import asyncio

from massage_ctl.player.events import ProgressEvent
from massage_ctl.player.session import Session, SessionResult, connect_link

from .helpers import build_timeline, output_channels, outputs_zero, settle_trace, standard_safety
from .peers import DeviceSample, Peer

#: The user presses STOP this far into the second session.
STOP_AFTER_MS = 1500


def _session(peer: Peer) -> Session:
    async def connect():  # type: ignore[no-untyped-def]
        return await connect_link(await peer.open_transport())

    return Session(
        f"peer:{peer.name}", build_timeline, standard_safety(),
        connect=lambda: asyncio.ensure_future(connect()),
    )


async def _run(peer: Peer, *, stop_after_ms: int | None = None) -> SessionResult:
    session = _session(peer)
    if stop_after_ms is not None:

        def on_event(event: ProgressEvent) -> None:
            if event.elapsed_ms >= stop_after_ms and event.state == "playing":
                session.stop("stop")

        session.subscribe(on_event)
    return await session.run()


def _runs_of(samples: list[DeviceSample], state: str) -> int:
    """How many separate stretches of ``state`` the device went through."""
    runs, previous = 0, None
    for s in samples:
        if s.state == state and previous != state:
            runs += 1
        previous = s.state
    return runs


def test_three_sessions_in_a_row_on_one_device(peer: Peer) -> None:
    async def scenario(peer: Peer) -> list[SessionResult]:
        results = [await _run(peer)]
        results.append(await _run(peer, stop_after_ms=STOP_AFTER_MS))
        results.append(await _run(peer))
        return results

    first, stopped, third = peer.run(scenario)
    assert (first.outcome, first.started, first.stop_confirmed) == ("completed", True, True), first
    assert (stopped.outcome, stopped.started, stopped.stop_confirmed) == ("stop", True, True)
    assert (third.outcome, third.started, third.stop_confirmed) == ("completed", True, True), third

    samples = asyncio.run(settle_trace(peer)) if peer.real_time else peer.samples()
    assert _runs_of(samples, "running") == 3
    # The program's own end is SESSION_END (→ idle), the user's STOP latches STOPPED, and the
    # next session's start clears it: exactly one stretch of STOPPED, between runs 2 and 3.
    assert _runs_of(samples, "stopped") == 1
    channels = output_channels(first.device) if first.device else []
    assert samples[-1].state == "idle"
    assert outputs_zero(samples[-1], channels, tolerance=0.005)
