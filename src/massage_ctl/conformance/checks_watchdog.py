"""Checks of the watchdog and the LINK_LOST latch (PROTOCOL.md §7.1, §5.9, §6.1).

The suite asks for the shortest watchdog (250 ms) so a run stays short. While it stays silent
it keeps sending frames with a bad CRC: "bad frames do not" restart the watchdog, so a device
that counts any bytes as a live link fails here.
"""

from __future__ import annotations

import asyncio

from massage_ctl.conformance.context import Context
from massage_ctl.conformance.model import CheckFailed, CheckSpec, Recorder
from massage_ctl.protocol import (
    AckResult,
    Clear,
    DeviceState,
    Fault,
    FaultBits,
    FaultCode,
    Heartbeat,
    SessionStart,
    Status,
    encode_frame,
)

#: The shortest watchdog a device must accept (PROTOCOL.md §5.4), asked for on serial and the
#: simulator to keep the run short; on BLE (connection intervals add jitter) the suite asks
#: 500 ms, still 5× the heartbeat period.
WATCHDOG_MS = 250
BLE_WATCHDOG_MS = 500
#: The device's millisecond clock may tick just before the period is over.
EARLY_SLACK_S = 0.010
#: How late LINK_LOST may be reported: the STATUS period plus serial and emulator delays.
LATE_SLACK_S = 0.5
#: After LINK_LOST every output must be zero within 1 s; this much on top for the reporting.
FADE_SLACK_S = 0.3


def _watchdog_ms(ctx: Context) -> int:
    return BLE_WATCHDOG_MS if ctx.probe.transport.kind == "ble" else WATCHDOG_MS


def _silence_s(ctx: Context) -> float:
    return _watchdog_ms(ctx) / 1000 + LATE_SLACK_S + 1.0 + FADE_SLACK_S


def _bad_heartbeat(seq: int, version: int) -> bytes:
    frame = bytearray(encode_frame(Heartbeat(stop_requested=False), seq, version))
    # The last byte before the delimiter: the CRC's low byte (or a COBS code byte, then the
    # frame fails the COBS check instead). Never made zero, which would split the frame.
    frame[-2] = frame[-2] ^ 0x55 or 0x01
    return bytes(frame)


async def _go_silent(ctx: Context) -> tuple[float, int]:
    """Stop every valid frame; send bad ones every 100 ms meanwhile; (last valid t, mark)."""
    probe = ctx.probe
    await probe.heartbeats(False)
    last_valid = probe.last_valid_t
    start = probe.mark()
    await probe.write(
        _bad_heartbeat(probe.seq + 1, probe.version),
        "from now on only HEARTBEATs with a bad CRC, every 100 ms",
    )
    end = probe.now() + _silence_s(ctx)
    while probe.now() < end:
        await asyncio.sleep(0.1)
        await probe.write(_bad_heartbeat(probe.seq + 1, probe.version), None)
    return last_valid, start


async def keep_alive(ctx: Context, rec: Recorder) -> None:
    watchdog_ms = _watchdog_ms(ctx)
    ack = await ctx.start_session(watchdog_ms)
    if ack.detail != watchdog_ms:
        raise CheckFailed(f"SESSION_START({watchdog_ms}) answered detail={ack.detail}")
    await ctx.drive(ctx.test_channel())
    states = await ctx.states_over(1.0)
    if states != {DeviceState.RUNNING}:
        raise CheckFailed(
            f"heartbeats every 100 ms did not keep a {watchdog_ms} ms watchdog fed: "
            f"{sorted(s.name for s in states)}"
        )


async def _fire(
    ctx: Context, rec: Recorder
) -> tuple[float, list[tuple[float, Status]], list[Fault]]:
    await ctx.start_session(_watchdog_ms(ctx))
    await ctx.drive(ctx.test_channel())
    last_valid, start = await _go_silent(ctx)
    statuses = ctx.probe.statuses(start)
    faults = [r.frame.message for r in ctx.probe.since(start) if isinstance(r.frame.message, Fault)]
    return last_valid, statuses, faults


