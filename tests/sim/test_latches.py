"""Device-side safety: watchdog, STOP latch, no self-restart, de-duplication, injected faults."""

from __future__ import annotations

import pytest

from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits
from massage_sim.device_core import Reply, SetpointRequest
from massage_sim.faults import FaultPlan, StuckChannel

from .helpers import Driver


def _running_chair(**faults: object) -> Driver:
    d = Driver("chair", FaultPlan(**faults) if faults else None)  # type: ignore[arg-type]
    d.start()
    for cid in ("air.neck", "roller.knead", "seat.vibration"):
        d.set(cid, 0.8, ramp_ms=0)
    d.set("heat.lower-back", 40.0, ramp_ms=0)
    d.run(5.0)
    return d


def test_watchdog_ramps_everything_to_zero_within_one_second_and_latches() -> None:
    d = _running_chair()
    d.run(2.0, heartbeat=False, step=0.05)  # the controller falls silent
    fired = d.core.record.events_of("watchdog-fired")
    assert len(fired) == 1
    assert fired[0].t_s == pytest.approx(5.5, abs=1e-9)  # last frame at 5.0 s + 500 ms
    late = [s for s in d.core.record.samples if s.t_s >= fired[0].t_s + 1.0]
    assert late and all(
        v == 0.0 for s in late for cid, v in zip(d.core.record.channel_ids, s.values, strict=True)
        if cid != "roller.position"
    )
    assert d.value("heat.lower-back") == 0.0
    assert d.core.state == DeviceState.LINK_LOST
    assert d.core.fault_bits & FaultBits.WATCHDOG
    # Frames again, but no handshake: the latch holds and nothing moves.
    d.run(3.0)
    assert d.core.state == DeviceState.LINK_LOST
    d.set("air.neck", 0.5)
    d.run(1.0)
    assert d.value("air.neck") == 0.0


def _result(reply: Reply | None) -> AckResult | None:
    return None if reply is None else reply.result


def test_link_lost_needs_a_new_handshake_then_clear_before_a_session_start() -> None:
    d = _running_chair()
    d.run(1.0, heartbeat=False)
    assert _result(d.core.session_start(d.now, d.next_seq(), 500)) == AckResult.LATCHED
    # Only a new handshake clears a lost link: CLEAR without one is refused ...
    assert _result(d.core.clear(d.now, d.next_seq())) == AckResult.BAD_STATE
    assert d.core.state == DeviceState.LINK_LOST
    # ... and HELLO itself clears no latch.
    assert _result(d.core.hello(d.now, d.next_seq())) == AckResult.OK
    assert d.core.state == DeviceState.LINK_LOST
    assert _result(d.core.clear(d.now, d.next_seq())) == AckResult.OK
    assert d.core.state == DeviceState.IDLE
    assert not d.core.fault_bits
    assert _result(d.core.session_start(d.now, d.next_seq(), 500)) == AckResult.OK


def test_hello_clears_no_latch_and_session_end_never_frees_a_stop() -> None:
    d = _running_chair()
    d.core.stop(d.now, d.next_seq())
    assert _result(d.core.session_end(d.now, d.next_seq())) == AckResult.LATCHED
    d.core.hello(d.now, d.next_seq())
    assert d.core.state == DeviceState.STOPPED
    d.run(10.0)  # and never by itself
    assert d.core.state == DeviceState.STOPPED


def test_a_new_controller_numbering_from_one_is_not_taken_for_retries() -> None:
    """The bug of issue 11: the second controller's CLEAR/SESSION_START (seq 2, 3) must not be
    answered with the first controller's remembered ACKs for its own seq 2, 3."""
    d = Driver("pad")
    d.start()  # seq 1 HELLO, 2 CLEAR, 3 SESSION_START
    d.core.stop(d.now, d.next_seq())
    d.seq = 0  # a new process
    d.start()
    assert d.core.state == DeviceState.RUNNING


def test_stop_is_acted_on_again_at_a_repeated_sequence_number() -> None:
    d = Driver("pad")
    d.start()
    d.core.stop(d.now, 7)
    d.start()
    d.set("vib.hips", 0.5)
    d.run(1.0)
    assert _result(d.core.stop(d.now, 7)) == AckResult.OK  # same seq as the earlier STOP
    assert d.core.state == DeviceState.STOPPED
    assert d.value("vib.hips") == 0.0


def test_watchdog_period_is_clamped_to_250_2000_ms() -> None:
    d = Driver("pad")
    d.core.hello(0.0, d.next_seq())
    assert d.core.session_start(0.0, d.next_seq(), 50).detail == 250
    d2 = Driver("pad")
    d2.core.hello(0.0, d2.next_seq())
    assert d2.core.session_start(0.0, d2.next_seq(), 60000).detail == 2000


