"""Play a 30-minute program on ``sim://chair?speed=max`` (codec + simulator); wall time.

Run: ``python benchmarks/bench_play_speedmax.py [runs] [--minutes 30]``. Target (CONTRACTS §7):
a 30-minute program in ≤ 1 s. The program is the built-in ``swedish-full-back`` fitted to
``--minutes`` (as ``massage-ctl run --minutes``).

Baseline, measured in the same run: the *floor* — only what the protocol makes every session
do, with nothing else. Every 100 ms of virtual time, two asyncio timers (the controller's
heartbeat and the device's STATUS tick, as in a session) each encode their frame with the
codec's fastest path and decode it on the other side through a ``FrameDecoder``: a HEARTBEAT
and a STATUS of the chair's channel count (PROTOCOL.md: heartbeat every 100 ms, status at
10 Hz). No simulator physics, no link logic, no player or guard. The session's figure over the
floor says what the rest costs on this machine, independently of how fast the machine is.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from massage_ctl.clock import new_event_loop
from massage_ctl.compiler import compile_program
from massage_ctl.devices.registry import load_device_profile
from massage_ctl.player import Session
from massage_ctl.program import load_program
from massage_ctl.protocol.shortcuts import (
    encode_heartbeat,
    encode_status,
    read_heartbeat,
    read_status,
)
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.safety import STANDARD

PERIOD_S = 0.1  # heartbeat period and STATUS period (PROTOCOL.md)


def one_run(minutes: float = 30.0) -> tuple[float, float, float, str]:
    """(wall s, CPU s, simulated s, outcome) of one session."""
    program = load_program("swedish-full-back")
    session = Session(
        "sim://chair?speed=max",
        lambda p: compile_program(program, p, STANDARD, minutes=minutes),
        STANDARD,
    )
    loop = new_event_loop(None)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        result = loop.run_until_complete(session.run())
        return time.perf_counter() - t0, time.process_time() - c0, loop.time(), result.outcome
    finally:
        loop.close()


def floor_run(simulated_s: float, channels: int) -> float:
    """Wall seconds for the floor (module doc) over ``simulated_s`` of virtual time."""
    periods = round(simulated_s / PERIOD_S)
    loop = new_event_loop(None)
    done: asyncio.Future[None] = loop.create_future()
    to_device, to_controller = FrameDecoder(), FrameDecoder()
    values = list(range(1000, 1000 + channels))
    count = {"heartbeat": 0, "status": 0}

    def heartbeat() -> None:
        n = count["heartbeat"] = count["heartbeat"] + 1
        for item in to_device.feed_with(encode_heartbeat(n & 0xFFFF, False), read_heartbeat):
            assert isinstance(item, tuple), item
        if n < periods:
            loop.call_at(loop.time() + PERIOD_S, heartbeat)
        else:
            done.set_result(None)

    def status() -> None:
        n = count["status"] = count["status"] + 1
        values[n % channels] = n & 0xFFFF  # a channel or two move per tick, as in a session
        data = encode_status(n & 0xFFFF, 1, 0, n & 0xFFFF, tuple(values))
        assert data is not None
        for item in to_controller.feed_with(data, read_status):
            assert isinstance(item, tuple), item
        if n < periods:
            loop.call_at(loop.time() + PERIOD_S, status)

    loop.call_at(PERIOD_S, heartbeat)
    loop.call_at(PERIOD_S, status)
    try:
        t0 = time.perf_counter()
        loop.run_until_complete(done)
        return time.perf_counter() - t0
    finally:
        loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("runs", nargs="?", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    channels = len(load_device_profile("chair").channels)
    walls, cpus, floors = [], [], []
    for _ in range(args.runs):
        wall, cpu, simulated, outcome = one_run(args.minutes)
        floor = floor_run(simulated, channels)
        walls.append(wall)
        cpus.append(cpu)
        floors.append(floor)
        print(f"  run: {wall:.3f} s wall, {cpu:.3f} s CPU for {simulated / 60:.1f} simulated min "
              f"({outcome}); floor {floor:.3f} s")
    wall, floor = statistics.median(walls), statistics.median(floors)
    # CPU time is the steadier figure on a shared machine; wall time is what CONTRACTS §7 names.
    print(f"play {args.minutes:g}-min program at speed=max: median {wall:.3f} s "
          f"(CPU {statistics.median(cpus):.3f} s) over {args.runs} runs (target ≤ 1 s for 30 min)")
    print(f"floor (2 timers + heartbeat and {channels}-channel STATUS encode/decode per 100 ms, "
          f"nothing else): median {floor:.3f} s; session = {wall / floor:.2f}× the floor, "
          f"{wall - floor:.3f} s above it")


if __name__ == "__main__":
    main()