async def watchdog_fires(ctx: Context, rec: Recorder) -> None:
    last_valid, statuses, faults = await _fire(ctx, rec)
    lost = [(t, s) for t, s in statuses if s.state == DeviceState.LINK_LOST]
    if not lost:
        states = sorted({s.state.name for _, s in statuses})
        raise CheckFailed(
            f"no STATUS LINK_LOST within {_silence_s(ctx):.2f} s of silence (states: {states})"
        )
    t_lost, first = lost[0]
    after = t_lost - last_valid
    rec.saw(
        t_lost,
        f"STATUS LINK_LOST {after * 1000:.0f} ms after the last valid frame, "
        f"fault_bits=0x{int(first.fault_bits):02X}",
    )
    watchdog_s = _watchdog_ms(ctx) / 1000
    if after < watchdog_s - EARLY_SLACK_S:
        raise CheckFailed(
            f"the watchdog fired after {after * 1000:.0f} ms, before {watchdog_s * 1000:.0f} ms"
        )
    if after > watchdog_s + LATE_SLACK_S:
        raise CheckFailed(
            f"LINK_LOST reported {after * 1000:.0f} ms after the last valid frame "
            f"(watchdog {watchdog_s * 1000:.0f} ms + {LATE_SLACK_S * 1000:.0f} ms allowed)"
        )
    if not first.fault_bits & FaultBits.WATCHDOG:
        raise CheckFailed("STATUS LINK_LOST without the WATCHDOG fault bit")
    if not any(f.code == FaultCode.WATCHDOG for f in faults):
        raise CheckFailed("no FAULT(WATCHDOG) sent")
    zero = [t for t, s in statuses if t >= t_lost and not ctx.moving(s)]
    if not zero or zero[0] - t_lost > 1.0 + FADE_SLACK_S:
        raise CheckFailed(
            f"outputs not all zero within 1 s (+{FADE_SLACK_S * 1000:.0f} ms) of LINK_LOST"
        )
    rec.saw(zero[0], f"all outputs zero {(zero[0] - t_lost) * 1000:.0f} ms after LINK_LOST")


async def link_lost_latch(ctx: Context, rec: Recorder) -> None:
    _, statuses, _ = await _fire(ctx, rec)
    if not statuses or statuses[-1][1].state != DeviceState.LINK_LOST:
        raise CheckFailed("the device is not in LINK_LOST after the watchdog period")
    probe = ctx.probe
    await probe.heartbeats(True)
    states = await ctx.states_over(0.5)
    if states != {DeviceState.LINK_LOST}:
        raise CheckFailed(f"the device left LINK_LOST by itself: {sorted(s.name for s in states)}")
    await ctx.command(Clear(), (AckResult.BAD_STATE,), "CLEAR before a new HELLO")
    await ctx.command(
        SessionStart(_watchdog_ms(ctx)), (AckResult.LATCHED,), "SESSION_START in LINK_LOST"
    )
    await ctx.handshake()
    states = await ctx.states_over(0.3)
    if states != {DeviceState.LINK_LOST}:
        raise CheckFailed(f"HELLO cleared the LINK_LOST latch: {sorted(s.name for s in states)}")
    start = probe.mark()
    await ctx.command(Clear(), (AckResult.OK,), "CLEAR after HELLO")
    await ctx.wait_state(DeviceState.IDLE, start, "after HELLO and CLEAR")


CHECKS = (
    CheckSpec(
        "§7.1 heartbeat keeps the watchdog fed",
        "7.1",
        "Every valid frame from the controller restarts it; the heartbeat (every 100 ms) "
        "gives the margin.",
        keep_alive,
    ),
    CheckSpec(
        "§7.1 watchdog fires",
        "7.1",
        "If it expires in RUNNING: all outputs ramp to zero within 1 s, heat off, state "
        "LINK_LOST, fault bit WATCHDOG set, FAULT(WATCHDOG) sent. Bad frames do not "
        "restart it.",
        watchdog_fires,
    ),
    CheckSpec(
        "§6.1 LINK_LOST latch",
        "6.1",
        "LINK_LOST: CLEAR before a new HELLO is BAD_STATE; HELLO clears no latch; "
        "HELLO → CLEAR → IDLE.",
        link_lost_latch,
    ),
)
