"""The guard's telemetry check: ``_Course.span`` (both ends of a report's age window in one
pass) equals the two ``band`` calls it stands for, float for float, and a report is found out
once it leaves every value the channel can have had.
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


def test_a_settled_channel_agrees_until_it_drops_on_its_own() -> None:
    guard = Guard(CHAIR, STANDARD)
    guard.reset(0.0)
    guard.apply(ChannelSetpoint(CHANNEL, 0.5, 1000), 0.0)
    settled = guard.value_at(CHANNEL, 5000.0)
    for t_ms in (5000.0, 5100.0, 5200.0):
        guard.observe({CHANNEL: settled}, t_ms)
        assert not guard.disagrees(CHANNEL, t_ms)
    # The device drops to zero on its own (a lost frame): that is found at once.
    guard.observe({CHANNEL: 0.0}, 5300.0)
    assert guard.disagrees(CHANNEL, 5300.0)


def test_a_ramping_channel_stuck_at_its_start_value_is_found_out() -> None:
    # Early in a ramp the start value is plausible; once the ramp is well under way the same
    # report is not (the frame was lost).
    guard = Guard(CHAIR, STANDARD)
    guard.reset(0.0)
    guard.apply(ChannelSetpoint(CHANNEL, 1.0, 3000), 0.0)
    answers = []
    for t_ms in range(100, 3100, 100):
        guard.observe({CHANNEL: 0.0}, float(t_ms))
        answers.append(guard.disagrees(CHANNEL, float(t_ms)))
    assert not answers[0]
    assert answers[-1]
