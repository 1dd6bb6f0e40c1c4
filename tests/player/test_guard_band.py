"""The guard's band (every value a channel can have) equals its plain definition.

``_Course.band`` is spelled out for speed (it runs for every channel on every STATUS); this
checks it against the definition: the extremes of ``_at`` over both start values (lo, hi)
and both arrival times (sent, sent + slack).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.player.guard import _Course

_values = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
_times = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)


@settings(max_examples=200)
@given(
    lo=_values, hi=_values, start=_times, target=_values,
    ramp=st.one_of(st.just(0.0), _times), slack=st.one_of(st.just(0.0), _times),
    t=st.floats(min_value=-100.0, max_value=20000.0, allow_nan=False),
)
def test_band_is_the_extremes_over_both_starts_and_both_arrivals(
    lo: float, hi: float, start: float, target: float, ramp: float, slack: float, t: float
) -> None:
    course = _Course(min(lo, hi), max(lo, hi), start, target, ramp, slack)
    values = [
        course._at(s, a, t)
        for s in (course.lo, course.hi)
        for a in (course.start_ms, course.start_ms + course.slack_ms)
    ]
    assert course.band(t) == (min(values), max(values))
