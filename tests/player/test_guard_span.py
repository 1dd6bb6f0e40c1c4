"""The guard's telemetry check gives the same answers through its fast paths.

``_Course.span`` (both report times in one pass) must equal the two ``band`` calls it replaces,
float for float, and the memo in ``Guard.disagrees`` (a settled channel reporting the same value
again) must answer exactly what a fresh guard answers — including after a new command, a reset
or a report that moved.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player.guard import Guard, _Course
from massage_ctl.safety import STANDARD

_values = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
_times = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)
CHAIR = load_device_profile("chair")
CHANNEL = "roller.knead"


@settings(max_examples=200)
@given(
    lo=_values, hi=_values, start=_times, target=_values,
    ramp=st.one_of(st.just(0.0), _times), slack=st.one_of(st.just(0.0), _times),
    t0=st.floats(min_value=-100.0, max_value=20000.0, allow_nan=False),
    gap=st.floats(min_value=0.0, max_value=500.0, allow_nan=False),
)
def test_span_is_the_union_of_the_two_bands(
    lo: float, hi: float, start: float, target: float, ramp: float, slack: float,
    t0: float, gap: float,
) -> None:
    course = _Course(lo, hi, start, target, ramp, slack)
    (a0, b0), (a1, b1) = course.band(t0), course.band(t0 + gap)
    assert course.span(t0, t0 + gap) == (min(a0, a1), max(b0, b1))


def _fresh_answer(guard: Guard, t_ms: float) -> bool:
    """What ``guard.disagrees`` answers without its memo."""
    guard._agreed.clear()
    return guard.disagrees(CHANNEL, t_ms)


# A script of steps: ("cmd", value, ramp_ms) | ("report", value) | ("reset",), 100 ms apart.
_step = st.one_of(
    st.tuples(st.just("cmd"), st.floats(0.0, 1.0), st.integers(0, 3000)),
    st.tuples(st.just("report"), st.sampled_from([0.0, 0.2, 0.5, 1.0])),
    st.tuples(st.just("report"), st.floats(0.0, 1.0)),
    st.tuples(st.just("reset")),
)


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(_step, min_size=1, max_size=60))
def test_the_memo_never_changes_an_answer(steps: list[tuple[object, ...]]) -> None:
    guard = Guard(CHAIR, STANDARD)
    guard.delivery_slack_ms = 60.0
    guard.reset(0.0)
    last_report = 0.0
    for i, step in enumerate(steps):
        t_ms = 100.0 * (i + 1)
        if step[0] == "cmd":
            value, ramp_ms = step[1], step[2]
            assert isinstance(value, float) and isinstance(ramp_ms, int)
            guard.apply(ChannelSetpoint(CHANNEL, value, ramp_ms), t_ms)
        elif step[0] == "reset":
            guard.reset(t_ms)
        else:
            assert isinstance(step[1], float)
            last_report = step[1]
        # Telemetry repeats the last value every tick, as a device holding still does.
        guard.observe({CHANNEL: last_report}, t_ms)
        memo_answer = guard.disagrees(CHANNEL, t_ms)
        saved = dict(guard._agreed)
        assert memo_answer == _fresh_answer(guard, t_ms), (i, step)
        guard._agreed.update(saved)


def test_a_settled_channel_that_reports_the_same_value_is_answered_from_the_memo() -> None:
    guard = Guard(CHAIR, STANDARD)
    guard.reset(0.0)
    guard.apply(ChannelSetpoint(CHANNEL, 0.5, 1000), 0.0)
    settled = guard.value_at(CHANNEL, 5000.0)
    for t_ms in (5000.0, 5100.0, 5200.0):
        guard.observe({CHANNEL: settled}, t_ms)
        assert not guard.disagrees(CHANNEL, t_ms)
    assert CHANNEL in guard._agreed
    # The device drops to zero on its own (a lost frame): the memo must not hide it.
    guard.observe({CHANNEL: 0.0}, 5300.0)
    assert guard.disagrees(CHANNEL, 5300.0)


def test_a_ramping_channel_stuck_at_its_start_value_is_found_out() -> None:
    # Early in a ramp the start value is plausible; once the ramp is well under way the same
    # report is not (the frame was lost) — no remembered "fine" may outlive the moving band.
    guard = Guard(CHAIR, STANDARD)
    guard.reset(0.0)
    guard.apply(ChannelSetpoint(CHANNEL, 1.0, 3000), 0.0)
    answers = []
    for t_ms in range(100, 3100, 100):
        guard.observe({CHANNEL: 0.0}, float(t_ms))
        answers.append(guard.disagrees(CHANNEL, float(t_ms)))
    assert not answers[0]
    assert answers[-1]
