"""A pause holds even when its zero frame is lost (docs/SAFETY.md, "Self-healing")."""

from __future__ import annotations

import asyncio
from typing import Any

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint, SetpointFilter
from massage_ctl.link.fake import FakeLink
from massage_ctl.player import Guard, Player
from massage_ctl.player.guard import timeline_caps
from massage_ctl.safety import STANDARD
from massage_ctl.timeline import Command, PhaseSpan, Timeline, TimelineChannel

PAD = load_device_profile("pad")


class _LosesGuardedZero(FakeLink):
    """Once armed, the next zero for ``channel`` passes the guard (which then believes it was
    sent) and is lost on the way: a dropped frame."""

    def __init__(self, channel: str) -> None:
        super().__init__(PAD)
        self.channel = channel
        self.lost = 0
        self.armed = False
        self._guarded: SetpointFilter | None = None

    def set_setpoint_filter(self, setpoint_filter: SetpointFilter | None) -> None:
        self._guarded = setpoint_filter
        super().set_setpoint_filter(setpoint_filter)

    def submit(self, setpoint: ChannelSetpoint) -> None:
        if setpoint.channel == self.channel and setpoint.value == 0.0 and self.armed:
            self.armed = False
            self.lost += 1
            if self._guarded is not None:
                self._guarded(setpoint, asyncio.get_running_loop().time())
            return
        super().submit(setpoint)


def _slow_fade() -> Timeline:
    """The hips motor rises to 0.6, then fades out over 20 s (0.03 per second)."""
    return Timeline(
        program="fade", device="pad", safety="standard", duration_ms=40_000,
        channels=(TimelineChannel("vib.hips", "hips", "vibration", 0.8),),
        commands=(Command(0, "vib.hips", 0.6, 3000), Command(10_000, "vib.hips", 0.0, 20_000)),
        phases=(PhaseSpan(0, "fade", "relaxation", 0, 40_000),),
    )


def test_a_pause_during_a_slow_fade_reaches_zero_even_when_its_zero_was_lost(
    virtual: Any,
) -> None:
    # Without the re-sent zero the motor would fade on at 0.03/s for another 15 s: the pause
    # would not be felt. It must be off within the safe ramp-down plus a re-send, which comes
    # once telemetry leaves what the lost zero would allow (about a second here).
    timeline = _slow_fade()

    async def go() -> tuple[int, float, float]:
        link = _LosesGuardedZero("vib.hips")
        player = Player(link, timeline, Guard(PAD, STANDARD, timeline_caps(timeline)))
        await link.start_session()
        play = asyncio.ensure_future(player.play())
        await asyncio.sleep(15.0)
        paused_at = link.actual("vib.hips")
        link.armed = True
        player.pause()
        await asyncio.sleep(paused_at / STANDARD.max_ramp_per_s + 1.5)
        after = link.actual("vib.hips")
        player.request_stop()
        await play
        await link.close()
        return link.lost, paused_at, after

    lost, paused_at, after = virtual(go)
    assert lost == 1 and paused_at > 0.3  # still well on, fading
    assert after == 0.0
