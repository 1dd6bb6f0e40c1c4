"""Checks of a session: start, setpoints and the device's own limits, STATUS, end
(PROTOCOL.md §5.4–5.6, §5.10, §7.6)."""

from __future__ import annotations

import asyncio

from massage_ctl.conformance.context import ANSWER_S, Context
from massage_ctl.conformance.model import (
    CREEP_PER_S,
    CheckFailed,
    CheckSpec,
    NotApplicable,
    Recorder,
)
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    AckResult,
    DeviceState,
    PatternCode,
    SessionEnd,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
)

#: STATUS cadence tolerance: the mean period over the window within ±30 % of 100 ms, and no gap
#: over half the controller's 1 s loss timeout (PROTOCOL.md §7.6). Serial and emulator jitter
#: stay far inside both; a device reporting at 5 Hz or stalling for 0.5 s does not.
CADENCE_WINDOW_S = 2.0
CADENCE_TOLERANCE = 0.3
MAX_STATUS_GAP_S = 0.5
#: A raw step of slack when comparing a STATUS value with a bound (rounding, §4).
RAW_SLACK = 2
#: A device steps its ramps on a tick (the C core: at least every 10 ms) and may count the
#: time since its last tick for a frame that arrived within it (the C core does): five ticks
#: of slack, so a host device briefly descheduled on a busy machine is no failure. A device
#: with no ramp limit still fails clearly (0.2 at once versus ~0.05 allowed on a chair).
RAMP_TICK_SLACK_S = 0.05
#: SESSION_END: every output at zero within 1 s; this much on top covers the STATUS period
#: and the link's delay.
END_SLACK_S = 0.3


async def session_start(ctx: Context, rec: Recorder) -> None:
    ack = await ctx.start_session()
    if ack.result != AckResult.OK or ack.detail != ctx.watchdog_ms:
        raise CheckFailed(
            f"SESSION_START({ctx.watchdog_ms}) answered {ack.result.name} detail={ack.detail}, "
            f"expected OK detail={ctx.watchdog_ms}"
        )
    await ctx.command(
        SessionStart(ctx.watchdog_ms), (AckResult.BAD_STATE,), "SESSION_START in RUNNING"
    )


async def watchdog_clamped(ctx: Context, rec: Recorder) -> None:
    for asked, used in ((100, 250), (5000, 2000)):
        ack = await ctx.start_session(asked)
        if ack.result != AckResult.CLAMPED or ack.detail != used:
            raise CheckFailed(
                f"SESSION_START({asked}) answered {ack.result.name} "
                f"detail={ack.detail}, expected CLAMPED detail={used}"
            )
        await ctx.command(SessionEnd(), (AckResult.OK,), "SESSION_END")


async def setpoint_outside_running(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    channel = ctx.test_channel()
    start = ctx.probe.mark()
    seq = await ctx.setpoint(channel, 0.1)
    ack = await ctx.probe.wait_ack(seq, Setpoint.TYPE, ANSWER_S, start=start)
    rec.saw(ctx.probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name}")
    if ack is None or ack.result != AckResult.BAD_STATE:
        raise CheckFailed("a SETPOINT in IDLE was not answered BAD_STATE")
    moving = [ctx.moving(s) for _, s in ctx.probe.statuses(start)]
    if any(moving):
        raise CheckFailed(f"an output moved in IDLE: {moving}")


async def _rejected(ctx: Context, rec: Recorder, entry: SetpointEntry, result: AckResult) -> None:
    await ctx.start_session()
    start = ctx.probe.mark()
    seq = await ctx.probe.send(Setpoint((entry,)))
    ack = await ctx.probe.wait_ack(seq, Setpoint.TYPE, ANSWER_S, start=start)
    rec.saw(
        ctx.probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name} detail={ack.detail}"
    )
    if ack is None or ack.result != result or ack.detail != entry.channel:
        raise CheckFailed(f"expected ACK {result.name} detail={entry.channel}")
    moving = [ctx.moving(s) for _, s in ctx.probe.statuses(start)]
    if any(moving):
        raise CheckFailed(f"the rejected entry moved an output: {moving}")


