"""Safety invariants over random valid programs and random options (hypothesis).

Checked independently of the compiler's own self-check, with ``timeline.value_at`` semantics:
caps, ramp rate judged from the value each channel actually has, zero at start and end,
session length, sorting, frame budget, and sustained holds on pressure channels.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import Program
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.safety.checks import longest_hold_ms
from massage_ctl.timeline import Timeline, value_at
from massage_ctl.zones import ZONES

DEVICES = {name: load_device_profile(name) for name in ("chair", "bed", "pad")}
EPS = 1e-6

zones = st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True)
sided = st.lists(
    st.sampled_from(["lower-back.left", "lower-back.right", "hips.left", "shoulders.right",
                     "mid-back", "upper-back", "neck"]),
    min_size=1, max_size=2, unique=True,
)
secs = st.integers(5, 90).map(lambda s: f"{s}s")
length = st.one_of(
    st.builds(lambda d: {"duration": d}, st.integers(20, 300).map(lambda s: f"{s}s")),
    st.builds(lambda r: {"repeats": r}, st.integers(1, 3)),
)
base = {"intensity": st.floats(0, 1), "tempo": st.sampled_from(["slow", "medium", "fast"])}


def phase(technique: str, zone_st: Any = zones, **params: Any) -> Any:
    return st.builds(
        lambda z, ln, **kw: {"technique": technique, "zones": z, **ln, **kw},
        zone_st, length, **base, **params,
    )


PHASES = st.one_of(
    phase("trigger-point", sided, hold=secs, rest=secs, alternate_sides=st.booleans()),
    phase("swedish", zones, stroke=st.sampled_from(["effleurage", "petrissage", "tapotement"]),
          direction=st.sampled_from(["up", "down", "both"])),
    phase("gentle", zones, stroke_span=st.integers(1, 4)),
    phase("deep-tissue", st.lists(st.sampled_from(ZONES[:6]), min_size=1, max_size=2,
                                  unique=True), hold=secs),
    phase("neuromuscular", zones, hold=secs),
    phase("myofascial", zones),
    phase("acupressure", sided, hold=secs),
    phase("relaxation", zones, mode=st.sampled_from(["rocking", "holding", "vibration",
                                                      "circular"])),
    phase("compression", zones, sequential=st.booleans()),
    phase("sports", zones, stage=st.sampled_from(["pre-activity", "post-activity"])),
    phase("reflexology", st.sampled_from([["feet"], ["feet.left", "feet.right"]]),
          hold=secs, walk_hz=st.floats(0, 2)),
    st.builds(lambda z, c, b, d: {"technique": "heat", "zones": z, "target_c": c,
                                  "background": b, "duration": f"{d}s"},
              zones, st.floats(30, 45), st.booleans(), st.integers(30, 600)),
    st.builds(lambda d: {"technique": "rest", "duration": f"{d}s"}, st.integers(5, 60)),
)


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """Random valid programs (validated by the real model)."""
    data: dict[str, Any] = {
        "id": "random", "name": "Random", "description": "generated",
        "phases": draw(st.lists(PHASES, min_size=1, max_size=5)),
    }
    if draw(st.booleans()):
        data["limits"] = {"max_intensity": draw(st.floats(0.1, 1.0))}
    if draw(st.booleans()):
        data["duration"] = f"{draw(st.integers(3, 40))}m"
    return Program.model_validate(data)


#: Refusals the compiler documents (anything else is a bug).
DOCUMENTED = ("deep-tissue is not allowed", "percussion", "no massage channel at",
              "every zone of this phase is excluded", "too short", "only background phases",
              "nothing of it plays")


def ramp_limit(ch_kind: str, dev_rate: float, safety: SafetyProfile) -> float:
    return dev_rate if ch_kind in ("position", "heat") else min(dev_rate, safety.max_ramp_per_s)


def check(tl: Timeline, device: str, safety: SafetyProfile, scale: float, prog: Program) -> None:
    dev = DEVICES[device]
    times = [c.t_ms for c in tl.commands]
    assert times == sorted(times)
    assert tl.duration_ms <= safety.max_session_min * 60_000
    budget = int(dev.max_frame_rate_hz) - 10
    j = 0
    for i, t in enumerate(times):
        while times[j] < t - 1000:
            j += 1
        assert i - j + 1 <= budget, f"frame budget broken at {t} ms"
    for spec in dev.channels:
        cmds = list(tl.commands_for(spec.id))
        if spec.kind == "heat":
            cap = min(spec.hard_max, safety.heat_max_c)
        elif spec.kind == "position":
            cap = spec.hard_max
        else:
            cap = min(spec.hard_max, safety.max_intensity,
                      prog.limits.max_intensity or 1.0) * scale
        limit = ramp_limit(spec.kind, spec.max_ramp_per_s, safety)
        for k, cmd in enumerate(cmds):
            assert -EPS <= cmd.value <= cap + EPS, (spec.id, cmd)
            actual = value_at(cmds[:k], cmd.t_ms) if k else 0.0
            assert abs(cmd.value - actual) <= limit * cmd.ramp_ms / 1000 + EPS, (spec.id, cmd)
            if cmd.pattern != "steady":
                assert cmd.pattern in spec.patterns
                assert spec.rate_hz[0] <= cmd.rate_hz <= spec.rate_hz[1]
                if not safety.percussion_allowed:
                    assert cmd.pattern != "tap"
                    assert cmd.pattern != "pulse" or cmd.rate_hz <= safety.percussion_pulse_hz
        assert value_at(cmds, 0) == 0.0
        assert value_at(cmds, tl.duration_ms) == 0.0, f"{spec.id} does not end at zero"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prog=programs(),
    device=st.sampled_from(sorted(DEVICES)),
    safety=st.sampled_from([STANDARD, GENTLE]),
    scale=st.floats(0.1, 1.0),
    minutes=st.one_of(st.none(), st.floats(2, 45)),
    exclude=st.lists(st.sampled_from(ZONES), max_size=2, unique=True),
)
def test_safety_invariants(
    prog: Program, device: str, safety: SafetyProfile, scale: float,
    minutes: float | None, exclude: list[str],
) -> None:
    try:
        tl = compile_program(prog, DEVICES[device], safety, intensity=scale, minutes=minutes,
                             exclude=exclude)
    except CompileError as err:
        assert any(d in str(err) for d in DOCUMENTED), str(err)
        event("refused: " + next(d for d in DOCUMENTED if d in str(err)))
        return
    event("compiled")
    check(tl, device, safety, scale, prog)
    for spec in DEVICES[device].channels:
        if spec.kind == "pressure":
            cmds = list(tl.commands_for(spec.id))
            hold = longest_hold_ms(cmds, safety.hold_threshold, tl.duration_ms)
            assert hold <= safety.max_hold_s * 1000, (spec.id, hold)
