"""The guard's band (every value a channel can have) equals its plain definition.

``_Course.band`` takes four of the eight (start value, arrival, time) combinations (it runs for
every channel on every STATUS); this checks it against the definition: the extremes over both
start values (lo, hi) and both arrival times (sent, sent + slack) of where a command that
ramps linearly from that start value has got to.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from massage_ctl.player.guard import _Course

_values = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
_times = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)


def _at(course: _Course, start: float, arrival_ms: float, t_ms: float) -> float:
    """Where a channel starting at ``start`` is at ``t_ms`` when the command landed at
    ``arrival_ms``: at its start value until then, then linearly to the target."""
    if t_ms < arrival_ms:
        return start
    if course.ramp_ms <= 0:  # a jump
        return course.target
    frac = min(1.0, (t_ms - arrival_ms) / course.ramp_ms)
    return start + (course.target - start) * frac


@settings(max_examples=200)
@given(
    lo=_values, hi=_values, start=_times, target=_values,
    ramp=st.one_of(st.just(0.0), _times), slack=st.one_of(st.just(0.0), _times),
    t=st.floats(min_value=-100.0, max_value=20000.0, allow_nan=False),
)
# A jump is at its target the instant it lands; a 1 ms ramp has not moved yet at that instant.
@example(lo=0.0, hi=0.5, start=100.0, target=1.0, ramp=0.0, slack=0.0, t=100.0)
@example(lo=0.0, hi=0.5, start=100.0, target=1.0, ramp=1.0, slack=0.0, t=100.0)
def test_band_is_the_extremes_over_both_starts_and_both_arrivals(
    lo: float, hi: float, start: float, target: float, ramp: float, slack: float, t: float
) -> None:
    course = _Course(min(lo, hi), max(lo, hi), start, target, ramp, slack)
    values = [
        _at(course, s, a, t)
        for s in (course.lo, course.hi)
        for a in (course.start_ms, course.start_ms + course.slack_ms)
    ]
    assert course.band(t) == (min(values), max(values))
