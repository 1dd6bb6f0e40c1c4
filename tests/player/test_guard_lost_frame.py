"""A zero the guard lets out is slow enough from wherever the device is (seeds 241, 745, 4207).

A setpoint frame can be lost. The guard's model then believes the channel is ramping to the
lost target while the device holds (or goes on) where it was, and its reports can still look
plausible to the model for a while (the telemetry tolerance, a ramp not yet landed). The next
setpoint — a pause's zero, a re-sent zero — must get a ramp that is safe from the *reported*
value, not from the model's lower estimate (docs/SAFETY.md, layer 2).
"""

from __future__ import annotations

import math

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player import Guard
from massage_ctl.player.guard import PRESSURE_LAG_S
from massage_ctl.safety import GENTLE, STANDARD

PAD = load_device_profile("pad")
CH = "vib.hips"
RATE = 0.2  # standard: full scale per second


def _guard_at(value: float) -> Guard:
    """A pad guard whose hips motor rose to ``value`` and reported it, every 100 ms."""
    guard = Guard(PAD, STANDARD)
    guard.delivery_slack_ms = 120.0
    ramp_ms = round(value / RATE * 1000)
    guard.apply(ChannelSetpoint(CH, value, ramp_ms), 0.0)
    for t in range(100, 3001, 100):
        guard.observe({CH: min(value, RATE * t / 1000.0)}, float(t))
    return guard


def test_a_zero_after_a_lost_zero_ramps_safely_from_the_reported_value() -> None:
    guard = _guard_at(0.3)
    # The timeline's own fade to zero leaves the guard... and is lost: the motor holds 0.3.
    guard.apply(ChannelSetpoint(CH, 0.0, 1500), 3000.0)
    for t in (3100.0, 3200.0, 3300.0):
        guard.observe({CH: 0.3}, t)
    assert not guard.disagrees(CH, 3300.0)  # the reports still look plausible to the model
    # The user pauses: the guard must not cut the ramp to what its model thinks is left.
    out = guard.apply(ChannelSetpoint(CH, 0.0, 0), 3300.0)
    assert out.value == 0.0
    assert out.ramp_ms >= math.ceil(0.3 / RATE * 1000 - 1e-6), out


def test_a_zero_while_the_device_still_rises_allows_for_the_rise_until_it_lands() -> None:
    guard = Guard(PAD, STANDARD)
    guard.delivery_slack_ms = 120.0
    guard.apply(ChannelSetpoint(CH, 0.6, 6000), 0.0)  # 0.1 per second
    for t in range(100, 2001, 100):
        guard.observe({CH: 0.1 * t / 1000.0}, float(t))
    guard.apply(ChannelSetpoint(CH, 0.0, 1000), 2000.0)  # lost: the motor rises on
    guard.observe({CH: 0.21}, 2100.0)
    out = guard.apply(ChannelSetpoint(CH, 0.0, 0), 2100.0)
    # By the time the zero lands (up to the delivery slack later) the motor may be higher
    # still; the ramp must be safe from there.
    assert out.ramp_ms >= math.ceil((0.21 + 0.1 * 0.12) / RATE * 1000 - 1e-6), out


def test_a_settled_channel_still_pauses_at_the_full_safe_rate() -> None:
    # The reports widen the band only where the device may be: a motor holding at 0.3 is
    # brought to zero in exactly the safe ramp, not slower.
    guard = _guard_at(0.3)
    out = guard.apply(ChannelSetpoint(CH, 0.0, 0), 3000.0)
    assert out.ramp_ms == 1500


def test_a_zero_for_a_filling_air_cell_allows_for_its_drive_ahead_of_the_pressure() -> None:
    # Seed 4207: a cell reports its pressure, which trails the drive the device ramps (by rate
    # × 0.8 s in the simulator). A pause's zero judged from the reported pressure was too fast
    # for the drive (0.052/s under gentle's 0.05/s).
    chair = load_device_profile("chair")
    cell = "air.upper-back"
    rate = 0.05
    guard = Guard(chair, GENTLE)
    guard.delivery_slack_ms = 70.0
    guard.apply(ChannelSetpoint(cell, 0.3, 6000), 0.0)
    for t in range(100, 2001, 100):  # the pressure trails the drive by rate × 0.8 s
        guard.observe({cell: max(0.0, rate * (t / 1000.0 - 0.8))}, float(t))
    guard.apply(ChannelSetpoint(cell, 0.0, 6000), 2000.0)  # lost: the cell fills on
    for t in range(2100, 3001, 100):
        guard.observe({cell: rate * (t / 1000.0 - 0.8)}, float(t))
    assert not guard.disagrees(cell, 3000.0)
    out = guard.apply(ChannelSetpoint(cell, 0.0, 0), 3000.0)
    drive_now = rate * 3.0  # the drive, 0.8 s of filling above the reported 0.11
    assert PRESSURE_LAG_S >= 0.8
    assert out.ramp_ms >= math.ceil(drive_now / rate * 1000 - 1e-6), out


def test_a_zero_for_a_filling_air_cell_is_not_held_up_beyond_its_margins() -> None:
    # The other side of the test above: the drive is 3 s into its fill (3.0 s of ramp to
    # undo); the report's age, the delivery slack and the cell's lag may add to that, but a
    # pause must still empty the cell within 4 s, not wait on a lag twice the real one.
    chair = load_device_profile("chair")
    cell = "air.upper-back"
    rate = 0.05
    guard = Guard(chair, GENTLE)
    guard.delivery_slack_ms = 70.0
    guard.apply(ChannelSetpoint(cell, 0.3, 6000), 0.0)
    for t in range(100, 2001, 100):
        guard.observe({cell: max(0.0, rate * (t / 1000.0 - 0.8))}, float(t))
    guard.apply(ChannelSetpoint(cell, 0.0, 6000), 2000.0)  # lost: the cell fills on
    for t in range(2100, 3001, 100):
        guard.observe({cell: rate * (t / 1000.0 - 0.8)}, float(t))
    out = guard.apply(ChannelSetpoint(cell, 0.0, 0), 3000.0)
    assert 3000 <= out.ramp_ms <= 4000, out
