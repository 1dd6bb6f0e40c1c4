"""Conversions between engineering values and the integers on the wire."""

from __future__ import annotations

import math

from massage_ctl.protocol.errors import FieldRangeError

RAW_FULL_SCALE = 0xFFFF
"""Raw value of a channel at its range max (SETPOINT targets, STATUS values)."""


def value_to_raw(value: float, range_max: float) -> int:
    """Envelope ``value`` (0..range_max, °C for heat) → u16 fraction of ``range_max``.

    Values outside 0..range_max are clamped into it (never above the range); NaN or a
    non-positive ``range_max`` raise :class:`FieldRangeError`.
    """
    if not range_max > 0 or math.isinf(range_max):
        raise FieldRangeError(f"channel range max must be a positive number, got {range_max!r}")
    if math.isnan(value):
        raise FieldRangeError("setpoint value is NaN")
    frac = min(max(value / range_max, 0.0), 1.0)
    return round(frac * RAW_FULL_SCALE)


def raw_to_value(raw: int, range_max: float) -> float:
    """u16 fraction of ``range_max`` → value in the channel's unit."""
    if not 0 <= raw <= RAW_FULL_SCALE:
        raise FieldRangeError(f"raw value {raw} is not a u16")
    return raw / RAW_FULL_SCALE * range_max


def hard_max_raw(hard_max_milli: int, range_max_milli: int) -> int:
    """A channel's hard max as a raw target (PROTOCOL.md §5.6): ``hard × 65535 / range``
    rounded half up, in integers. A raw target above it is clamped (ACK ``CLAMPED``); one at or
    below it is not, so the controller's own encoding of the hard max is never reported."""
    if hard_max_milli <= 0 or range_max_milli <= 0:
        return 0
    if hard_max_milli >= range_max_milli:
        return RAW_FULL_SCALE
    return (hard_max_milli * RAW_FULL_SCALE + range_max_milli // 2) // range_max_milli


def hz_to_chz(rate_hz: float) -> int:
    """Rate in Hz → integer centi-hertz (0.01 Hz) as carried on the wire."""
    if not math.isfinite(rate_hz) or rate_hz < 0:
        raise FieldRangeError(f"rate must be a non-negative number of Hz, got {rate_hz!r}")
    return round(rate_hz * 100)


def chz_to_hz(rate_chz: int) -> float:
    """Centi-hertz → Hz."""
    return rate_chz / 100


def to_milli(value: float) -> int:
    """Value in its unit → integer thousandths, as CHANNEL_INFO carries limits."""
    if not math.isfinite(value):
        raise FieldRangeError(f"limit must be a finite number, got {value!r}")
    return round(value * 1000)


def from_milli(milli: int) -> float:
    """Integer thousandths → value in its unit."""
    return milli / 1000
