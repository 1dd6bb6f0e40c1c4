"""Deliberately broken simulated devices: each breaks one rule of PROTOCOL.md.

The conformance suite must fail the checks of that rule and only those. Each is the real
``massage_sim`` device core with one method overridden, so everything else stays conforming.
"""

from __future__ import annotations

from collections.abc import Sequence

from massage_ctl.protocol import AckResult, DeviceState
from massage_sim.device_core import DeviceCore, SessionLimits
from massage_sim.device_timing import Reply

#: An hour: a watchdog that long never fires during a test.
NEVER_MS = 3_600_000


class NoWatchdogCore(DeviceCore):
    """Answers SESSION_START with the clamped period but never lets its watchdog fire."""

    def _start(self, watchdog_ms: int, limits: Sequence[SessionLimits] = ()) -> Reply:
        reply = super()._start(watchdog_ms, limits)
        if reply.result in (AckResult.OK, AckResult.CLAMPED):
            self.watchdog_ms = NEVER_MS
        return reply


class NoLatchCore(DeviceCore):
    """Acts on STOP (outputs to zero, STATUS STOPPED) but drops back to IDLE at once."""

    def stop(self, now_s: float, seq: int, reason: str = "") -> Reply:
        reply = super().stop(now_s, seq, reason)
        if self.state == DeviceState.STOPPED:
            self.state = DeviceState.IDLE  # silently, as a firmware forgetting its latch would
        return reply


class NoHardMaxCore(DeviceCore):
    """Reports its hard limits in the handshake but clamps only to the range max."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for channel in self.channels:
            channel.spec = channel.spec.model_copy(update={"hard_max": channel.spec.max})


#: broken core → the checks it must fail (all others must pass or be n/a).
EXPECTED_FAILURES: dict[type[DeviceCore], set[str]] = {
    NoWatchdogCore: {"§7.1 watchdog fires", "§6.1 LINK_LOST latch"},
    NoLatchCore: {"§6 STOP latch", "§7.3 late CLEAR after STOP"},
    NoHardMaxCore: {"§5.6 hard max clamped"},
}
