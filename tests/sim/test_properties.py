"""Hypothesis: whatever the controller sends (or fails to send), the outputs stay safe.

For random sequences of setpoints (also absurd targets), STOP, CLEAR, new sessions and
silences, on every profile: no output ever exceeds its hard_max or goes below its min, no output
ever rises faster than its ramp limit, and while running none falls faster either (only a
STOP, a lost link or a fault may cut outputs faster).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import Driver

EPS = 1e-6

setpoint = st.tuples(
    st.just("set"),
    st.integers(0, 40),  # channel index (taken modulo the channel count)
    # target as a fraction of the range max (outside it on purpose, and often at the top)
    st.one_of(st.floats(-0.5, 1.5), st.sampled_from([1.0, 1.5])),
    st.integers(0, 5000),  # ramp_ms
)
other = st.sampled_from(
    [("stop",), ("clear",), ("start",), ("end",), ("silence",), ("wait",), ("reset",)]
)
ops = st.lists(st.one_of(setpoint, other, st.just(("wait",))), min_size=1, max_size=40)


def _apply(d: Driver, op: tuple[object, ...]) -> None:
    kind = str(op[0])
    if kind == "set":
        _, ch, frac, ramp = op
        assert isinstance(ch, int) and isinstance(frac, float) and isinstance(ramp, int)
        d.command(kind, ch, frac, ramp)
    else:
        d.command(kind)
    seconds = {"silence": 1.5, "wait": 5.0}.get(str(kind), 0.3)
    d.run(seconds, heartbeat=kind != "silence", step=0.05)


@settings(max_examples=60, deadline=None)
@given(profile=st.sampled_from(["chair", "bed", "pad"]), script=ops)
def test_outputs_stay_within_hard_limits_and_ramp_limits(
    profile: str, script: list[tuple[object, ...]]
) -> None:
    d = Driver(profile)
    d.start()
    for op in script:
        _apply(d, op)
    specs = [c.spec for c in d.core.channels]
    samples = d.core.record.samples
    for a, b in itertools.pairwise(samples):
        dt = b.t_s - a.t_s
        for spec, va, vb in zip(specs, a.values, b.values, strict=True):
            assert spec.min - EPS <= vb <= spec.hard_max + EPS, (spec.id, vb)
            limit = spec.max_ramp_per_s * dt + EPS
            assert vb - va <= limit, (spec.id, a, b)
            if a.state == b.state == "running":
                assert va - vb <= limit, (spec.id, a, b)