async def bad_channel(ctx: Context, rec: Recorder) -> None:
    n = ctx.info.channel_count if ctx.info else len(ctx.channels)
    entry = SetpointEntry(n, RAW_FULL_SCALE // 10, 0, PatternCode.STEADY, 0)
    await _rejected(ctx, rec, entry, AckResult.BAD_CHANNEL)


async def unsupported_pattern(ctx: Context, rec: Recorder) -> None:
    for channel in ctx.drivable():
        missing = [p for p in PatternCode if not channel.patterns & (1 << p)]
        if missing:
            entry = SetpointEntry(channel.index, RAW_FULL_SCALE // 10, 0, missing[0], 100)
            await _rejected(ctx, rec, entry, AckResult.UNSUPPORTED_PATTERN)
            return
    raise NotApplicable("every drivable channel supports every pattern")


async def hard_max_clamped(ctx: Context, rec: Recorder) -> None:
    candidates = [c for c in ctx.drivable() if c.hard_max_milli < c.range_max_milli]
    if not candidates:
        raise NotApplicable("no drivable channel has a hard max below its range max")
    channel = candidates[0]
    await ctx.start_session()
    # Range max over a ramp so slow the output creeps at most CREEP_PER_S, cancelled below.
    ramp_ms = round(1000.0 / CREEP_PER_S)
    # First the hard max itself as a controller encodes it, creeping slower still: compared
    # in raw units it is no clamp (PROTOCOL.md §5.6), so it gets no ACK.
    start = ctx.probe.mark()
    exact = channel.hard_max_milli / channel.range_max_milli
    seq = await ctx.setpoint(channel, exact, 20 * ramp_ms)
    ack = await ctx.probe.wait_ack(seq, Setpoint.TYPE, ANSWER_S, start=start)
    await ctx.setpoint(channel, 0.0)
    answer = "no ACK" if ack is None else f"ACK {ack.result.name}"
    rec.saw(ctx.probe.now(), f"the hard max {exact:g} itself: {answer}")
    if ack is not None:
        raise CheckFailed(
            f"channel {channel.index}'s own hard max ({channel.hard_max_milli / 1000:g}, raw "
            f"{round(exact * RAW_FULL_SCALE)}) was answered {ack.result.name}: compare the hard "
            "max in raw units, rounded half up (PROTOCOL.md §5.6)"
        )
    start = ctx.probe.mark()
    seq = await ctx.setpoint(channel, 1.0, ramp_ms)
    ack = await ctx.probe.wait_ack(seq, Setpoint.TYPE, ANSWER_S, start=start)
    await ctx.setpoint(channel, 0.0)
    rec.saw(
        ctx.probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name} detail={ack.detail}"
    )
    if ack is None or ack.result != AckResult.CLAMPED or ack.detail != channel.index:
        raise CheckFailed(
            f"a target above channel {channel.index}'s hard max "
            f"({channel.hard_max_milli / 1000:g}) was not answered CLAMPED detail={channel.index}"
        )


async def ramp_limited(ctx: Context, rec: Recorder) -> None:
    channel = ctx.test_channel()
    await ctx.start_session()
    probe = ctx.probe
    start = probe.mark()
    t_sent = probe.now()  # before the write: the device cannot have had it earlier
    await ctx.setpoint(channel, 0.2)  # ramp_ms 0: "as fast as allowed"
    rate = channel.max_ramp_milli_per_s / channel.range_max_milli  # fraction of range per s
    await asyncio.sleep(0.2 / rate + 0.3)
    for t, status in probe.statuses(start):
        if channel.index >= len(status.values):
            raise CheckFailed(
                f"STATUS has {len(status.values)} values, channel {channel.index} missing"
            )
        # The device got the SETPOINT after t_sent and sent this STATUS before t: its ramp
        # cannot have run longer than t - t_sent.
        bound = min(0.2, rate * (t - t_sent + RAMP_TICK_SLACK_S)) * RAW_FULL_SCALE + RAW_SLACK
        value = status.values[channel.index]
        if value > bound:
            rec.saw(t, f"channel {channel.index} at {value / RAW_FULL_SCALE:.3f}")
            raise CheckFailed(
                f"channel {channel.index} reached {value / RAW_FULL_SCALE:.3f} of range "
                f"{t - t_sent:.3f} s after a SETPOINT with ramp_ms 0; its ramp limit allows "
                f"{bound / RAW_FULL_SCALE:.3f}"
            )
    last = probe.statuses(start)
    if last:
        rec.saw(
            last[-1][0],
            f"channel {channel.index} at {last[-1][1].values[channel.index] / RAW_FULL_SCALE:.3f}",
        )


async def status_cadence(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    probe = ctx.probe
    start = probe.mark()
    t0 = probe.now()
    await asyncio.sleep(CADENCE_WINDOW_S)
    times = [t for t, _ in probe.statuses(start)]
    if len(times) < 2:
        raise CheckFailed(f"{len(times)} STATUS in {CADENCE_WINDOW_S} s")
    gaps = [b - a for a, b in zip([t0, *times], times, strict=False)]
    mean = (times[-1] - times[0]) / (len(times) - 1)
    rec.saw(
        probe.now(),
        f"{len(times)} STATUS in {CADENCE_WINDOW_S} s, mean period "
        f"{mean * 1000:.0f} ms, longest gap {max(gaps) * 1000:.0f} ms",
    )
    if abs(mean - 0.1) > 0.1 * CADENCE_TOLERANCE:
        raise CheckFailed(f"mean STATUS period {mean * 1000:.0f} ms, expected 100 ms ± 30 %")
    if max(gaps) > MAX_STATUS_GAP_S:
        raise CheckFailed(f"no STATUS for {max(gaps) * 1000:.0f} ms")


async def session_end(ctx: Context, rec: Recorder) -> None:
    channel = ctx.test_channel()
    await ctx.start_session()
    await ctx.drive(channel)
    probe = ctx.probe
    start = probe.mark()
    await ctx.command(SessionEnd(), (AckResult.OK,), "SESSION_END")
    t_sent = probe.now()
    await ctx.wait_state(DeviceState.IDLE, start, "after SESSION_END")
    got = await probe.wait_for(
        lambda r: isinstance(r.frame.message, Status) and not ctx.moving(r.frame.message),
        1.0 + END_SLACK_S,
        start=start,
    )
    if got is None:
        raise CheckFailed(f"outputs not all zero within {1.0 + END_SLACK_S} s of SESSION_END")
    rec.saw(got.t, f"all outputs zero {got.t - t_sent:.3f} s after SESSION_END")
    await ctx.command(SessionEnd(), (AckResult.OK,), "SESSION_END in IDLE")


CHECKS = (
    CheckSpec(
        "§5.4 session start",
        "5.4",
        "IDLE → RUNNING; the device reports the watchdog value it uses in the ACK's detail "
        "(OK); in RUNNING: ACK BAD_STATE.",
        session_start,
    ),
    CheckSpec(
        "§5.4 watchdog clamped",
        "5.4",
        "The device clamps watchdog_ms to 250..2000 and reports it in the ACK's detail "
        "(CLAMPED when it changed the value).",
        watchdog_clamped,
    ),
    CheckSpec(
        "§5.6 setpoint outside RUNNING",
        "5.6",
        "Outside RUNNING the whole frame is ignored with ACK BAD_STATE (IDLE).",
        setpoint_outside_running,
    ),
    CheckSpec(
        "§5.6 unknown channel",
        "5.6",
        "unknown channel → entry ignored, ACK BAD_CHANNEL (detail = channel).",
        bad_channel,
    ),
    CheckSpec(
        "§5.6 unsupported pattern",
        "5.6",
        "unsupported pattern → entry ignored, ACK UNSUPPORTED_PATTERN (detail = channel).",
        unsupported_pattern,
    ),
    CheckSpec(
        "§5.6 hard max clamped",
        "5.6",
        "target above the hard max → clamped to the hard max, ACK CLAMPED (detail = channel); "
        "compared in raw units, so the hard max itself as the controller encodes it is no clamp.",
        hard_max_clamped,
    ),
    CheckSpec(
        "§5.6 ramp limited",
        "5.6",
        "a ramp faster than max_ramp_per_s → stretched to that rate (no ACK; STATUS shows it).",
        ramp_limited,
    ),
    CheckSpec(
        "§5.10 STATUS cadence",
        "5.10",
        "Sent every 100 ms (10 Hz) from the first HELLO on.",
        status_cadence,
    ),
    CheckSpec(
        "§5.5 session end",
        "5.5",
        "RUNNING → IDLE: every output ramps to zero within its ramp limit and at most 1 s. "
        "ACK OK. In IDLE it is a no-op ACKed OK.",
        session_end,
    ),
)
