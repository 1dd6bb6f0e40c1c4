#!/usr/bin/env python3
"""Codec throughput: Python encode+decode of setpoint and status frames vs what links carry.

    python benchmarks/bench_codec.py

Prints frames/s (median of several runs) for encode_frame + decode_frame round trips, and next
to it what a 115200-baud serial link (10 bits per byte) and a 20-frames/s BLE link can carry of
the same frame, so one sees how much headroom the codec leaves. Figures, not assertions.
"""

from __future__ import annotations

import statistics
import time

from massage_ctl.protocol import (
    DeviceState,
    FaultBits,
    FrameDecoder,
    Message,
    PatternCode,
    Setpoint,
    SetpointEntry,
    Status,
    decode_frame,
    encode_frame,
)

RUNS = 7
N = 5000
SERIAL_BYTES_PER_S = 115200 / 10
BLE_FRAMES_PER_S = 20


def _rate(fn: object, n: int) -> float:
    assert callable(fn)
    t0 = time.perf_counter()
    fn()
    return n / (time.perf_counter() - t0)


def bench(name: str, message: Message) -> None:
    """Print round-trip and streaming-decode throughput for ``message``."""
    wire = encode_frame(message, 1)

    def round_trip() -> None:
        for seq in range(N):
            decode_frame(encode_frame(message, seq))

    stream = wire * N

    def streaming() -> None:
        FrameDecoder().feed(stream)

    rt = statistics.median(_rate(round_trip, N) for _ in range(RUNS))
    st = statistics.median(_rate(streaming, N) for _ in range(RUNS))
    serial = SERIAL_BYTES_PER_S / len(wire)
    print(
        f"{name:<26} {len(wire):>4} B  encode+decode {rt:>9,.0f} frames/s  "
        f"stream-decode {st:>9,.0f} frames/s  | 115200 baud carries {serial:>6,.0f}/s "
        f"(codec {rt / serial:>5.1f}x)  "
        f"BLE {BLE_FRAMES_PER_S}/s (codec {rt / BLE_FRAMES_PER_S:,.0f}x)"
    )


def main() -> None:
    """Run the benchmarks."""
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


if __name__ == "__main__":
    main()
