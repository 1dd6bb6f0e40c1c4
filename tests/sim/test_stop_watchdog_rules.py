"""The simulator's STOP and watchdog latches, rule by rule (firmware_protocol/PROTOCOL.md).

A new session is HELLO → CLEAR → SESSION_START. HELLO clears no latch; CLEAR frees STOPPED,
LINK_LOST only after a HELLO since the watchdog fired, and FAULT only once its cause is gone;
SESSION_END never frees a STOP; a device never leaves a latch by itself; a heartbeat that comes
after the watchdog period never revives the session. The core is driven directly, frame by
frame, on its own clock (each call carries the time).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol.enums import AckResult, DeviceState
from massage_sim.faults import FaultPlan, StuckChannel

from .helpers import Driver

LATCHES = (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST)


def _running(profile: str = "chair", faults: FaultPlan | None = None) -> Driver:
    d = Driver(profile, faults)
    d.start()
    for spec in d.core.profile.channels:
        if spec.kind != "position":
            d.set(spec.id, 0.8 * spec.hard_max if spec.kind != "heat" else 40.0)
    d.run(3.0)
    return d


def _stopped() -> Driver:
    d = _running()
    d.core.stop(d.now, d.next_seq())
    return d


def _link_lost() -> Driver:
    d = _running()
    d.run(1.0, heartbeat=False)
    assert d.core.state == DeviceState.LINK_LOST
    return d


def _stuck_fault() -> Driver:
    """The hips motor sticks at 0.8 and does not follow the next command: FAULT, for good."""
    d = _running("pad", FaultPlan(stuck=(StuckChannel("vib.hips", 2.5),)))
    d.set("vib.hips", 0.1)
    d.run(2.0)
    assert d.core.state == DeviceState.FAULT
    # Heartbeats flowed all along: whatever else fell due (the injected fault), the watchdog
    # did not fire.
    assert d.core.record.events_of("watchdog-fired") == []
    return d


LATCHED = {"stopped": _stopped, "link-lost": _link_lost, "fault": _stuck_fault}


def _new_session(d: Driver) -> AckResult:
    """HELLO → CLEAR → SESSION_START, as the controller starts a session; the start's result."""
    d.core.hello(d.now, d.next_seq())
    d.core.clear(d.now, d.next_seq())
    return d.core.session_start(d.now, d.next_seq(), 500).result


# -- watchdog ----------------------------------------------------------------------------------
@settings(deadline=None)  # examples: the Hypothesis profile (tests/conftest.py)
@given(silence_s=st.floats(0.5, 30.0), watchdog_ms=st.sampled_from([250, 500, 1000, 2000]))
def test_a_late_heartbeat_never_revives_a_device_whose_watchdog_should_have_fired(
    silence_s: float, watchdog_ms: int
) -> None:
    """Nothing reaches the device for ``silence_s`` ≥ the watchdog period — not even a status
    tick — and then a heartbeat arrives: the watchdog fired at its period, not never."""
    d = Driver("chair")
    d.start(watchdog_ms)
    d.set("air.neck", 0.8)
    d.run(2.0)
    last = d.now
    late = last + max(silence_s, watchdog_ms / 1000)
    d.now = late
    d.core.heartbeat(late, d.next_seq())
    assert d.core.state == DeviceState.LINK_LOST
    fired = d.core.record.events_of("watchdog-fired")
    assert [e.t_s for e in fired] == [pytest.approx(last + watchdog_ms / 1000, abs=1e-9)]
    # Heartbeats and setpoints keep coming: the latch holds, nothing moves.
    d.set("air.neck", 0.8)
    d.run(2.0)
    assert d.core.state == DeviceState.LINK_LOST
    assert d.value("air.neck") == 0.0


def test_a_heartbeat_just_inside_the_period_keeps_the_session() -> None:
    d = Driver("pad")
    d.start(500)
    d.now += 0.499
    d.core.heartbeat(d.now, d.next_seq())
    d.core.sample(d.now)
    assert d.core.state == DeviceState.RUNNING
    assert d.core.record.events_of("watchdog-fired") == []


def test_the_watchdog_takes_every_output_to_zero_within_one_second() -> None:
    d = _running()
    silent_from = d.now
    d.run(0.5 + 1.0 + 0.01, heartbeat=False, step=0.01)
    assert all(v == 0.0 for v in d.force_values())
    assert d.value("heat.lower-back") == 0.0
    before = [s for s in d.core.record.samples if s.t_s < silent_from + 0.5]
    assert any(v > 0.5 for v in before[-1].values)  # it was on until the watchdog fired


