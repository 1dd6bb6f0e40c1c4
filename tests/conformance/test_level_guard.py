"""The suite's own safety invariant, for any request a check could make: a SETPOINT leaves the
suite only for a drivable channel, at most at the test level or as a slow creep."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from massage_ctl.conformance.context import DRIVABLE, Context
from massage_ctl.conformance.model import CREEP_PER_S, TEST_LEVEL
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    ChannelInfo,
    ChannelKindCode,
    Message,
    SideCode,
    ZoneCode,
)


class _Probe:
    """Records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def send(self, message: Message, seq: int | None = None) -> int:
        self.sent.append(message)
        return len(self.sent)


def _channel(kind: ChannelKindCode) -> ChannelInfo:
    return ChannelInfo(0, "ch", ZoneCode.LOWER_BACK, SideCode.NONE, kind, 0, 1000, 900, 500,
                       1, 0, 0, ZoneCode.NONE, ZoneCode.NONE)  # fmt: skip


@given(
    kind=st.sampled_from(list(ChannelKindCode)),
    fraction=st.floats(min_value=0.0, max_value=2.0),
    ramp_ms=st.integers(min_value=0, max_value=600_000),
)
def test_no_setpoint_above_the_test_level_unless_a_slow_creep(
    kind: ChannelKindCode, fraction: float, ramp_ms: int
) -> None:
    probe = _Probe()
    ctx = Context(probe, watchdog_ms=500)  # type: ignore[arg-type]
    try:
        asyncio.run(ctx.setpoint(_channel(kind), fraction, ramp_ms))
    except RuntimeError:
        refused = True
    else:
        refused = False
    if refused:
        assert not probe.sent
        return
    (message,) = probe.sent
    entry = message.entries[0]  # type: ignore[attr-defined]
    level = entry.target / RAW_FULL_SCALE
    assert kind in DRIVABLE
    assert level <= TEST_LEVEL + 1 / RAW_FULL_SCALE or level * 1000 / ramp_ms <= CREEP_PER_S + 1e-9
