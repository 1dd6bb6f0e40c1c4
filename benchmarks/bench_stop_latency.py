"""STOP latency over a pseudo terminal with the link saturated (docs/CONTRACTS.md §7: p99 ≤ 5 ms).

Run: ``python benchmarks/bench_stop_latency.py [--trials 200] [--baud 115200|0] [--profile chair]``.

Two processes, as with real hardware: a child process serves an in-process ``SimDevice`` on a
pty it opens itself (``os.openpty``) and timestamps the device side; this process drives
massage_ctl's real :class:`~massage_ctl.link.Link` over ``serial:///dev/pts/N?baud=115200``.
Both use ``time.monotonic()`` (CLOCK_MONOTONIC is system-wide on Linux, so the stamps compare).

Per trial: start a session, saturate the link (every channel re-submitted every 5 ms, so the
writer has a SETPOINT frame ready whenever the device's frame budget allows one), wait a
random 50–250 ms, then call ``link.stop()``. Measured from the ``stop()`` call to:

* ``sent``    — the link hands the three STOP frames to the transport (controller software);
* ``arrive``  — the device process reads the first STOP bytes from its end of the pty (adds
  the OS and the device process getting scheduled);
* ``act``     — the device UART has received them and the device acts (wire + queue);
* ``report``  — the device emits a STATUS: stopped, every non-position output zero (roller
  position channels stop where they are, by design) — **the docs/CONTRACTS.md §7 figure**;
* ``confirm`` — ``stop()`` returns True (that STATUS crossed back and was decoded).

A pty moves bytes at memory speed whatever baud is set, so by default the device side emulates
a 115200-baud UART in both directions (``--baud 115200``): received bytes are handed to the
device frame by frame, each once its 10 bit times per byte have elapsed behind everything
already on the wire (a UART delivers bytes one after the other, so the device can act on the
first of the three STOP copies before the other two arrive), and sent bytes likewise.
``--baud 0`` measures the bare pty (software only). Prints figures; no assertions; exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import time
import tty
from typing import Any

from massage_ctl.devices import load_device_profile
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import DeviceState, FaultBits, StopReason
from massage_ctl.protocol.handshake import setpoint_entry_for
from massage_ctl.protocol.messages import Setpoint, Status, Stop
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.transports import open_transport

SATURATE_EVERY_S = 0.005


# ------------------------------------------------------------------------- device process
async def serve_device(profile_name: str, baud: int) -> dict[str, Any]:
    """Serve a SimDevice on a new pty (path printed first on stdout) until stdin closes.

    Returns the device-side timestamps: ``stops`` = [arrive, act, report] per STOP that hit a
    running device; ``setpoints`` = [arrive, raw target of entry 0] per SETPOINT frame.
    """
    from massage_sim.device import SimDevice  # the controller process does not need it

    loop = asyncio.get_running_loop()
    device = SimDevice(profile_name)
    position = {i for i, c in enumerate(device.profile.channels) if c.kind == "position"}
    master, slave = os.openpty()
    tty.setraw(slave)
    os.set_blocking(master, False)
    byte_s = 10.0 / baud if baud else 0.0  # 8N1: start + 8 data + stop bits
    wire = {"rx_free": 0.0, "tx_free": 0.0}
    stops: list[list[float]] = []
    setpoints: list[list[float]] = []
    armed = [False]  # a running device was seen: the next stopped+zero STATUS is a trial
    current = [0.0, 0.0]  # arrive / act time of the chunk being handled
    in_decoder, out_decoder = FrameDecoder(), FrameDecoder()

    def act(data: bytes, arrived: float) -> None:
        current[:] = [arrived, time.monotonic()]
        device.receive(data)

    def on_readable() -> None:
        try:
            data = os.read(master, 4096)
        except OSError:
            return  # EIO while no client holds the line open
        arrived = time.monotonic()
        for item in in_decoder.feed(data):
            if not isinstance(item, Exception) and isinstance(item.message, Setpoint):
                setpoints.append([arrived, item.message.entries[0].target])
        if byte_s:
            # A UART hands over byte by byte: each frame is acted on once its own last byte
            # (the 0x00 delimiter) has arrived, not when the whole write has.
            free = max(wire["rx_free"], loop.time())
            for piece in re.findall(rb"[^\x00]*\x00|[^\x00]+$", data):
                free += len(piece) * byte_s
                loop.call_at(free, act, piece, arrived)
            wire["rx_free"] = free
        else:
            act(data, arrived)

    def emit(data: bytes) -> None:
        with contextlib.suppress(OSError):  # a UART whose receiver does not read loses bytes
            os.write(master, data)

    def output(data: bytes) -> None:
        for item in out_decoder.feed(data):
            msg = None if isinstance(item, Exception) else item.message
            if not isinstance(msg, Status):
                continue
            if msg.state == DeviceState.RUNNING:
                armed[0] = True
            elif armed[0] and msg.state == DeviceState.STOPPED and all(
                v == 0 for i, v in enumerate(msg.values) if i not in position
            ):
                armed[0] = False
                stops.append([current[0], current[1], time.monotonic()])
        if byte_s:
            wire["tx_free"] = max(wire["tx_free"], loop.time()) + len(data) * byte_s
            loop.call_at(wire["tx_free"], emit, data)
        else:
            emit(data)

    device.set_output(output)
    loop.add_reader(master, on_readable)
    eof = asyncio.Event()

    def on_stdin() -> None:
        if not os.read(sys.stdin.fileno(), 64):
            eof.set()  # the controller closed our stdin: time to report

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await device.start()
    print(os.ttyname(slave), flush=True)
    await eof.wait()
    loop.remove_reader(master)
    await device.close()
    os.close(master)
    os.close(slave)
    return {"stops": stops, "setpoints": setpoints}


def device_main(profile_name: str, baud: int) -> None:
    """Entry point of the child process: serve, then print the timestamps as JSON."""
    result = asyncio.run(serve_device(profile_name, baud))
    print(json.dumps(result), flush=True)


class DeviceProcess:
    """The device child process: ``path`` is its pty; :meth:`finish` returns its timestamps."""

    def __init__(self, script: str, profile_name: str, baud: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, script, "--serve-device", "--profile", profile_name,
             "--baud", str(baud)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.path = self.proc.stdout.readline().strip()
        if not self.path.startswith("/dev/"):
            self.proc.kill()
            raise SystemExit(f"device process did not start (got {self.path!r})")

    def finish(self) -> dict[str, Any]:
        """Close the child's stdin (its signal to stop) and read its JSON."""
        out, _ = self.proc.communicate(timeout=30)
        data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return data


