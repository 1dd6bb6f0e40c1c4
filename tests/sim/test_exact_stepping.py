"""The device steps its physics only when observed: one long step must equal many short ones.

The air-cell lag and pad temperature are solved in closed form along the piecewise linear drive
(``massage_sim.exact``), so a device observed at 10 Hz (or at a command every few seconds) shows
exactly what a finely stepped one shows, and fault instants (watchdog, over-temperature trip,
stuck channel) do not depend on how often anyone looks.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol.enums import DeviceState, FaultBits
from massage_sim.channels import AIR_TAU_S, HEAT_TAU_S, STUCK_DETECT_S
from massage_sim.exact import first_order_follow
from massage_sim.faults import FaultPlan

from .helpers import Driver

Seen = tuple[str, tuple[float, ...], tuple[float, ...], int]
Script = list[tuple[str, int, float, int, float]]

command = st.tuples(
    st.sampled_from(["set", "set", "set", "stop", "clear", "start", "end", "silence"]),
    st.integers(0, 40),  # channel index (modulo the channel count)
    st.floats(-0.2, 1.2),  # target as a fraction of the range max
    st.integers(0, 4000),  # ramp_ms
    st.floats(0.05, 3.0),  # seconds until the next command
)


def _play(d: Driver, script: Script, step: float) -> list[Seen]:
    """Apply ``script``; observe between commands every ``step`` s. Returns what was seen at
    each command: (state, actual values, pad temperatures, fault bits)."""
    seen: list[Seen] = []
    core = d.core
    for kind, ch, frac, ramp, wait in script:
        d.command(kind, ch, frac, ramp)
        d.run(wait, heartbeat=kind != "silence", step=step)
        sample = core.sample(d.now)
        seen.append((sample.state, sample.values, sample.temps_c, sample.faults))
    return seen


def _assert_same(coarse: list[Seen], fine: list[Seen]) -> None:
    for a, b in zip(coarse, fine, strict=True):
        assert a[0] == b[0] and a[3] == b[3]
        assert a[1] == pytest.approx(b[1], abs=1e-9)
        assert a[2] == pytest.approx(b[2], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(profile=st.sampled_from(["chair", "bed", "pad"]), script=st.lists(command, max_size=12))
def test_observing_rarely_shows_what_fine_stepping_shows(profile: str, script: Script) -> None:
    coarse, fine = Driver(profile), Driver(profile)
    coarse.start()
    fine.start()
    # Coarse: heartbeats and samples every 0.1 s (the device's STATUS rate); fine: every 5 ms.
    _assert_same(_play(coarse, script, 0.1), _play(fine, script, 0.005))


def test_heat_ramp_across_ambient_equals_fine_stepping() -> None:
    coarse, fine = Driver("chair"), Driver("chair")
    for d in (coarse, fine):
        d.start(watchdog_ms=2000)
        d.set("heat.lower-back", 40.0, ramp_ms=0)  # ramps 0 → 40 °C at 0.1 °C/s, past 25 °C
    fine.run(420.0, step=0.01)
    # Coarse: heartbeats only (they do not step the physics), one look a minute.
    for second in range(1, 421):
        coarse.now = float(second)
        coarse.core.heartbeat(coarse.now, coarse.next_seq())
        if second % 60 == 0:
            coarse.core.sample(coarse.now)
    assert len(coarse.core.record.samples) < 20 < len(fine.core.record.samples)
    hot = "heat.lower-back"
    assert coarse.core.temperatures_c()[hot] == pytest.approx(fine.core.temperatures_c()[hot])
    assert coarse.value(hot) == pytest.approx(fine.value(hot))


def _euler(y: float, drive0: float, slope: float, t: float, tau: float) -> float:
    """An independent reference: explicit Euler of dy/dt = (drive - y) / tau, tiny steps."""
    n = 20_000
    dt = t / n
    for i in range(n):
        y += (drive0 + slope * i * dt - y) * dt / tau
    return y


@pytest.mark.parametrize(
    ("y0", "drive0", "slope", "t", "tau"),
    [
        (0.0, 0.0, 0.2, 2.0, AIR_TAU_S),  # an air cell filling behind its ramp
        (0.6, 0.5, -0.2, 1.5, AIR_TAU_S),  # emptying
        (25.0, 30.0, 0.1, 120.0, HEAT_TAU_S),  # a pad warming behind its heater ramp
        (44.0, 75.0, 0.0, 30.0, HEAT_TAU_S),  # a runaway heater
    ],
)
def test_closed_form_lag_matches_integrating_the_equation(
    y0: float, drive0: float, slope: float, t: float, tau: float
) -> None:
    expected = _euler(y0, drive0, slope, t, tau)
    assert first_order_follow(y0, drive0, slope, t, tau) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("step", [0.05, 1.0, 5.0])
def test_overtemperature_trips_at_the_same_instant_however_often_the_device_is_observed(
    step: float,
) -> None:
    d = Driver("chair", FaultPlan(overtemp_at_s=5.0))
    d.start(watchdog_ms=2000)
    d.set("heat.lower-back", 38.0, ramp_ms=0)
    d.run(200.0, step=step)
    assert d.core.state == DeviceState.FAULT
    assert d.core.fault_bits & FaultBits.OVER_TEMPERATURE
    trip = d.core.record.events_of("fault")[0]
    # The pad warmed from (nearly) ambient toward 75 °C from t = 5 s; hard_max 42 + 2 °C margin.
    spec = d.core.channels[d.core.index["heat.lower-back"]].spec
    warm_at_5s = first_order_follow(25.0, 25.0, 0.0, 5.0, HEAT_TAU_S)  # heater still at ambient
    expected = 5.0 + HEAT_TAU_S * math.log((75.0 - warm_at_5s) / (75.0 - spec.hard_max - 2.0))
    assert trip.t_s == pytest.approx(expected, abs=1e-3)
    assert all(v == 0.0 for v in d.force_values())


@pytest.mark.parametrize("step", [0.03, 0.4, 1.0])
def test_stuck_channel_fault_comes_half_a_second_after_the_mismatch_is_seen(step: float) -> None:
    d = Driver("pad", FaultPlan.parse("stuck=vib.upper-back@1s"))
    d.start(watchdog_ms=2000)
    d.run(1.5, step=0.1)  # stuck at 0 from t = 1 s
    d.set("vib.mid-back", 0.3, ramp_ms=0)
    d.set("vib.upper-back", 0.5, ramp_ms=0)  # 1.0 per s: off by > 5 % of range after 0.05 s
    seen_at = d.now
    d.run(3.0, step=step)
    assert d.core.state == DeviceState.FAULT
    assert d.core.fault_bits & FaultBits.STUCK_CHANNEL
    fault = d.core.record.events_of("fault")[0]
    # The mismatch shows at the first observation after it exceeds 5 % of range; the fault
    # follows exactly STUCK_DETECT_S later, not at the next observation after that.
    first_look = seen_at + step * math.ceil(0.05 / step + 1e-9)
    assert fault.t_s == pytest.approx(first_look + STUCK_DETECT_S, abs=1e-3)
    assert d.value("vib.mid-back") == 0.0
