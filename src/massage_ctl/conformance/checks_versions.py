"""Checks of protocol version 2's additions: the session's limits enforced by the device
(PROTOCOL.md §5.4, §5.6) and a HELLO of another version answered (§9). A version-1 device
(the suite fell back to version 1, §9.1) has neither: both are n/a, with why."""

from __future__ import annotations

import asyncio
import itertools

from massage_ctl.conformance.checks_session import RAMP_TICK_SLACK_S, RAW_SLACK
from massage_ctl.conformance.context import ANSWER_S, Context
from massage_ctl.conformance.model import (
    TEST_LEVEL,
    CheckFailed,
    CheckSpec,
    NotApplicable,
    Recorder,
)
from massage_ctl.link.handshake import V1_LIMITS_NOTE
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    AckResult,
    DeviceInfo,
    DeviceState,
    Hello,
    SessionLimit,
    SessionStart,
    Setpoint,
    Status,
    cobs_encode,
    crc16,
)

#: The session cap the check sets, as a share of the test level (well below it, so clamping
#: is visible), and the session ramp limit as a share of the channel's own.
CAP_SHARE = 0.5
RAMP_SHARE = 0.5
#: The device must have brought the output to at least this share of the cap (it may lag).
REACHED_SHARE = 0.5
#: How long to wait for the channel to be back at zero before the check starts (s).
SETTLE_S = 2.0


def _v2_only(ctx: Context) -> None:
    if ctx.probe.version < 2:
        raise NotApplicable(f"the device speaks protocol version 1: {V1_LIMITS_NOTE}")


async def session_limits(ctx: Context, rec: Recorder) -> None:
    _v2_only(ctx)
    channel = ctx.test_channel()
    probe = ctx.probe
    cap = TEST_LEVEL * CAP_SHARE
    raw_cap = round(cap * RAW_FULL_SCALE)
    ramp_milli = max(1, round(channel.max_ramp_milli_per_s * RAMP_SHARE))
    rate = ramp_milli / channel.range_max_milli  # fraction of range per second
    await ctx.to_idle()
    # An output still ramping down from an earlier session is not this session's doing.
    await probe.wait_for(
        lambda r: (
            isinstance(r.frame.message, Status)
            and channel.index < len(r.frame.message.values)
            and r.frame.message.values[channel.index] == 0
        ),
        SETTLE_S,
    )
    limits = (SessionLimit(channel.index, raw_cap, ramp_milli),)
    start = probe.mark()
    await ctx.command(
        SessionStart(ctx.watchdog_ms, limits), (AckResult.OK,), "SESSION_START with limits"
    )
    await ctx.wait_state(DeviceState.RUNNING, start, "after SESSION_START")
    start = probe.mark()
    seq = await ctx.setpoint(channel, TEST_LEVEL)  # above the session's cap, as fast as allowed
    ack = await probe.wait_ack(seq, Setpoint.TYPE, ANSWER_S, start=start)
    rec.saw(probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name} detail={ack.detail}")
    await asyncio.sleep(cap / rate + 0.5)
    await ctx.setpoint(channel, 0.0)
    if ack is None or ack.result != AckResult.CLAMPED or ack.detail != channel.index:
        raise CheckFailed(
            f"a target above the session's cap was not answered ACK CLAMPED "
            f"detail={channel.index}"
        )
    values = [
        (t, s.values[channel.index])
        for t, s in probe.statuses(start)
        if s.state == DeviceState.RUNNING and channel.index < len(s.values)
    ]
    if not values:
        raise CheckFailed("no STATUS while the channel moved")
    peak = max(v for _, v in values)
    rec.saw(probe.now(), f"channel {channel.index} peaked at raw {peak}, session cap {raw_cap}")
    if peak > raw_cap + RAW_SLACK:
        raise CheckFailed(f"channel {channel.index} rose to raw {peak}, above the cap {raw_cap}")
    if peak < raw_cap * REACHED_SHARE:
        raise CheckFailed(f"channel {channel.index} reached only raw {peak} of the cap {raw_cap}")
    for (t0, v0), (t1, v1) in itertools.pairwise(values):
        allowed = rate * (t1 - t0 + RAMP_TICK_SLACK_S) * RAW_FULL_SCALE + RAW_SLACK
        if v1 - v0 > allowed:
            raise CheckFailed(
                f"channel {channel.index} rose {v1 - v0} raw in {(t1 - t0) * 1000:.0f} ms, "
                f"faster than the session's ramp limit ({ramp_milli} milli/s)"
            )


def _foreign_hello(version: int, seq: int) -> bytes:
    """A HELLO of ``version`` with two bytes more than the frozen five (§9)."""
    body = bytes([version, Hello.TYPE, seq & 0xFF, seq >> 8, version])
    body += (0x1234ABCD).to_bytes(4, "little") + b"\x07\x07"
    return cobs_encode(body + crc16(body).to_bytes(2, "big")) + b"\x00"


async def foreign_hello(ctx: Context, rec: Recorder) -> None:
    if ctx.probe.version < 2:
        raise NotApplicable(
            "version-1 firmware as it shipped does not answer a HELLO of another version; "
            "massage_ctl serves it in version 1 all the same (PROTOCOL.md §9.1)"
        )
    probe = ctx.probe
    await ctx.start_session()
    start = probe.mark()
    seq = probe.next_seq()
    foreign = probe.version + 1
    await probe.write(
        _foreign_hello(foreign, seq), f"HELLO in a version-{foreign} frame, 7 bytes, seq={seq}"
    )
    ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
    infos = [r.frame.message for r in probe.since(start) if isinstance(r.frame.message, DeviceInfo)]
    rec.saw(probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name}")
    if ack is None or ack.result != AckResult.VERSION_MISMATCH:
        raise CheckFailed("a HELLO of another version was not answered ACK VERSION_MISMATCH")
    if not infos or infos[-1].protocol_version != probe.version:
        raise CheckFailed("the answer had no DEVICE_INFO in the device's own version")
    await ctx.wait_state(DeviceState.IDLE, start, "after a foreign HELLO in RUNNING")
    await ctx.command(
        SessionStart(ctx.watchdog_ms), (AckResult.BAD_STATE,), "SESSION_START after it"
    )
    await ctx.handshake()  # a matching HELLO restores the handshake


CHECKS = (
    CheckSpec(
        "§5.4 session limits",
        "5.4",
        "From this SESSION_START every channel obeys the tighter of its hard limits and its "
        "limits entry: a target above max_target is clamped (ACK CLAMPED), the envelope never "
        "moves faster than the session's ramp limit.",
        session_limits,
    ),
    CheckSpec(
        "§9 foreign HELLO",
        "9",
        "A device receiving a HELLO whose version byte differs from its own must still answer "
        "it: DEVICE_INFO (in its own version) and ACK VERSION_MISMATCH; it ends a running "
        "session and revokes the handshake.",
        foreign_hello,
    ),
)
