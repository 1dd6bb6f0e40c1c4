"""Handshake time and STOP latency of a board on a serial port, measured from the controller.

    python firmware_protocol/targets/measure_timing.py /dev/pts/N [--rounds 20]

Start the board first (``make -C firmware_protocol/targets/avr-mega2560 run`` or
``make -C firmware_protocol/targets/cortex-m3 run``; real hardware works too). Per round:
HELLO → its ACK (the handshake: DEVICE_INFO and every CHANNEL_INFO come before the ACK), then
CLEAR, SESSION_START, one channel ramped up under heartbeats, then STOP → the first STATUS
that says STOPPED. Times are wall-clock on this host, so they include the pty, the emulator
and the firmware; figures are printed as median / 95th percentile / worst.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import serial

from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Ack,
    Clear,
    DeviceState,
    FrameDecoder,
    FrameError,
    Heartbeat,
    Hello,
    Message,
    PatternCode,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
    Stop,
    encode_frame,
)


class Port:
    """The board's serial port with our codec on top."""

    def __init__(self, path: str) -> None:
        self.serial = serial.Serial(path, 115200, timeout=0.002)
        self.decoder = FrameDecoder()
        self.seq = 0

    def send(self, message: Message) -> int:
        """Send one frame with the next sequence number; returns that number."""
        self.seq = (self.seq + 1) & 0xFFFF
        self.serial.write(encode_frame(message, self.seq))
        self.serial.flush()
        return self.seq

    def wait(self, match: Callable[[Message], bool], timeout_s: float, beat: bool) -> float:
        """Read until ``match`` accepts a message; returns when (monotonic seconds)."""
        deadline = time.monotonic() + timeout_s
        next_beat = time.monotonic()
        while time.monotonic() < deadline:
            if beat and time.monotonic() >= next_beat:
                self.send(Heartbeat(stop_requested=False))
                next_beat += 0.1
            for item in self.decoder.feed(self.serial.read(4096)):
                if not isinstance(item, FrameError) and match(item.message):
                    return time.monotonic()
        raise TimeoutError(f"no answer within {timeout_s} s")

    def request(self, message: Message, timeout_s: float = 3.0) -> float:
        """Send an acknowledged command; seconds until its ACK."""
        sent = time.monotonic()
        seq = self.send(message)
        got = self.wait(lambda m: isinstance(m, Ack) and m.acked_seq == seq, timeout_s, True)
        return got - sent


def one_round(port: Port) -> tuple[float, float]:
    """(handshake seconds, STOP latency seconds) for one session."""
    handshake = port.request(Hello(PROTOCOL_VERSION, SCHEMA_HASH))
    port.request(Clear())
    port.request(SessionStart(500))
    up = SetpointEntry(channel=0, target=0x8000, ramp_ms=0, pattern=PatternCode.STEADY, rate_chz=0)
    port.send(Setpoint((up,)))
    port.wait(lambda m: isinstance(m, Status) and m.values[0] > 0, 3.0, beat=True)
    sent = time.monotonic()
    port.send(Stop())
    stopped = port.wait(
        lambda m: isinstance(m, Status) and m.state == DeviceState.STOPPED, 3.0, beat=False
    )
    return handshake, stopped - sent


def summary(values_s: list[float]) -> str:
    """'median / p95 / worst' in milliseconds."""
    ms = sorted(v * 1000 for v in values_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{statistics.median(ms):.1f} / {p95:.1f} / {ms[-1]:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit 1 when the board does not answer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", help="the board's serial port, e.g. /dev/pts/5")
    parser.add_argument("--rounds", type=int, default=20, help="sessions to measure")
    args = parser.parse_args(argv)
    try:
        port = Port(args.port)
        rounds = [one_round(port) for _ in range(args.rounds)]
    except (OSError, TimeoutError) as err:
        print(f"measure_timing: {args.port}: {err}", file=sys.stderr)
        return 1
    print(f"{args.rounds} rounds on {args.port} (median / p95 / worst)")
    print(f"  handshake (HELLO -> ACK, whole channel table): {summary([r[0] for r in rounds])}")
    print(f"  STOP -> STATUS STOPPED:                        {summary([r[1] for r in rounds])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
