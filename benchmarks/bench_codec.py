#!/usr/bin/env python3
"""Codec and simulator throughput: fast vs generic codec, and a 30-minute session at speed=max.

    python benchmarks/bench_codec.py [--quick]

For heartbeat, setpoint (1 and 16 channels) and STATUS (4 and 16 channels) frames it prints
frames/s (median of several runs, CPU time of this process) of

* ``encode_frame`` + ``decode_frame`` (the fast path, structs compiled from the layouts), next
  to the generic table-walking reference (``encode_frame_generic`` + ``decode_frame_generic``,
  the codec as it was before the fast path) measured in the same run, and the speed-up;
* streaming decode (``FrameDecoder.feed`` of many frames back to back);
* how much of a 115200-baud serial link (10 bits per byte) and of a 20-frames/s BLE link the
  codec could serve (``codec Nx`` = frames/s the codec does ÷ frames/s the link carries).

Then it plays a 30-minute session (HELLO, SESSION_START, a heartbeat every 100 ms, a 4-channel
setpoint every 200 ms) against ``SimDevice("chair")`` on a virtual-time loop through the codec,
decoding every STATUS — docs/CONTRACTS.md §7 target: ≤ 1 s. Figures, not assertions.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable

from massage_ctl.clock import new_event_loop
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    DeviceState,
    FaultBits,
    FrameDecoder,
    Heartbeat,
    Hello,
    Message,
    PatternCode,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
    decode_frame,
    encode_frame,
)
from massage_ctl.protocol.codec import decode_frame_generic, encode_frame_generic

QUICK = "--quick" in sys.argv
RUNS = 3 if QUICK else 7
N = 1000 if QUICK else 4000
SERIAL_BYTES_PER_S = 115200 / 10
BLE_FRAMES_PER_S = 20
SESSION_MINUTES = 30.0


def _rate(fn: Callable[[], object], n: int) -> float:
    """Frames/s of ``fn`` (which handles ``n`` frames), median over RUNS, in CPU time: the
    machine may be shared, and wall time would measure the neighbours too."""
    rates = []
    for _ in range(RUNS):
        t0 = time.process_time()
        fn()
        rates.append(n / max(time.process_time() - t0, 1e-9))
    return statistics.median(rates)


def bench(name: str, message: Message) -> None:
    """Print round-trip (fast and generic) and streaming-decode throughput for ``message``."""
    wire = encode_frame(message, 1)

    def fast() -> None:
        for seq in range(N):
            decode_frame(encode_frame(message, seq))

    def generic() -> None:
        for seq in range(N):
            decode_frame_generic(encode_frame_generic(message, seq))

    stream = wire * N

    def streaming() -> None:
        FrameDecoder().feed(stream)

    rt, ref, st = _rate(fast, N), _rate(generic, N), _rate(streaming, N)
    serial = SERIAL_BYTES_PER_S / len(wire)
    print(
        f"{name:<27} {len(wire):>3} B  enc+dec {rt:>7,.0f}/s (generic {ref:>6,.0f}/s, "
        f"{rt / ref:>3.1f}x)  stream-dec {st:>7,.0f}/s | 115200 baud {serial:>4,.0f}/s "
        f"(codec {rt / serial:>5.1f}x)  BLE {BLE_FRAMES_PER_S}/s "
        f"(codec {rt / BLE_FRAMES_PER_S:,.0f}x)"
    )


async def _session(minutes: float) -> tuple[int, int]:
    from massage_sim import SimDevice  # the simulator is a separate package of this repo

    device = SimDevice("chair")
    decoder = FrameDecoder()
    received: list[object] = []
    device.set_output(lambda data: received.extend(decoder.feed(data)))
    await device.start()
    seq = 0

    def send(message: Message) -> None:
        nonlocal seq
        seq += 1
        device.receive(encode_frame(message, seq))

    send(Hello(PROTOCOL_VERSION, SCHEMA_HASH))
    send(SessionStart(500))
    for i in range(round(minutes * 600)):
        send(Heartbeat(False))
        if i % 2 == 0:
            entries = tuple(
                SetpointEntry(c, (i * 97 + c * 4111) & 0xFFFF, 200, PatternCode.STEADY, 0)
                for c in range(4)
            )
            send(Setpoint(entries))
        await asyncio.sleep(0.1)
    await device.close()
    return seq, len(received)


def session() -> None:
    """Time a session through codec and simulator on virtual time (median of 3, CPU time)."""
    minutes = 3.0 if QUICK else SESSION_MINUTES
    times = []
    for _ in range(1 if QUICK else 3):
        loop = new_event_loop(None)
        try:
            t0 = time.process_time()
            sent, got = loop.run_until_complete(_session(minutes))
            times.append(time.process_time() - t0)
        finally:
            loop.close()
    print(
        f"{minutes:g}-minute session, chair, sim speed=max: {statistics.median(times):.2f} s CPU "
        f"({sent:,} frames sent, {got:,} received; CONTRACTS §7 target ≤ 1 s for 30 minutes)"
    )


def main() -> None:
    """Run the benchmarks."""
    bench("heartbeat", Heartbeat(False))
    one = SetpointEntry(3, 40000, 2000, PatternCode.PULSE, 150)
    bench("setpoint, 1 channel", Setpoint((one,)))
    bench(
        "setpoint, 16 channels", Setpoint(tuple(SetpointEntry(i, 1000 * i, 500) for i in range(16)))
    )
    bench("status, 4 channels (pad)", Status(DeviceState.RUNNING, FaultBits(0), 77, (1, 2, 3, 4)))
    bench(
        "status, 16 channels (chair)",
        Status(DeviceState.RUNNING, FaultBits(0), 77, tuple(range(16))),
    )
    session()


if __name__ == "__main__":
    main()
