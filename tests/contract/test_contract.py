"""The contract every device peer and transport keeps with the controller (issue 4, "Tests").

Run against each peer of ``conftest.PEERS``: handshake, a whole short program, STOP in the
middle, and the device watchdog when the controller goes silent. What the device did is judged
from the device's own record or trace, not from the controller's telemetry.
"""

from __future__ import annotations

import asyncio

from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.link.api import ChannelSetpoint, LinkStatus
from massage_ctl.player import Guard, Player
from massage_ctl.player.events import ProgressEvent
from massage_ctl.player.guard import timeline_caps
from massage_ctl.player.session import Session, SessionResult
from massage_ctl.timeline import Timeline
from massage_ctl.transports.base import Transport

from .helpers import (
    AT_REST,
    ZERO,
    SilenceableTransport,
    build_timeline,
    connect,
    output_channels,
    outputs_zero,
    settle_trace,
    standard_safety,
    wait_until,
)
from .peers import DeviceSample, Peer

#: STATUS comes at 10 Hz: a value the device reached shows up in telemetry this much later.
STATUS_PERIOD_S = 0.1
#: Allowance for bytes crossing a pty / socket / the simulated radio and a busy test machine.
LATENCY_SLACK_S = 0.15
#: After the program's end on the device's clock: the start ACK's trip and the last setpoints'.
END_ALLOWANCE_S = 0.25
#: The device ramps everything to zero within this long after its watchdog fires (PROTOCOL.md).
WATCHDOG_RAMP_S = 1.0


def test_handshake_reports_the_shipped_profile(peer: Peer) -> None:
    async def scenario(peer: Peer) -> None:
        conn = await connect(peer)
        try:
            link = conn.link
            await wait_until("a first STATUS", lambda: link.status is not None, 2.0)
            shipped = load_device_profile(peer.profile_id)
            # The wire carries everything but the free-text description.
            assert link.profile.model_copy(update={"description": shipped.description}) == shipped
            assert link.status is not None and link.status.state == "idle"
        finally:
            await conn.close()
        samples = await settle_trace(peer)
        # A handshake alone drives nothing.
        assert samples and all(s.state == "idle" for s in samples)
        assert all(outputs_zero(s, output_channels(shipped)) for s in samples)

    peer.run(scenario)


def test_whole_program_plays_to_completion_and_ends_at_zero(peer: Peer) -> None:
    async def scenario(peer: Peer) -> None:
        conn = await connect(peer)
        link = conn.link
        try:
            timeline = build_timeline(link.profile)
            guard = Guard(link.profile, standard_safety(), timeline_caps(timeline))
            player = Player(link, timeline, guard)
            await link.start_session()
            assert await player.play() == "completed", player.message
            # Keep the session alive: the program itself must bring the device to rest, not
            # the STOP that ends every session. The device entered RUNNING at the session
            # start, so its own clock says when the program ended.
            end_s = timeline.duration_ms / 1000.0 + END_ALLOWANCE_S

            def after_end() -> list[DeviceSample]:
                samples = peer.samples()
                start = next((x.t_s for x in samples if x.state == "running"), None)
                return [] if start is None else [x for x in samples if x.t_s >= start + end_s]

            await wait_until(
                "three device samples from after the program's end",
                lambda: len(after_end()) >= 3,
                2.0 + peer.trace_lag_s,
            )
            tail, samples = after_end(), peer.samples()
            await link.end_session()
        finally:
            await conn.close()
        channels = output_channels(link.profile)
        assert all(x.state == "running" and outputs_zero(x, channels, AT_REST) for x in tail), tail
        assert not any(x.state in ("stopped", "link-lost", "fault") for x in samples)
        # The device really played the program: every channel the program drives reached at
        # least half its peak (air cells lag), and none went beyond what it asked for.
        for ch in {c.channel for c in timeline.commands}:
            asked = max(c.value for c in timeline.commands if c.channel == ch)
            got = max(s.channels[ch] for s in samples)
            assert got <= asked + 1e-3, (ch, got, asked)
            if ch in channels:
                assert got >= asked / 2, (ch, got, asked)

    peer.run(scenario)


