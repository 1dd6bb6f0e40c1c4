"""Checks of framing and frame validity (PROTOCOL.md §2, §3.3, §3.4).

Each bad frame is one the device would act on if it skipped a check: a STOP, a HEARTBEAT
asking for a stop, a SESSION_START. A conforming device drops them silently; the suite sees
that from STATUS (state unchanged, ``last_seq`` not at the bad frame's seq) and from the
absence of any ACK for them.
"""

from __future__ import annotations

import asyncio

from massage_ctl.conformance.context import ANSWER_S, Context, seq_at_or_after
from massage_ctl.conformance.model import CheckFailed, CheckSpec, Recorder
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    Ack,
    DeviceState,
    Hello,
    SessionStart,
    Stop,
    StopReason,
    cobs_decode,
    cobs_encode,
    crc16,
    encode_frame,
)


def _reframe(decoded: bytes) -> bytes:
    """COBS + delimiter around a decoded frame given byte for byte."""
    return cobs_encode(decoded) + b"\x00"


def _with_crc(body: bytes) -> bytes:
    return _reframe(body + crc16(body).to_bytes(2, "big"))


def bad_frames(seq: int, version: int = PROTOCOL_VERSION) -> list[tuple[str, bytes]]:
    """(what, wire bytes) for every kind of bad frame of PROTOCOL.md §3.4, all with ``seq``,
    for a device speaking ``version``."""
    stop = cobs_decode(encode_frame(Stop(StopReason.USER), seq, version)[:-1])
    start = cobs_decode(encode_frame(SessionStart(500), seq, version)[:-1])
    body = stop[:-2]
    seq_le = seq.to_bytes(2, "little")
    return [
        ("STOP with a wrong CRC (kind crc)", _reframe(body + bytes([stop[-2] ^ 0xFF, stop[-1]]))),
        (
            "SESSION_START with a wrong CRC (kind crc)",
            _reframe(start[:-1] + bytes([start[-1] ^ 0x01])),
        ),
        (
            f"STOP with version {version + 1} (kind version)",
            _with_crc(bytes([version + 1]) + body[1:]),
        ),
        ("STOP without its reason byte (kind truncated)", _with_crc(body[:-1])),
        (
            "unknown type 0x7F (kind unknown-type)",
            _with_crc(bytes([version, 0x7F]) + seq_le),
        ),
        (
            "HEARTBEAT with stop_requested = 2 (kind malformed)",
            _with_crc(bytes([version, 0x21]) + seq_le + b"\x02"),
        ),
        ("STOP with an extra byte (kind malformed)", _with_crc(body + b"\x00")),
        (
            "COBS code pointing past the end (kind cobs)",
            bytes([0x09, 0x01, 0x30, 0x01, 0x01, 0x00]),
        ),
    ]


async def bad_frames_ignored(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    probe = ctx.probe
    seq = probe.next_seq()
    start = probe.mark()
    for what, data in bad_frames(seq, probe.version):
        await probe.write(data, f"{what}, seq={seq}")
        await asyncio.sleep(0.1)  # with the heartbeats: within a 20 frames/s device's rate
    await asyncio.sleep(0.5)  # five STATUS periods for the device to act, if it (wrongly) does
    acks = [
        r.frame.message
        for r in probe.since(start)
        if isinstance(r.frame.message, Ack) and r.frame.message.acked_seq == seq
    ]
    statuses = probe.statuses(start)
    if statuses:
        rec.saw(
            statuses[-1][0],
            f"STATUS {statuses[-1][1].state.name} last_seq={statuses[-1][1].last_seq}",
        )
    if acks:
        raise CheckFailed(
            f"the device answered a bad frame: ACK {acks[0].result.name} for seq {seq}"
        )
    if not statuses:
        raise CheckFailed("no STATUS for 0.5 s after the bad frames")
    acted = [s for _, s in statuses if s.state != DeviceState.IDLE]
    if acted:
        raise CheckFailed(f"a bad frame was acted on: the device went {acted[0].state.name}")
    if any(s.last_seq == seq for _, s in statuses):
        raise CheckFailed(f"STATUS.last_seq reached the bad frames' seq {seq}: one was processed")


async def empty_frames(ctx: Context, rec: Recorder) -> None:
    probe = ctx.probe
    start = probe.mark()
    await probe.write(b"\x00\x00\x00", "three lone 0x00 bytes (empty frames)")
    seq = await probe.send(probe.hello())
    ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
    rec.saw(probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name}")
    if ack is None:
        raise CheckFailed("after empty frames the device did not answer the next HELLO")


async def oversized_resync(ctx: Context, rec: Recorder) -> None:
    probe = ctx.probe
    start = probe.mark()
    await probe.write(
        b"\x01" * 300 + b"\x00", "300 bytes without a delimiter, then 0x00 (kind oversized)"
    )
    seq = await probe.send(probe.hello())
    ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
    rec.saw(probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name}")
    if ack is None:
        raise CheckFailed("after an oversized run the device did not answer the next frame")


async def last_seq_reported(ctx: Context, rec: Recorder) -> None:
    probe = ctx.probe
    await ctx.to_idle()
    start = probe.mark()
    seq = await probe.send(probe.hello())
    got = await probe.wait_for(
        lambda r: (
            hasattr(r.frame.message, "last_seq") and seq_at_or_after(r.frame.message.last_seq, seq)
        ),
        ANSWER_S,
        start=start,
    )
    if got is None:
        last = probe.statuses(start)
        raise CheckFailed(
            f"no STATUS with last_seq at or past {seq} within {ANSWER_S} s"
            + (f" (last: {last[-1][1].last_seq})" if last else "")
        )
    rec.saw(got.t, f"STATUS last_seq={getattr(got.frame.message, 'last_seq', '?')}")


CHECKS = (
    CheckSpec("§2 empty frames ignored", "2", "A receiver must ignore empty frames.", empty_frames),
    CheckSpec(
        "§3.3 oversized run",
        "3.3",
        "A receiver that joins mid-stream, or after corrupted bytes, is back in step at "
        "the next 0x00; the buffer never holds more than 255 bytes.",
        oversized_resync,
    ),
    CheckSpec(
        "§3.4 bad frames not acted on",
        "3.4",
        "A bad frame is never acted on and is not answered.",
        bad_frames_ignored,
    ),
    CheckSpec(
        "§5.10 last_seq",
        "5.10",
        "last_seq at or past S means every controller frame up to S was processed.",
        last_seq_reported,
    ),
)
