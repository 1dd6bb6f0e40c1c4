"""Benchmark: compile a 60-minute program for ``chair`` (CONTRACTS §7: median ≤ 50 ms, linear).

Prints the median of N runs for 15/30/45/60-minute versions of a mixed program, ms per
program-minute, and the 60/15 ratio (≈ 4 means linear). The safety profile used allows 60
minutes so nothing is fitted down. Run: ``python benchmarks/bench_compile.py [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.program import Program
from massage_ctl.safety import STANDARD

BLOCK: list[dict[str, Any]] = [  # 15 minutes of mixed techniques
    {"technique": "swedish", "zones": ["upper-back", "mid-back", "lower-back"],
     "intensity": 0.5, "duration": "4m"},
    {"technique": "trigger-point", "zones": ["lower-back.left", "lower-back.right"],
     "intensity": 0.6, "duration": "4m"},
    {"technique": "swedish", "stroke": "petrissage", "zones": ["shoulders", "upper-back"],
     "intensity": 0.5, "duration": "3m"},
    {"technique": "compression", "zones": ["thighs", "calves", "feet"], "intensity": 0.5,
     "duration": "2m"},
    {"technique": "relaxation", "mode": "rocking", "zones": ["mid-back", "lower-back"],
     "intensity": 0.3, "duration": "2m"},
]


def program(minutes: int) -> Program:
    """A program of ``minutes`` (a multiple of 15) made of repeated mixed blocks."""
    return Program.model_validate(
        {"id": f"bench-{minutes}", "name": "bench", "description": "benchmark",
         "phases": BLOCK * (minutes // 15)}
    )


def median_ms(minutes: int, runs: int) -> tuple[float, int]:
    chair = load_device_profile("chair")
    # Benchmark-only profile: standard limits, but 60 minutes are not fitted down to 30.
    safety = STANDARD.model_copy(update={"id": "bench", "max_session_min": 70.0})
    prog = program(minutes)
    times = []
    commands = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        tl = compile_program(prog, chair, safety)
        times.append((time.perf_counter() - t0) * 1000)
        commands = len(tl.commands)
    return statistics.median(times), commands


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    results = {}
    print(f"compile for chair, median of {runs} runs")
    for minutes in (15, 30, 45, 60):
        ms, n = median_ms(minutes, runs)
        results[minutes] = ms
        print(f"  {minutes:2d} min: {ms:7.2f} ms  {n:5d} commands  {ms / minutes:.3f} ms/min")
    print(f"ratio 60/15: {results[60] / results[15]:.2f} (4.0 = linear)")
    print(f"target: 60-minute median <= 50 ms: {'OK' if results[60] <= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