# --------------------------------------------------------------------- controller process
async def saturate(link: Link, channels: list[str], rng: random.Random) -> None:
    """Re-submit every channel every 5 ms: the writer always has a frame waiting."""
    while True:
        for cid in channels:
            link.submit(ChannelSetpoint(cid, rng.uniform(0.2, 0.6), 0))
        await asyncio.sleep(SATURATE_EVERY_S)


async def run_trials(path: str, trials: int, seed: int) -> tuple[list[list[float]], int]:
    """Connect over the pty and run the trials; returns [t_call, t_confirm, t_sent] per trial and
    how many stop() calls were not confirmed."""
    rng = random.Random(seed)
    transport = open_transport(f"serial://{path}?baud=115200")
    await transport.open()
    writes: list[float] = []
    real_write = transport.write

    async def stamped_write(data: bytes) -> None:
        writes.append(time.monotonic())
        await real_write(data)

    transport.write = stamped_write  # type: ignore[method-assign]
    link = Link(transport)
    profile = await link.connect()
    channels = [c.id for c in profile.channels if c.kind != "heat"]
    # heat is a setpoint in °C: drive it at a warm, legal value rather than a fraction
    heat = [c.id for c in profile.channels if c.kind == "heat"]
    stamps: list[list[float]] = []
    unconfirmed = 0
    try:
        for _ in range(trials):
            await link.start_session()
            for cid in heat:
                link.submit(ChannelSetpoint(cid, 38.0, 0))
            pump = asyncio.get_running_loop().create_task(saturate(link, channels, rng))
            await asyncio.sleep(rng.uniform(0.05, 0.25))
            t_call = time.monotonic()
            confirmed = await link.stop()
            t_confirm = time.monotonic()
            t_sent = next((t for t in writes[-8:] if t >= t_call), math.nan)
            stamps.append([t_call, t_confirm, t_sent])
            unconfirmed += not confirmed
            pump.cancel()
    finally:
        await link.close()
        await transport.close()
    return stamps, unconfirmed


