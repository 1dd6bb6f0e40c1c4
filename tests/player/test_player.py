"""The player on the virtual clock against the in-library fake link."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.clock import new_event_loop
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import SafetyError
from massage_ctl.link.fake import FakeLink
from massage_ctl.player import Guard, Player, ProgressEvent
from massage_ctl.player.guard import timeline_caps
from massage_ctl.safety import GENTLE, STANDARD
from massage_ctl.timeline import Command, Timeline, TimelineChannel

PAD = load_device_profile("pad")


def make(tl: Timeline, safety: Any = STANDARD) -> tuple[FakeLink, Player, list[ProgressEvent]]:
    link = FakeLink(PAD)
    player = Player(link, tl, Guard(PAD, safety, timeline_caps(tl)))
    events: list[ProgressEvent] = []
    player.subscribe(events.append)
    return link, player, events


def test_plays_to_the_end_on_time(virtual: Any, timeline: Timeline) -> None:
    async def go() -> tuple[str, float, float, FakeLink, list[ProgressEvent]]:
        link, player, events = make(timeline)
        await link.start_session()
        t0 = asyncio.get_running_loop().time()
        outcome = await player.play()
        end = asyncio.get_running_loop().time() - t0
        await link.close()
        return outcome, t0, end, link, events

    outcome, t0, end, link, events = virtual(go)
    assert outcome == "completed"
    assert end == pytest.approx(60.0, abs=0.01)
    # Each command left at its own time (absolute deadlines, no drift).
    sent_times = sorted({round((t - t0) * 1000) for t, _ in link.sent})
    assert sent_times == [0, 20_000, 40_000, 55_000]
    assert events[-1].kind == "finished" and events[-1].state == "completed"
    phases = {e.phase for e in events if e.kind == "progress"}
    assert {"warm-up", "work", "cool-down"} <= phases
    assert all(e.remaining_ms == e.duration_ms - e.elapsed_ms for e in events)


def test_pause_ramps_to_zero_safely_and_resume_returns(virtual: Any, timeline: Timeline) -> None:
    async def go() -> dict[str, Any]:
        link, player, _ = make(timeline)
        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(30)  # in "work": hips heading to 0.6
        before = link.actual("vib.hips")
        player.pause()
        pos = player.position_ms()
        await asyncio.sleep(0.5)
        mid = link.actual("vib.hips")  # 0.2/s: only 0.1 lower after half a second
        await asyncio.sleep(10)
        paused = (link.actual("vib.hips"), player.position_ms())
        player.resume()
        await asyncio.sleep(1)
        ramping = link.actual("vib.hips")
        await asyncio.sleep(5)
        back = link.actual("vib.hips")
        player.request_stop("stopped")
        outcome = await task
        await link.close()
        return dict(before=before, mid=mid, paused=paused, pos=pos, ramping=ramping, back=back,
                    outcome=outcome)

    r = virtual(go)
    assert r["before"] == pytest.approx(0.6)
    assert r["mid"] == pytest.approx(0.5, abs=0.01)
    assert r["paused"] == (0.0, r["pos"])  # at zero, and the program waited
    assert r["ramping"] == pytest.approx(0.2, abs=0.01)
    assert r["back"] == pytest.approx(0.6)
    assert r["outcome"] == "stopped"


def test_intensity_keys_step_and_never_pass_the_cap(virtual: Any, make_timeline: Any) -> None:
    tl = make_timeline(intensity=0.5)  # compiled at half strength

    async def go() -> dict[str, Any]:
        link, player, _ = make(tl, GENTLE)  # gentle caps at 0.35
        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(25)
        low = link.actual("vib.lower-back")
        steps = [player.adjust(+0.1) for _ in range(8)]
        await asyncio.sleep(14)
        high = link.actual("vib.lower-back")
        down = [player.adjust(-0.1) for _ in range(12)]
        player.request_stop()
        await task
        await link.close()
        return dict(low=low, steps=steps, high=high, down=down,
                    peak=max(sp.value for _, sp in link.sent))

    r = virtual(go)
    assert r["low"] == pytest.approx(0.35)  # 0.5 would be the timeline's value: capped
    assert r["steps"] == [0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0]
    assert r["down"][-1] == 0.1
    assert r["high"] == pytest.approx(0.35)
    assert r["peak"] <= GENTLE.max_intensity


def test_skip_phase_jumps_to_the_next_phase(virtual: Any, timeline: Timeline) -> None:
    async def go() -> tuple[bool, float, bool, str, float]:
        link, player, _ = make(timeline)
        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(5)
        skipped = player.skip_phase()
        pos = player.position_ms()
        await asyncio.sleep(2)
        player.skip_phase()
        again = player.skip_phase()  # already in the cool-down
        outcome = await task
        elapsed = asyncio.get_running_loop().time()
        await link.close()
        return skipped, pos, again, outcome, elapsed

    skipped, pos, again, outcome, elapsed = virtual(go)
    assert skipped and pos == pytest.approx(20_000, abs=1)
    assert not again
    assert outcome == "completed"
    assert elapsed == pytest.approx(5 + 2 + 20, abs=0.05)  # two phases skipped, one played


def test_device_fault_stops_playback_with_a_plain_message(virtual: Any, timeline: Timeline) -> None:
    async def go() -> tuple[str, list[ProgressEvent], int]:
        link, player, events = make(timeline)
        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(10)
        link.inject_fault("over_temperature")
        n = len(link.sent)
        outcome = await task
        await asyncio.sleep(30)  # nothing is sent afterwards: no resume on its own
        await link.close()
        return outcome, events, len(link.sent) - n

    outcome, events, later = virtual(go)
    assert outcome == "fault"
    fault = [e for e in events if e.kind == "fault"]
    assert fault and "over_temperature" in fault[0].message
    assert later == 0


def test_lost_link_ends_playback_as_disconnect(virtual: Any, timeline: Timeline) -> None:
    async def go() -> tuple[str, list[ProgressEvent]]:
        link, player, events = make(timeline)
        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(3)
        link.disconnect()
        outcome = await task
        await link.close()
        return outcome, events

    outcome, events = virtual(go)
    assert outcome == "disconnect"
    assert "lost the connection" in events[-1].message


def test_timeline_for_another_device_is_refused(timeline: Timeline) -> None:
    bad = Timeline("x", "chair", "standard", 1000, (), (Command(0, "air.neck", 0.2, 1000),))
    with pytest.raises(SafetyError, match=r"air\.neck"):
        Player(FakeLink(PAD), bad, Guard(PAD, STANDARD))


class _LosesFirstZero(FakeLink):
    """Loses the first zero setpoint for ``channel`` (a dropped frame), delivers the rest."""

    def __init__(self, channel: str) -> None:
        super().__init__(PAD)
        self.channel = channel
        self.lost = 0

    def submit(self, setpoint: Any) -> None:
        if setpoint.channel == self.channel and setpoint.value == 0.0 and self.lost == 0:
            self.lost += 1
            return
        super().submit(setpoint)


def test_a_pause_whose_zero_was_lost_still_reaches_zero(virtual: Any, timeline: Timeline) -> None:
    async def go() -> tuple[int, float, float]:
        link = _LosesFirstZero("vib.lower-back")
        player = Player(link, timeline, Guard(PAD, STANDARD, timeline_caps(timeline)))
        await link.start_session()
        play = asyncio.ensure_future(player.play())
        await asyncio.sleep(10.0)  # warm-up reached: lower-back holds 0.2
        held = link.actual("vib.lower-back")
        player.pause()
        await asyncio.sleep(0.2 / STANDARD.max_ramp_per_s + 1.0)  # the ramp plus a re-send
        after = link.actual("vib.lower-back")
        player.request_stop()
        await play
        await link.close()
        return link.lost, held, after

    lost, held, after = virtual(go)
    assert lost == 1 and held == pytest.approx(0.2)
    assert after == 0.0


def test_progress_without_listeners_then_a_late_listener(virtual: Any, timeline: Timeline) -> None:
    """A player nobody listens to keeps no progress timer; the first listener, added while it
    plays, gets progress at once and then every 250 ms, as a listener from the start does."""

    async def go() -> tuple[str, list[ProgressEvent], list[float], float]:
        link = FakeLink(PAD)
        player = Player(link, timeline, Guard(PAD, STANDARD, timeline_caps(timeline)))
        events: list[ProgressEvent] = []
        stamps: list[float] = []
        loop = asyncio.get_running_loop()

        def listen(event: ProgressEvent) -> None:
            events.append(event)
            stamps.append(loop.time())

        await link.start_session()
        task = asyncio.ensure_future(player.play())
        await asyncio.sleep(10.0)
        joined = loop.time()
        player.subscribe(listen)
        outcome = await task
        await link.close()
        return outcome, events, stamps, joined

    outcome, events, stamps, joined = virtual(go)
    assert outcome == "completed"
    progress = [t for e, t in zip(events, stamps, strict=True) if e.kind == "progress"]
    assert progress[0] == pytest.approx(joined, abs=1e-6)  # the first one at once
    gaps = [b - a for a, b in itertools.pairwise(progress)]
    assert gaps and all(g == pytest.approx(0.25, abs=1e-6) for g in gaps)
    assert events[0].elapsed_ms >= 9_999  # int() of a float position
    assert events[-1].kind == "finished" and events[-1].state == "completed"


# -- the session-length limit (issue 12 #1: a long timeline played 320 min as "completed") ---

def long_timeline(minutes: float, n_phases: int) -> Timeline:
    """A pad timeline of ``n_phases`` short on/off pulses spread over ``minutes``."""
    span = int(minutes * 60_000)
    step = span // n_phases
    cmds: list[Command] = []
    for i in range(n_phases):
        cmds.append(Command(i * step, "vib.hips", 0.3, 0))
        cmds.append(Command(i * step + step // 2, "vib.hips", 0.0, 0))
    return Timeline(
        program="long", device="pad", safety="gentle", duration_ms=span,
        channels=(TimelineChannel("vib.hips", "hips", "vibration", 0.35),),
        commands=tuple(cmds),
    )


def play_limited(tl: Timeline, limit_ms: float, pause_at_s: float | None = None,
                 pause_for_s: float = 0.0) -> tuple[str, str, float, float, FakeLink]:
    async def go() -> tuple[str, str, float, float, FakeLink]:
        link = FakeLink(PAD)
        player = Player(link, tl, Guard(PAD, GENTLE, timeline_caps(tl)), max_session_ms=limit_ms)
        await link.start_session()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        task = asyncio.ensure_future(player.play())
        if pause_at_s is not None:
            await asyncio.sleep(pause_at_s)
            player.pause()
            await asyncio.sleep(pause_for_s)
            player.resume()
        outcome = await task
        return outcome, player.message, loop.time() - t0, player.played_ms(), link

    loop = new_event_loop(None)  # the virtual clock (as the ``virtual`` fixture uses)
    try:
        return loop.run_until_complete(go())
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


def test_player_ends_a_timeline_longer_than_the_session_limit_and_says_why() -> None:
    outcome, message, wall_s, played, link = play_limited(long_timeline(40, 400), 20 * 60_000)
    assert outcome == "stopped"  # not "completed"
    assert "limit" in message and "20 min" in message
    assert wall_s == pytest.approx(20 * 60, abs=0.01)
    assert played == pytest.approx(20 * 60_000, abs=10)
    # Nothing of the timeline's second half was sent.
    assert max(t for t, _ in link.sent) - min(t for t, _ in link.sent) <= 20 * 60 + 0.01


def test_pauses_do_not_count_toward_the_session_limit() -> None:
    outcome, _message, wall_s, played, _link = play_limited(
        long_timeline(40, 40), 20 * 60_000, pause_at_s=300, pause_for_s=300
    )
    assert outcome == "stopped"
    assert wall_s == pytest.approx(25 * 60, abs=0.01)
    assert played == pytest.approx(20 * 60_000, abs=10)


def test_a_timeline_within_the_limit_completes() -> None:
    outcome, message, wall_s, _played, _link = play_limited(long_timeline(5, 10), 20 * 60_000)
    assert outcome == "completed" and message == ""
    assert wall_s == pytest.approx(5 * 60, abs=0.01)


@settings(max_examples=25, deadline=None)
@given(minutes=st.floats(0.5, 400), n=st.integers(1, 300), limit_min=st.floats(1, 30))
def test_whatever_the_timeline_the_player_never_plays_past_the_limit(
    minutes: float, n: int, limit_min: float
) -> None:
    tl = long_timeline(minutes, n)
    outcome, _m, _wall_s, played, _link = play_limited(tl, limit_min * 60_000)
    assert played <= limit_min * 60_000 + 1
    if tl.duration_ms > limit_min * 60_000 + 1:
        assert outcome == "stopped"
    else:
        assert outcome == "completed"
