"""Telemetry turns a run of STATUS frames into the same reports however the values move.

The decoder converts only the channels whose raw value changed since the last frame; every
report must still equal the plain conversion (raw / 65535 × the channel's range max), and an
earlier report must never change when a later one arrives (reports share unchanged dicts).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.link.telemetry import TelemetryDecoder
from massage_ctl.protocol import RAW_FULL_SCALE, DeviceState, FaultBits, Status

CHAIR = load_device_profile("chair")
N = len(CHAIR.channels)

_raw = st.one_of(st.sampled_from([0, 1, RAW_FULL_SCALE]), st.integers(0, RAW_FULL_SCALE))
# Each step: a few (channel index, new raw value) changes; sometimes a different count.
_changes = st.lists(st.tuples(st.integers(0, N - 1), _raw), max_size=4)
_step = st.one_of(_changes, st.integers(0, N + 2).map(lambda n: [(-1, n)]))


def _plain(values: tuple[int, ...]) -> dict[str, float]:
    return {
        spec.id: raw * (spec.max / RAW_FULL_SCALE)
        for spec, raw in zip(CHAIR.channels, values, strict=False)
    }


@settings(max_examples=150)
@given(steps=st.lists(_step, min_size=1, max_size=30))
def test_every_report_equals_the_plain_conversion(steps: list[list[tuple[int, int]]]) -> None:
    decoder = TelemetryDecoder(CHAIR)
    values = [0] * N
    reports = []
    for changes in steps:
        for index, raw in changes:
            if index < 0:  # a frame with another channel count (resized, zero-filled)
                values = (values + [0] * raw)[:raw]
            elif index < len(values):
                values[index] = raw
        msg = Status(DeviceState.RUNNING, FaultBits(0), 1, tuple(values))
        report = decoder.decode(msg, 1.0)
        reports.append((report, _plain(tuple(values))))
    for report, expected in reports:  # also checks no earlier report was changed afterwards
        assert dict(report.actual) == expected
        assert list(report.actual) == list(expected)  # channel order kept
