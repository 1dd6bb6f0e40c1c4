"""The reference C device, driven over a pty by our own codec (PROTOCOL.md, issue 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    AckResult,
    ChannelInfo,
    Clear,
    DeviceInfo,
    DeviceState,
    Fault,
    FaultCode,
    Heartbeat,
    Message,
    SessionStart,
    Setpoint,
    Status,
    Stop,
    StopReason,
    device_profile_from_handshake,
    setpoint_entry_for,
)

CDevice = Any  # the conftest class; fixtures hand it over


def statuses(messages: list[Message]) -> list[Status]:
    return [m for m in messages if isinstance(m, Status)]


@pytest.mark.parametrize("profile_id", ["pad", "chair", "bed"])
def test_handshake_describes_exactly_the_shipped_profile(
    c_device_factory: Callable[[str], CDevice], profile_id: str
) -> None:
    device = c_device_factory(profile_id)
    ack = device.hello()
    assert ack.result == AckResult.OK
    info = next(m for m in device.received if isinstance(m, DeviceInfo))
    channels = [m for m in device.received if isinstance(m, ChannelInfo)]
    reported = device_profile_from_handshake(info, channels)
    shipped = load_device_profile(profile_id)
    # The C tables are generated from the TOML files: the device must describe itself exactly
    # as the profile `compile` targets (ids, zones, limits, patterns, rates, reach).
    assert reported.channels == shipped.channels
    assert reported.id == shipped.id
    assert reported.max_frame_rate_hz == shipped.max_frame_rate_hz


def test_setpoints_and_heartbeats_drive_the_outputs(pad: CDevice) -> None:
    ack = pad.start_session(watchdog_ms=500)
    assert ack.result == AckResult.OK
    assert ack.detail == 500
    spec = load_device_profile("pad").channel("vib.mid-back")
    pad.send(Setpoint((setpoint_entry_for(1, spec, 0.5, ramp_ms=300),)))
    got = statuses(pad.keep_alive(1.0))
    last = got[-1]
    assert last.state == DeviceState.RUNNING
    assert abs(last.values[1] - RAW_FULL_SCALE // 2) < 200
    assert last.values[0] == last.values[2] == last.values[3] == 0
    # Status keeps coming at 10 Hz while the session runs.
    assert 6 <= len(got) <= 14
    assert not pad.errors


def test_over_limit_setpoint_is_clamped_by_the_device(
    c_device_factory: Callable[[str], CDevice],
) -> None:
    chair = c_device_factory("chair")
    chair.start_session()
    profile = load_device_profile("chair")
    index = [c.id for c in profile.channels].index("roller.knead")  # hard max 0.95 of 1.0
    spec = profile.channels[index]
    seq = chair.send(Setpoint((setpoint_entry_for(index, spec, 1.0, ramp_ms=100),)))
    ack = chair.wait_ack(seq)
    assert ack.result == AckResult.CLAMPED
    assert ack.detail == index
    got = statuses(chair.keep_alive(2.4))  # 0.95 at 0.5/s takes 1.9 s
    hard_max_raw = round(spec.hard_max / spec.max * RAW_FULL_SCALE)
    assert max(s.values[index] for s in got) <= hard_max_raw + 1
    assert got[-1].values[index] >= hard_max_raw - 70


def test_stop_is_immediate_latched_and_needs_clear_and_start(pad: CDevice) -> None:
    pad.start_session()
    spec = load_device_profile("pad").channel("vib.hips")
    pad.send(Setpoint((setpoint_entry_for(3, spec, 0.8),)))
    pad.keep_alive(0.5)
    # Out of sequence (an old number), as a STOP from another thread of the controller may be.
    stop_seq = pad.send(Stop(StopReason.USER), seq=1)
    stopped = pad.wait_for(
        "STATUS stopped", lambda m: isinstance(m, Status) and m.state == DeviceState.STOPPED
    )
    assert isinstance(stopped, Status)
    assert all(v == 0 for v in stopped.values)
    assert pad.wait_ack(stop_seq).result == AckResult.OK
    # Nothing restarts it: setpoints and a start are refused while latched.
    assert pad.wait_ack(pad.send(Setpoint((setpoint_entry_for(3, spec, 0.8),)))).result == (
        AckResult.LATCHED
    )
    assert pad.wait_ack(pad.send(SessionStart(500))).result == AckResult.LATCHED
    assert all(s.state == DeviceState.STOPPED for s in statuses(pad.keep_alive(0.6)))
    # Explicit clear, then a new start.
    assert pad.wait_ack(pad.send(Clear())).result == AckResult.OK
    assert pad.wait_ack(pad.send(SessionStart(500))).result == AckResult.OK
    assert statuses(pad.keep_alive(0.3))[-1].state == DeviceState.RUNNING


def test_stop_inside_a_heartbeat_stops_too(pad: CDevice) -> None:
    pad.start_session()
    pad.send(Heartbeat(stop_requested=True))
    st = pad.wait_for(
        "STATUS stopped", lambda m: isinstance(m, Status) and m.state == DeviceState.STOPPED
    )
    assert isinstance(st, Status)


def test_watchdog_zeroes_every_output_when_heartbeats_stop(pad: CDevice) -> None:
    pad.start_session(watchdog_ms=500)
    spec = load_device_profile("pad").channel("vib.upper-back")
    entries = tuple(setpoint_entry_for(i, spec, 1.0) for i in range(4))
    pad.send(Setpoint(entries))
    running = statuses(pad.keep_alive(1.3))
    assert all(v > 60000 for v in running[-1].values)
    # The controller goes silent.
    after = pad.listen(2.2)
    lost = statuses(after)[-1]
    assert lost.state == DeviceState.LINK_LOST
    assert all(v == 0 for v in lost.values)
    assert lost.fault_bits & 0x4  # FaultBits.WATCHDOG
    assert any(isinstance(m, Fault) and m.code == FaultCode.WATCHDOG for m in after)

    # Timing, on the device's own clock (its trace, so host scheduling does not blur it): the
    # watchdog never fires before one period without a valid frame, and every output is zero
    # within the period plus 1 s (PROTOCOL.md).
    trace = pad.trace()
    last_rx = max(r["t_ms"] for r in trace if r.get("event") == "rx")
    fired = next(
        r["t_ms"] for r in trace if r.get("event") == "state" and r["detail"] == "link-lost"
    )
    zero = next(
        r["t_ms"]
        for r in trace
        if r.get("state") == "link-lost" and all(v == 0 for v in r["channels"].values())
    )
    assert fired - last_rx >= 500
    assert zero - last_rx <= 500 + 1000
    # The trace has at least 10 samples per second.
    samples = [r["t_ms"] for r in trace if "state" in r]
    assert len(samples) - 1 >= 10 * (samples[-1] - samples[0]) / 1000


def test_link_lost_needs_a_new_handshake_and_start(pad: CDevice) -> None:
    pad.start_session(watchdog_ms=250)
    pad.listen(0.6)
    assert statuses(pad.received)[-1].state == DeviceState.LINK_LOST
    # Without a new HELLO the device will not run again.
    assert pad.wait_ack(pad.send(SessionStart(250))).result == AckResult.LATCHED
    assert pad.wait_ack(pad.send(Clear())).result == AckResult.BAD_STATE
    ack = pad.start_session(watchdog_ms=250)
    assert ack.result == AckResult.OK
    assert statuses(pad.keep_alive(0.3))[-1].state == DeviceState.RUNNING