# -- STOP --------------------------------------------------------------------------------------
def test_stop_takes_every_output_to_zero_at_once() -> None:
    d = _running()
    d.core.stop(d.now, d.next_seq())
    assert all(v == 0.0 for v in d.force_values())
    assert d.value("heat.lower-back") == 0.0
    assert d.core.state == DeviceState.STOPPED


def test_session_end_never_frees_a_stop() -> None:
    d = _stopped()
    assert d.core.session_end(d.now, d.next_seq()).result == AckResult.LATCHED
    assert d.core.state == DeviceState.STOPPED
    assert d.core.session_start(d.now, d.next_seq(), 500).result == AckResult.LATCHED
    d.set("air.neck", 0.5)
    d.run(1.0)
    assert d.value("air.neck") == 0.0


# -- HELLO clears nothing ------------------------------------------------------------------------
@pytest.mark.parametrize("latch", sorted(LATCHED))
def test_hello_clears_no_latch(latch: str) -> None:
    d = LATCHED[latch]()
    state = d.core.state
    assert d.core.hello(d.now, d.next_seq()).result == AckResult.OK
    assert d.core.state == state
    assert d.core.session_start(d.now, d.next_seq(), 500).result == AckResult.LATCHED
    d.run(1.0)
    assert d.core.state == state
    stuck = d.core.index.get("vib.hips") if latch == "fault" else None
    assert all(c.actual == 0.0 for i, c in enumerate(d.core.channels)
               if c.kind != "position" and i != stuck)


# -- CLEAR -------------------------------------------------------------------------------------
def test_after_a_stop_hello_clear_start_is_a_new_session() -> None:
    d = _stopped()
    assert _new_session(d) == AckResult.OK
    assert d.core.state == DeviceState.RUNNING
    d.set("air.neck", 0.3)
    d.run(10.0)  # an air cell fills with a lag
    assert d.value("air.neck") == pytest.approx(0.3, abs=1e-3)


def test_clear_frees_a_lost_link_only_after_a_new_hello() -> None:
    d = _link_lost()
    d.core.clear(d.now, d.next_seq())
    assert d.core.state == DeviceState.LINK_LOST  # no HELLO since the watchdog fired
    assert _new_session(d) == AckResult.OK
    assert d.core.state == DeviceState.RUNNING


def test_clear_frees_a_fault_only_once_its_cause_is_gone() -> None:
    d = _stuck_fault()  # the motor stays stuck: the cause is still there
    d.core.hello(d.now, d.next_seq())
    assert d.core.clear(d.now, d.next_seq()).result != AckResult.OK
    assert d.core.state == DeviceState.FAULT
    assert d.core.session_start(d.now, d.next_seq(), 500).result == AckResult.LATCHED


def test_a_fault_whose_cause_has_gone_is_cleared_for_a_new_session() -> None:
    d = _running("pad", FaultPlan(overtemp_at_s=4.0))  # the pad has no heater: a board sensor
    d.run(2.0)
    assert d.core.state == DeviceState.FAULT
    assert _new_session(d) == AckResult.OK


# -- never by itself -----------------------------------------------------------------------------
@pytest.mark.parametrize("latch", sorted(LATCHED))
def test_a_device_never_leaves_a_latch_by_itself(latch: str) -> None:
    d = LATCHED[latch]()
    state = d.core.state
    d.run(60.0, step=0.5)  # a minute of heartbeats and status ticks
    assert d.core.state == state
    states = {s.state for s in d.core.record.samples if s.t_s > d.now - 60.0}
    assert "running" not in states and "idle" not in states


# -- a new controller never inherits a session ---------------------------------------------------
def test_a_hello_while_running_ends_that_session_like_session_end() -> None:
    d = _running()
    d.core.hello(d.now, d.next_seq())
    assert d.core.state == DeviceState.IDLE
    d.run(1.0)
    assert all(v == 0.0 for v in d.force_values())
    assert _new_session(d) == AckResult.OK  # and the new controller may start its own


def test_clear_during_a_session_changes_nothing() -> None:
    d = _running()
    assert d.core.clear(d.now, d.next_seq()).result == AckResult.BAD_STATE
    assert d.core.state == DeviceState.RUNNING


def test_the_watchdog_never_fires_before_its_period() -> None:
    # 400 ms of silence (the period is 500 ms) during which something else falls due inside the
    # device (an injected stuck channel, on a motor at rest): the session goes on.
    d = Driver("pad", FaultPlan(stuck=(StuckChannel("vib.upper-back", 3.3),)))
    d.start(500)
    d.set("vib.hips", 0.5)
    d.run(3.0)
    d.now = 3.4
    d.core.heartbeat(d.now, d.next_seq())
    d.core.sample(d.now)
    assert d.core.state == DeviceState.RUNNING
    assert d.core.record.events_of("watchdog-fired") == []
