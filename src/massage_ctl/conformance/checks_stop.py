"""Checks of STOP, its latch, CLEAR, de-duplication and sessions in a row
(PROTOCOL.md §5.7–5.9, §6, §7.2, §7.3, §7.5)."""

from __future__ import annotations

import asyncio

from massage_ctl.conformance.checks_session import END_SLACK_S
from massage_ctl.conformance.context import ANSWER_S, Context, seq_at_or_after
from massage_ctl.conformance.model import CheckFailed, CheckSpec, Recorder
from massage_ctl.protocol import (
    Ack,
    AckResult,
    Clear,
    DeviceState,
    Heartbeat,
    Hello,
    SessionEnd,
    SessionStart,
    Status,
    Stop,
    StopReason,
    encode_frame,
)

#: How long the suite watches a latched device for leaving the latch by itself.
LATCH_WATCH_S = 0.5


async def _stopped_at_once(ctx: Context, start: int, what: str) -> Status:
    """The first STATUS STOPPED after ``start`` must already show every output at zero."""
    status = await ctx.wait_state(DeviceState.STOPPED, start, what)
    if ctx.moving(status):
        raise CheckFailed(
            f"{what}: the first STATUS STOPPED still shows outputs {ctx.moving(status)}"
        )
    return status


async def stop_immediate(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    await ctx.drive(ctx.test_channel())
    probe = ctx.probe
    start = probe.mark()
    await probe.stop_now()
    seq = probe.seq
    await _stopped_at_once(ctx, start, "after STOP ×3")
    await asyncio.sleep(0.3)
    acks = [
        r.frame.message
        for r in probe.since(start)
        if isinstance(r.frame.message, Ack)
        and r.frame.message.acked_seq == seq
        and r.frame.message.acked_type == Stop.TYPE
    ]
    rec.saw(probe.now(), f"{len(acks)} ACKs for the STOP: {[a.result.name for a in acks]}")
    if len(acks) != 3 or any(a.result != AckResult.OK for a in acks):
        raise CheckFailed(
            f"expected ACK OK for each of the 3 STOP copies, got {len(acks)}: "
            f"{[a.result.name for a in acks]}"
        )


async def heartbeat_stop(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    await ctx.drive(ctx.test_channel())
    start = ctx.probe.mark()
    await ctx.probe.send(Heartbeat(stop_requested=True))
    await _stopped_at_once(ctx, start, "after HEARTBEAT(stop_requested=1)")


async def stop_any_seq(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    await ctx.drive(ctx.test_channel())
    probe = ctx.probe
    old = (probe.seq - 5) & 0xFFFF  # already used by this controller: a late, older copy
    start = probe.mark()
    await probe.send(Stop(StopReason.USER), old)
    await _stopped_at_once(ctx, start, f"after STOP with the old seq {old}")


async def stop_from_idle(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    start = ctx.probe.mark()
    await ctx.command(Stop(StopReason.USER), (AckResult.OK,), "STOP in IDLE")
    await ctx.wait_state(DeviceState.STOPPED, start, "after STOP in IDLE")


async def _stays(ctx: Context, state: DeviceState, seconds: float) -> None:
    states = await ctx.states_over(seconds)
    if states != {state}:
        names = sorted(s.name for s in states)
        raise CheckFailed(f"the device left {state.name} by itself: {names}")


async def stop_latch(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    await ctx.drive(ctx.test_channel())
    probe = ctx.probe
    start = probe.mark()
    await probe.stop_now()
    await _stopped_at_once(ctx, start, "after STOP")
    await _stays(ctx, DeviceState.STOPPED, LATCH_WATCH_S)
    await ctx.command(
        SessionStart(ctx.watchdog_ms), (AckResult.LATCHED,), "SESSION_START in STOPPED"
    )
    await ctx.command(SessionEnd(), (AckResult.LATCHED,), "SESSION_END in STOPPED")
    await ctx.handshake()
    await _stays(ctx, DeviceState.STOPPED, 0.3)
    await ctx.command(
        SessionStart(ctx.watchdog_ms), (AckResult.LATCHED,), "SESSION_START after HELLO"
    )


async def clear_rules(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    await ctx.command(Stop(StopReason.USER), (AckResult.OK,), "STOP")
    start = ctx.probe.mark()
    await ctx.command(Clear(), (AckResult.OK,), "CLEAR in STOPPED")
    await ctx.wait_state(DeviceState.IDLE, start, "after CLEAR in STOPPED")
    await ctx.command(Clear(), (AckResult.OK,), "CLEAR in IDLE")
    await ctx.command(SessionStart(ctx.watchdog_ms), (AckResult.OK,), "SESSION_START after CLEAR")
    await ctx.command(Clear(), (AckResult.BAD_STATE,), "CLEAR in RUNNING")


async def duplicates(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    probe = ctx.probe
    clear_seq, _ = await ctx.command(Clear(), (AckResult.OK,), "CLEAR in IDLE")
    start_seq, first = await ctx.command(
        SessionStart(ctx.watchdog_ms), (AckResult.OK,), "SESSION_START"
    )
    assert first is not None
    start = probe.mark()
    await probe.send(SessionStart(ctx.watchdog_ms), start_seq)  # a retry: same bytes
    again = await probe.wait_ack(start_seq, SessionStart.TYPE, ANSWER_S, start=start)
    rec.saw(
        probe.now(),
        "retry: "
        + ("no ACK" if again is None else f"ACK {again.result.name} detail={again.detail}"),
    )
    if again is None or (again.result, again.detail) != (first.result, first.detail):
        raise CheckFailed("a retried SESSION_START (same seq) did not get the remembered ACK again")
    await probe.send(Clear(), clear_seq)  # a late copy of an older CLEAR
    await _stays(ctx, DeviceState.RUNNING, 0.3)


async def stale_clear_after_stop(ctx: Context, rec: Recorder) -> None:
    await ctx.handshake()
    probe = ctx.probe
    clear_seq, _ = await ctx.command(Clear(), (AckResult.OK,), "CLEAR")
    await ctx.command(SessionStart(ctx.watchdog_ms), (AckResult.OK,), "SESSION_START")
    await ctx.drive(ctx.test_channel())
    start = probe.mark()
    await probe.stop_now()
    await _stopped_at_once(ctx, start, "after STOP")
    await probe.send(Clear(), clear_seq)  # the CLEAR from before the STOP, arriving late
    await _stays(ctx, DeviceState.STOPPED, 0.3)


async def hello_ends_session(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    await ctx.drive(ctx.test_channel())
    probe = ctx.probe
    start = probe.mark()
    await probe.send(probe.hello())
    t_sent = probe.now()
    await ctx.wait_state(DeviceState.IDLE, start, "after HELLO in RUNNING")
    got = await probe.wait_for(
        lambda r: isinstance(r.frame.message, Status) and not ctx.moving(r.frame.message),
        1.0 + END_SLACK_S,
        start=start,
    )
    if got is None:
        raise CheckFailed(f"outputs not all zero within {1.0 + END_SLACK_S} s of HELLO")
    rec.saw(got.t, f"all outputs zero {got.t - t_sent:.3f} s after HELLO")


async def burst(ctx: Context, rec: Recorder) -> None:
    await ctx.start_session()
    channel = ctx.test_channel()
    probe = ctx.probe
    rate_chz = ctx.info.max_frame_rate_chz if ctx.info else 1000
    count = max(2, rate_chz // 1000)  # what the rate earns in one heartbeat period (§7.5)
    start = probe.mark()
    for _ in range(count):
        await ctx.setpoint(channel, 0.1)
    stop_seq = probe.next_seq()
    await probe.write(
        encode_frame(Stop(StopReason.USER), stop_seq, probe.version) * 3,
        f"STOP seq={stop_seq} ×3, back to back",
    )
    status = await _stopped_at_once(ctx, start, f"after {count} SETPOINTs and STOP ×3 back to back")
    if not seq_at_or_after(status.last_seq, stop_seq):
        later = await probe.wait_for(
            lambda r: (
                isinstance(r.frame.message, Status)
                and seq_at_or_after(r.frame.message.last_seq, stop_seq)
            ),
            ANSWER_S,
            start=start,
        )
        if later is None:
            raise CheckFailed(f"STATUS.last_seq never reached the STOP's seq {stop_seq}")


async def sessions_in_row(ctx: Context, rec: Recorder) -> None:
    channel = ctx.test_channel()
    probe = ctx.probe
    for n in range(1, 4):
        probe.seq = 0xFFFF  # a new controller process numbers its frames from 0 again
        start = probe.mark()
        seq = await probe.send(probe.hello())
        ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
        if ack is None or ack.result != AckResult.OK:
            raise CheckFailed(f"session {n}: HELLO not answered OK")
        await probe.heartbeats(True)
        await ctx.command(Clear(), (AckResult.OK,), f"session {n}: CLEAR")
        start = probe.mark()
        await ctx.command(
            SessionStart(ctx.watchdog_ms), (AckResult.OK,), f"session {n}: SESSION_START"
        )
        await ctx.wait_state(DeviceState.RUNNING, start, f"session {n}")
        await ctx.drive(channel)
        start = probe.mark()
        await probe.stop_now()
        await _stopped_at_once(ctx, start, f"session {n}: STOP")


CHECKS = (
    CheckSpec(
        "§5.8 STOP at once",
        "5.8",
        "Acted on at receipt: every output to zero immediately (no ramp), state STOPPED. "
        "ACK OK, sent again for every copy.",
        stop_immediate,
    ),
    CheckSpec(
        "§5.7 HEARTBEAT stop_requested",
        "5.7",
        "stop_requested = 1: act exactly as STOP.",
        heartbeat_stop,
    ),
    CheckSpec(
        "§5.8 STOP regardless of seq",
        "5.8",
        "Acted on at receipt, in every state, regardless of seq (even a repeated or older one).",
        stop_any_seq,
    ),
    CheckSpec("§6 STOP from IDLE", "6", "IDLE + STOP → STOPPED.", stop_from_idle),
    CheckSpec(
        "§6 STOP latch",
        "6",
        "A device never leaves STOPPED by itself; SESSION_START and SESSION_END in STOPPED "
        "are LATCHED; HELLO clears no latch.",
        stop_latch,
    ),
    CheckSpec(
        "§5.9 CLEAR",
        "5.9",
        "CLEAR: STOPPED → IDLE (OK); IDLE → no-op OK; RUNNING → BAD_STATE.",
        clear_rules,
    ),
    CheckSpec(
        "§7.3 duplicates",
        "7.3",
        "A frame with the same seq and type is not applied again, the remembered ACK is "
        "sent again; a late copy of an old CLEAR can never undo a newer command.",
        duplicates,
    ),
    CheckSpec(
        "§7.3 late CLEAR after STOP",
        "7.3",
        "The device ignores a CLEAR whose seq is older than the newest command (STOP "
        "included): a late copy of an old CLEAR can never undo a newer STOP.",
        stale_clear_after_stop,
    ),
    CheckSpec(
        "§5.1 HELLO ends a running session",
        "5.1",
        "HELLO in RUNNING first ends the session exactly like SESSION_END (a new controller "
        "never inherits a running session).",
        hello_ends_session,
    ),
    CheckSpec(
        "§7.5 burst and STOP copies",
        "7.5",
        "A device must buffer max(2, ⌊rate / 10⌋) frames besides the three STOP copies.",
        burst,
    ),
    CheckSpec(
        "§6.1 sessions in a row",
        "6.1",
        "A new session is HELLO → CLEAR → SESSION_START; HELLO empties the remembered "
        "(seq, type, ACK) table, so a new controller numbering from 0 again is no retry.",
        sessions_in_row,
    ),
)