def test_stop_mid_program_zeroes_every_output_and_stays_stopped(peer: Peer) -> None:
    channels: list[str] = []

    async def scenario(peer: Peer) -> SessionResult:
        def build(profile: DeviceProfile) -> Timeline:
            channels.extend(output_channels(profile))
            return build_timeline(profile)

        session = Session(
            f"contract:{peer.name}",
            build,
            standard_safety(),
            connect=lambda: asyncio.ensure_future(connect(peer)),
        )

        def on_event(event: ProgressEvent) -> None:
            # STOP once the device is visibly doing something (telemetry is only the trigger;
            # the verdict comes from the device's own record).
            moving = [ch for ch in channels if event.actual.get(ch, 0.0) > 0.1]
            if event.device_state == "running" and moving:
                session.stop()

        session.subscribe(on_event)
        result = await session.run()
        await settle_trace(peer)
        return result

    result = peer.run(scenario)
    assert result.outcome == "stop", result.message
    assert result.stop_confirmed  # the device confirmed within the link's 1 s bound
    samples = peer.samples()
    first_stopped = next(i for i, s in enumerate(samples) if s.state == "stopped")
    before = samples[first_stopped - 1]
    assert before.state == "running"
    assert any(before.channels[ch] > 0.05 for ch in channels), before
    # STOP acts at receipt: the very first stopped sample is already all zero ...
    assert outputs_zero(samples[first_stopped], channels), samples[first_stopped]
    # ... and it stays that way: nothing restarts by itself.
    for s in samples[first_stopped:]:
        assert s.state == "stopped" and outputs_zero(s, channels), s


def test_watchdog_zeroes_everything_when_the_controller_goes_silent(peer: Peer) -> None:
    async def scenario(peer: Peer) -> None:
        gates: list[SilenceableTransport] = []

        def gate(inner: Transport) -> Transport:
            gates.append(SilenceableTransport(inner))
            return gates[-1]

        conn = await connect(peer, wrap=gate)
        link, silent = conn.link, gates[0]
        statuses: list[LinkStatus] = []
        link.subscribe(statuses.append)
        try:
            profile = link.profile
            channels = output_channels(profile)
            watchdog_s = await link.start_session() / 1000.0
            assert watchdog_s * 1000 == silent.inner.watchdog_ms  # negotiated as asked
            for ch in channels:
                kind = profile.channel(ch).kind
                value = 37.0 if kind == "heat" else 0.3
                link.submit(ChannelSetpoint(ch, value, 0))
            await wait_until(
                "every output running at its setpoint",
                lambda: link.status is not None and link.status.state == "running"
                and all(link.status.actual[ch] > 0.2 for ch in channels),
                5.0,
            )
            silent.go_silent()
            await wait_until(
                "the device to report link-lost with every output at zero",
                lambda: bool(statuses) and statuses[-1].state == "link-lost"
                and all(statuses[-1].actual[ch] <= ZERO for ch in channels),
                watchdog_s + WATCHDOG_RAMP_S + 3.0,
            )
            t_last = silent.last_write_done
            t_lost = next(s.t for s in statuses if s.t > t_last and s.state == "link-lost")
            t_zero = statuses[-1].t
            assert link.failure is None  # the controller only went quiet; the link is intact
        finally:
            await conn.close()
        # Not before the negotiated period (the device heard nothing after t_last) ...
        assert t_lost - t_last >= watchdog_s - 0.005
        # ... and everything at zero within watchdog + 1 s (+ telemetry period and latency).
        assert t_zero - t_last <= watchdog_s + WATCHDOG_RAMP_S + STATUS_PERIOD_S + LATENCY_SLACK_S

        samples = await settle_trace(peer)
        lost_at = next(i for i, s in enumerate(samples) if s.state == "link-lost")
        assert samples[lost_at - 1].state == "running"
        assert all(samples[lost_at - 1].channels[ch] > 0.2 for ch in channels)
        later = samples[lost_at:]
        assert all(s.state == "link-lost" for s in later)  # latched; nothing restarts
        zero_at = next(s.t_s for s in later if outputs_zero(s, channels))
        assert zero_at - samples[lost_at].t_s <= WATCHDOG_RAMP_S + STATUS_PERIOD_S
        assert all(outputs_zero(s, channels) for s in later if s.t_s >= zero_at)
        # Heat is switched off at once, not ramped.
        for ch in channels:
            if profile.channel(ch).kind == "heat":
                assert samples[lost_at].channels[ch] <= ZERO

    peer.run(scenario)
