"""Physics of the simulated outputs: ramps, air lag, roller speed, heat, hard limits."""

from __future__ import annotations

import pytest

from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits
from massage_sim.channels import AIR_TAU_S, OVERTEMP_MARGIN_C
from massage_sim.device_core import SetpointRequest
from massage_sim.faults import FaultPlan

from .helpers import Driver


def test_vibration_ramps_linearly_over_the_commanded_time() -> None:
    d = Driver("pad")
    d.start()
    d.set("vib.upper-back", 0.6, ramp_ms=2000)
    d.run(1.0)
    assert d.value("vib.upper-back") == pytest.approx(0.3, abs=1e-6)
    d.run(1.0)
    assert d.value("vib.upper-back") == pytest.approx(0.6, abs=1e-6)
    d.run(1.0)
    assert d.value("vib.upper-back") == pytest.approx(0.6, abs=1e-6)


def test_a_jump_command_is_slowed_to_the_channel_ramp_limit() -> None:
    d = Driver("chair")
    d.start()
    d.set("roller.knead", 0.9, ramp_ms=0)  # max_ramp_per_s = 0.5
    d.run(1.0)
    assert d.value("roller.knead") == pytest.approx(0.5, abs=1e-6)


def test_air_cell_lags_behind_its_drive_and_settles() -> None:
    d = Driver("chair")
    d.start()
    d.set("air.neck", 0.5, ramp_ms=1000)
    d.run(1.0)
    envelope = d.core.channels[d.core.index["air.neck"]].envelope
    assert envelope == pytest.approx(0.5)
    assert 0.05 < d.value("air.neck") < 0.45  # still filling
    d.run(8 * AIR_TAU_S)
    assert d.value("air.neck") == pytest.approx(0.5, abs=0.01)


def test_roller_carriage_moves_no_faster_than_its_top_speed() -> None:
    d = Driver("bed")
    d.start()
    d.set("roller.position", 1.0, ramp_ms=100)  # bed roller top speed 0.12 per s
    d.run(2.0)
    assert d.value("roller.position") == pytest.approx(0.24, abs=1e-6)


def test_heat_pad_warms_slowly_toward_its_setpoint() -> None:
    d = Driver("chair")
    d.start(watchdog_ms=2000)
    d.set("heat.lower-back", 40.0, ramp_ms=400_000)  # 0.1 °C/s is the limit anyway
    d.run(60.0, step=0.5)
    temp_1min = d.core.temperatures_c()["heat.lower-back"]
    assert 25.0 <= temp_1min < 30.0
    d.run(600.0, step=1.0)
    temp_11min = d.core.temperatures_c()["heat.lower-back"]
    assert 36.0 < temp_11min < 40.0 + 1e-6


def test_targets_above_hard_max_are_clamped_and_reported() -> None:
    d = Driver("chair")
    d.start()
    index = d.core.index["air.neck"]  # hard_max 0.9
    replies = d.core.setpoint(d.now, d.next_seq(), [SetpointRequest(index, 1.0, 0)])
    assert [r.result for r in replies] == [AckResult.CLAMPED]
    d.run(10.0)
    assert d.value("air.neck") == pytest.approx(0.9, abs=1e-3)
    assert max(v for _, v in d.core.record.series("air.neck")) <= 0.9


def test_heat_setpoint_above_hard_max_never_drives_the_pad_past_it() -> None:
    d = Driver("chair")
    d.start(watchdog_ms=2000)
    d.set("heat.lower-back", 45.0, ramp_ms=0)
    d.run(1800.0, step=1.0)
    assert d.value("heat.lower-back") == pytest.approx(42.0)
    assert d.core.temperatures_c()["heat.lower-back"] <= 42.0
    assert d.core.state == DeviceState.RUNNING


def test_overtemperature_cuts_out_heat_and_everything_else() -> None:
    d = Driver("chair", FaultPlan(overtemp_at_s=5.0))
    d.start(watchdog_ms=2000)
    d.set("seat.vibration", 0.5, ramp_ms=0)
    d.set("heat.lower-back", 38.0, ramp_ms=0)
    for _ in range(400):  # until the cut-out trips (at most 200 s)
        d.run(0.5, step=0.5)
        if d.core.state == DeviceState.FAULT:
            break
    assert d.core.state == DeviceState.FAULT
    assert d.core.fault_bits & FaultBits.OVER_TEMPERATURE
    assert all(v == 0.0 for v in d.force_values())
    trip = d.core.record.events_of("fault")[0]
    hottest = max(s.temps_c[0] for s in d.core.record.samples if s.t_s <= trip.t_s)
    assert hottest < 42.0 + OVERTEMP_MARGIN_C + 0.5
    # Still hot: the fault cannot be cleared yet.
    cleared = d.core.clear(d.now, d.next_seq())
    assert cleared is not None and cleared.result == AckResult.LATCHED

def test_the_cut_out_removes_heater_power_so_the_pad_cools() -> None:
    d = Driver("chair", FaultPlan(overtemp_at_s=5.0))
    d.start(watchdog_ms=2000)
    d.set("heat.lower-back", 38.0, ramp_ms=0)
    d.run(200.0, step=0.5)
    trip = d.core.record.events_of("fault")[0]
    at_trip = max(s.temps_c[0] for s in d.core.record.samples if s.t_s <= trip.t_s)
    d.run(600.0, step=1.0)
    later = d.core.temperatures_c()["heat.lower-back"]
    assert later < at_trip - 5.0  # the failed heater no longer drives the pad
    assert d.core.state == DeviceState.FAULT  # still latched until the user clears it


def test_unknown_channel_and_unsupported_pattern_are_rejected() -> None:
    d = Driver("pad")
    d.start()
    replies = d.core.setpoint(
        d.now,
        d.next_seq(),
        [SetpointRequest(99, 0.5, 0), SetpointRequest(0, 0.5, 0, pattern="tap")],
    )
    # One ACK per frame, for the first rejected entry (PROTOCOL.md §5.6).
    assert [(r.result, r.detail) for r in replies] == [(AckResult.BAD_CHANNEL, 99)]
    d.run(1.0)
    assert d.value("vib.upper-back") == 0.0
