"""Session limits on the device (protocol version 2, PROTOCOL.md §5.4): the simulator obeys the
tighter of its hard limits and the session's own, whatever the controller sends."""

from __future__ import annotations

import asyncio
import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.clock import new_event_loop
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player.guard import channel_limits
from massage_ctl.protocol.enums import AckResult
from massage_ctl.safety import GENTLE
from massage_ctl.transports.sim import SimTransport
from massage_sim import SimDevice
from massage_sim.device_core import SessionLimits, SetpointRequest

from .helpers import Driver

EPS = 1e-6

limit = st.tuples(
    st.integers(0, 40),  # channel (modulo the channel count)
    st.floats(0.0, 1.2),  # cap as a fraction of the range max (above the hard max too)
    st.floats(0.001, 2.0),  # ramp limit as a fraction of the range max per second
)
setpoint = st.tuples(st.integers(0, 40), st.floats(-0.2, 1.5), st.integers(0, 4000))


@settings(max_examples=60, deadline=None)
@given(
    profile=st.sampled_from(["chair", "bed", "pad"]),
    limits=st.lists(limit, max_size=8),
    script=st.lists(setpoint, min_size=1, max_size=25),
)
def test_outputs_never_pass_the_tighter_of_hard_and_session_limits(
    profile: str,
    limits: list[tuple[int, float, float]],
    script: list[tuple[int, float, int]],
) -> None:
    d = Driver(profile)
    core = d.core
    n = len(core.channels)
    by_channel = {}
    for ch, cap, ramp in limits:  # one entry per channel (a repeated one is refused)
        spec = core.channels[ch % n].spec
        by_channel[ch % n] = SessionLimits(ch % n, cap * spec.max, ramp * spec.max)
    assert core.hello(d.now, d.next_seq()).result == AckResult.OK
    reply = core.session_start(d.now, d.next_seq(), 500, list(by_channel.values()))
    assert reply is not None and reply.result == AckResult.OK
    for ch, frac, ramp_ms in script:
        index = ch % n
        target = frac * core.channels[index].spec.max
        core.setpoint(d.now, d.next_seq(), [SetpointRequest(index, target, ramp_ms)])
        d.run(1.0, step=0.05)
    d.run(20.0, step=0.25)
    for i, ch in enumerate(core.channels):
        spec, lim = ch.spec, by_channel.get(i)
        cap = min(spec.hard_max, lim.cap if lim else math.inf)
        ramp = min(spec.max_ramp_per_s, lim.ramp_per_s if lim else math.inf)
        for a, b in itertools.pairwise(core.record.samples):
            vb, va = b.values[i], a.values[i]
            if spec.kind != "position":  # a carriage's place is not an intensity
                assert vb <= cap + EPS, (spec.id, vb, cap)
            if b.state == "running" and a.state == "running":
                assert abs(vb - va) <= ramp * (b.t_s - a.t_s) + EPS, (spec.id, a, b)


def test_a_bad_session_limit_refuses_the_start() -> None:
    d = Driver("pad")
    d.core.hello(d.now, d.next_seq())
    for bad in (
        [SessionLimits(9, 0.3, 0.1)],  # no such channel
        [SessionLimits(0, 0.3, 0.0)],  # a ramp limit of zero
        [SessionLimits(0, 0.3, 0.1), SessionLimits(0, 0.2, 0.1)],  # two for one channel
    ):
        reply = d.core.session_start(d.now, d.next_seq(), 500, bad)
        assert reply is not None and reply.result == AckResult.OUT_OF_RANGE
        assert d.core.state.name == "IDLE"


def test_a_controller_bug_sending_full_power_under_gentle_is_clamped_by_the_device() -> None:
    # The guard is bypassed on purpose (no setpoint filter on the link): 1.0 goes on the wire.
    device = SimDevice("pad")

    async def go() -> None:
        transport = SimTransport("pad", device_factory=lambda: device)
        await transport.open()
        link = Link(transport)
        profile = await link.connect()
        gentle = {c.id: channel_limits(c, GENTLE) for c in profile.channels}
        await link.start_session(limits={k: (v.cap, v.ramp_per_s) for k, v in gentle.items()})
        link.submit(ChannelSetpoint("vib.lower-back", 1.0, 0))
        await asyncio.sleep(20.0)
        await link.stop()
        await link.close()
        await transport.close()

    loop = new_event_loop(None)
    try:
        loop.run_until_complete(go())
    finally:
        loop.close()
    peak = max(v for _t, v in device.record.series("vib.lower-back"))
    assert GENTLE.max_intensity - 1e-4 <= peak <= GENTLE.max_intensity + 1e-9
    assert device.record.events_of("clamped"), "the device reports that it clamped"