# ------------------------------------------------------------------------------ reporting
def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def line(label: str, ms: list[float]) -> str:
    """One figures line: p50 / p90 / p99 / max in milliseconds."""
    return (f"  {label:<9} p50 {statistics.median(ms):6.2f}  p90 {pct(ms, 0.90):6.2f}  "
            f"p99 {pct(ms, 0.99):6.2f}  max {max(ms):6.2f} ms")


def wire_floor(profile_name: str, baud: int) -> tuple[float, float, float]:
    """(one STOP frame, the longest SETPOINT frame, one STATUS frame) on the wire, in ms."""
    profile = load_device_profile(profile_name)
    byte_ms = 10_000.0 / baud
    stop = len(encode_frame(Stop(StopReason.USER), 0xFFFF))
    longest = max(
        len(encode_frame(Setpoint((setpoint_entry_for(
            i, c, c.hard_max, ramp_ms=60_000, pattern="steady", rate_hz=0.0),)), 0xFFFF))
        for i, c in enumerate(profile.channels)
    )
    values = tuple([0xFFFF] * len(profile.channels))
    status = len(encode_frame(Status(DeviceState.STOPPED, FaultBits(0), 0xFFFF, values), 0xFFFF))
    return stop * byte_ms, longest * byte_ms, status * byte_ms


def report(stamps: list[list[float]], device: dict[str, Any], unconfirmed: int,
           profile_name: str, baud: int) -> None:
    """Print the figures."""
    stops = device["stops"]
    if len(stops) != len(stamps):
        print(f"warning: {len(stamps)} stop() calls but {len(stops)} device-side stops; "
              f"matching the first {min(len(stops), len(stamps))} in order")
    pairs = list(zip(stamps, stops, strict=False))
    sent = [(c[2] - c[0]) * 1000 for c, _ in pairs if not math.isnan(c[2])]
    arrive = [(d[0] - c[0]) * 1000 for c, d in pairs]
    acted = [(d[1] - c[0]) * 1000 for c, d in pairs]
    rep = [(d[2] - c[0]) * 1000 for c, d in pairs]
    confirm = [(c[1] - c[0]) * 1000 for c, _ in pairs]
    stop_ms, full_ms, status_ms = wire_floor(profile_name, baud or 115200)
    wire = f"emulated {baud} baud UART" if baud else "bare pty (no UART emulation)"
    print(f"STOP latency, {len(pairs)} trials, sim {profile_name} over a pty, {wire}, "
          f"link saturated ({unconfirmed} stop() calls unconfirmed)")
    print(line("sent", sent))
    print(line("arrive", arrive))
    print(line("act", acted))
    print(line("report", rep) + "   <- docs/CONTRACTS.md §7: p99 ≤ 5 ms")
    print(line("confirm", confirm))
    print(f"  wire-time floor at {baud or 115200} baud: STOP frame {stop_ms:.2f} ms; "
          f"a SETPOINT frame (one channel) already on the wire adds up to {full_ms:.2f} ms; "
          f"the STATUS back {status_ms:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--baud", type=int, default=115200, help="UART to emulate; 0 = none")
    parser.add_argument("--profile", default="chair")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve-device", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_device:
        device_main(args.profile, args.baud)
        return
    child = DeviceProcess(__file__, args.profile, args.baud)
    try:
        stamps, unconfirmed = asyncio.run(run_trials(child.path, args.trials, args.seed))
    finally:
        device = child.finish()
    report(stamps, device, unconfirmed, args.profile, args.baud)


if __name__ == "__main__":
    main()