def test_stop_zeroes_outputs_at_once_and_latches_until_clear_and_start() -> None:
    d = _running_chair()
    d.core.stop(d.now, 9999)  # out of sequence on purpose
    assert all(v == 0.0 for v in d.force_values())
    assert d.core.state == DeviceState.STOPPED
    # Commands older than that STOP are late copies: ignored, unanswered (PROTOCOL §7.3).
    assert d.core.clear(d.now, d.next_seq()) is None
    assert d.core.state == DeviceState.STOPPED
    d.seq = 9999
    d.set("air.neck", 0.5)
    d.run(2.0)
    assert d.value("air.neck") == 0.0
    assert _result(d.core.session_start(d.now, d.next_seq(), 500)) == AckResult.LATCHED
    assert _result(d.core.clear(d.now, d.next_seq())) == AckResult.OK
    assert d.core.state == DeviceState.IDLE
    d.set("air.neck", 0.5)  # cleared but no session: still ignored
    d.run(2.0)
    assert d.value("air.neck") == 0.0
    assert _result(d.core.session_start(d.now, d.next_seq(), 500)) == AckResult.OK
    d.set("seat.vibration", 0.5)
    d.run(1.0)
    assert d.value("seat.vibration") == pytest.approx(0.5)


def test_heartbeat_stop_flag_acts_like_stop_even_before_a_handshake() -> None:
    d = Driver("pad")
    d.core.heartbeat(0.0, 1, stop_requested=True)
    assert d.core.state == DeviceState.STOPPED
    d2 = _running_chair()
    d2.core.heartbeat(d2.now, d2.next_seq(), stop_requested=True)
    assert d2.core.state == DeviceState.STOPPED
    assert all(v == 0.0 for v in d2.force_values())


def test_stop_halts_the_roller_carriage_where_it_stands() -> None:
    d = Driver("bed")
    d.start()
    d.set("roller.position", 0.5, ramp_ms=0)
    d.run(2.0)
    before = d.value("roller.position")
    d.core.stop(d.now, d.next_seq())
    d.run(3.0)
    assert d.value("roller.position") == pytest.approx(before)


@pytest.mark.parametrize("how", ["stop", "silence", "reset", "session-end"])
def test_device_never_restarts_by_itself(how: str) -> None:
    d = _running_chair()
    if how == "stop":
        d.core.stop(d.now, d.next_seq())
    elif how == "reset":
        d.core.reset(d.now)
    elif how == "session-end":
        d.core.session_end(d.now, d.next_seq())
    else:
        d.run(1.0, heartbeat=False)
    d.run(30.0)  # heartbeats and setpoints keep coming, but nobody starts a session
    d.set("air.neck", 0.7)
    d.run(2.0)
    assert d.core.state != DeviceState.RUNNING
    assert all(v == 0.0 for v in d.force_values())


def test_retried_state_commands_are_applied_once_and_answered_the_same() -> None:
    d = _running_chair()
    seq = d.next_seq()
    first = d.core.session_end(d.now, seq)
    assert d.core.state == DeviceState.IDLE
    d.core.session_start(d.now, d.next_seq(), 500)
    assert d.core.state == DeviceState.RUNNING
    retry = d.core.session_end(d.now, seq)  # the same frame again, e.g. after a lost ACK
    assert retry == first
    assert d.core.state == DeviceState.RUNNING
    assert len(d.core.record.events_of("duplicate")) == 1


def test_a_late_setpoint_never_undoes_a_newer_one() -> None:
    d = Driver("pad")
    d.start()
    d.core.setpoint(d.now, 20, [SetpointRequest(0, 0.2, 0)])
    d.core.setpoint(d.now, 19, [SetpointRequest(0, 0.9, 0)])  # delayed older frame
    d.run(2.0)
    assert d.value("vib.upper-back") == pytest.approx(0.2)


def test_sequence_numbers_wrap_around() -> None:
    d = Driver("pad")
    d.start()
    d.core.setpoint(d.now, 65535, [SetpointRequest(0, 0.2, 0)])
    d.core.setpoint(d.now, 1, [SetpointRequest(0, 0.4, 0)])
    d.run(2.0)
    assert d.value("vib.upper-back") == pytest.approx(0.4)


def test_stuck_channel_is_detected_as_a_fault() -> None:
    d = Driver("pad", FaultPlan(stuck=(StuckChannel("vib.hips", 1.0),)))
    d.start()
    d.set("vib.hips", 0.3)
    d.run(1.0)
    frozen = d.value("vib.hips")
    d.set("vib.hips", 0.8)
    d.set("vib.upper-back", 0.5)
    d.run(3.0)
    assert d.value("vib.hips") == pytest.approx(frozen)  # really stuck
    assert d.core.state == DeviceState.FAULT
    assert d.core.fault_bits & FaultBits.STUCK_CHANNEL
    assert d.value("vib.upper-back") == 0.0  # everything else is cut
    assert _result(d.core.clear(d.now, d.next_seq())) == AckResult.LATCHED
    assert d.core.state == DeviceState.FAULT


def test_injected_reset_goes_idle_with_outputs_zero_and_needs_a_handshake() -> None:
    d = Driver("pad", FaultPlan(reset_at_s=3.0))
    d.start()
    d.set("vib.mid-back", 0.6)
    d.run(5.0)
    assert d.core.state == DeviceState.IDLE
    assert d.value("vib.mid-back") == 0.0
    assert len(d.core.record.events_of("reset")) == 1
    assert _result(d.core.session_start(d.now, d.next_seq(), 500)) == AckResult.BAD_STATE
    d.start()
    assert d.core.state == DeviceState.RUNNING


def test_overtemp_on_a_device_without_heat_trips_at_once() -> None:
    d = Driver("pad", FaultPlan(overtemp_at_s=1.0))
    d.start()
    d.set("vib.hips", 0.5)
    d.run(2.0)
    assert d.core.state == DeviceState.FAULT
    assert d.value("vib.hips") == 0.0
