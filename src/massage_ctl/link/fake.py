"""An in-memory :class:`~massage_ctl.link.api.ControlLink` with a tiny device model.

Shipped inside the library (like httpx's mock transport) so the player, the session runner and
the terminal UI can be developed and tested without the codec or a transport. The model does
what a device does at the level the player cares about: ramps envelopes linearly, clamps to
the hard max, latches STOP, reports telemetry at 10 Hz, and can be made to fail.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import DisconnectedError, LinkError, MassageCtlError
from massage_ctl.link.api import ChannelSetpoint, LinkStatus, SetpointFilter, StatusCallback
from massage_ctl.protocol.enums import StopReason


@dataclass(slots=True)
class _Ramp:
    start: float = 0.0
    t0: float = 0.0
    target: float = 0.0
    ramp_s: float = 0.0

    def at(self, t: float) -> float:
        if self.ramp_s <= 0 or t >= self.t0 + self.ramp_s:
            return self.target
        return self.start + (self.target - self.start) * max(0.0, (t - self.t0) / self.ramp_s)


class FakeLink:
    """A ControlLink whose "device" lives in memory. ``sent`` records ``(loop_time, setpoint)``."""

    def __init__(self, profile: DeviceProfile, *, status_period_s: float = 0.1) -> None:
        self._profile = profile
        self._period = status_period_s
        self.sent: list[tuple[float, ChannelSetpoint]] = []
        self.stops = 0
        self.stop_reasons: list[StopReason] = []
        self.start_sent = False
        self.starts = 0
        self.state = "idle"
        self.faults: tuple[str, ...] = ()
        self._ramps = {c.id: _Ramp() for c in profile.channels}
        self._status: LinkStatus | None = None
        self._failure: MassageCtlError | None = None
        self._failed = asyncio.Event()
        self._subs: list[StatusCallback] = []
        self._ticker: asyncio.Task[None] | None = None
        self._filter: SetpointFilter | None = None

    # -- ControlLink --------------------------------------------------------------------------
    @property
    def profile(self) -> DeviceProfile:
        """The device profile given at construction."""
        return self._profile

    @property
    def status(self) -> LinkStatus | None:
        """Newest telemetry."""
        return self._status

    @property
    def failure(self) -> MassageCtlError | None:
        """Why the link died, if it did."""
        return self._failure

    def subscribe(self, callback: StatusCallback) -> Callable[[], None]:
        """Call ``callback`` with each telemetry report."""
        self._subs.append(callback)
        return lambda: self._subs.remove(callback) if callback in self._subs else None

    def set_setpoint_filter(self, setpoint_filter: SetpointFilter | None) -> None:
        """Pass every setpoint through ``setpoint_filter`` as it is sent (here: at once)."""
        self._filter = setpoint_filter

    def submit(self, setpoint: ChannelSetpoint) -> None:
        """Apply a setpoint to the model (ignored unless running, like a device)."""
        if self._failure is not None:
            return
        now = asyncio.get_running_loop().time()
        if self._filter is not None:
            setpoint = self._filter(setpoint, now)
        self.sent.append((now, setpoint))
        if self.state != "running":
            return
        spec = self._profile.channel(setpoint.channel)
        ramp = self._ramps[setpoint.channel]
        target = min(max(setpoint.value, 0.0), spec.hard_max)
        self._ramps[setpoint.channel] = _Ramp(ramp.at(now), now, target, setpoint.ramp_ms / 1000)

    #: The fake enforces the session's limits like a version-2 device (nothing to tell).
    limits_note: str | None = None

    async def start_session(
        self, *, limits: Mapping[str, tuple[float, float]] | None = None
    ) -> int:
        """Go to ``running`` and start telemetry; returns the watchdog period (500 ms)."""
        self._check()
        self.start_sent = True
        self.starts += 1
        self.state = "running"
        self.faults = ()
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick())
        self._report()
        return 500

    async def end_session(self) -> None:
        """Go idle."""
        self._check()
        self.state = "idle"
        self._zero()

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        """STOP: zero everything, latch ``stopped``; True (confirmed) unless the link is dead."""
        self.stops += 1
        self.stop_reasons.append(reason)
        if self._failure is not None:
            return False
        self._zero()
        if self.state != "fault":
            self.state = "stopped"
        self._report()
        return True

    async def wait_failed(self) -> MassageCtlError:
        """Wait until :meth:`disconnect` is called."""
        await self._failed.wait()
        assert self._failure is not None
        return self._failure

    # -- test controls ------------------------------------------------------------------------
    def actual(self, channel: str) -> float:
        """The model's actual output now."""
        return self._ramps[channel].at(asyncio.get_running_loop().time())

    def inject_fault(self, *faults: str) -> None:
        """The device faults: outputs to zero, state ``fault``."""
        self._zero()
        self.state = "fault"
        self.faults = faults or ("over_temperature",)
        self._report()

    def disconnect(self) -> None:
        """The link is lost."""
        self._failure = DisconnectedError(f"{self._profile.name}: connection lost")
        self._failed.set()
        if self._ticker is not None:
            self._ticker.cancel()

    async def close(self) -> None:
        """Stop the telemetry task."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    # -- internals ----------------------------------------------------------------------------
    def _check(self) -> None:
        if self._failure is not None:
            raise LinkError(str(self._failure))

    def _zero(self) -> None:
        now = asyncio.get_running_loop().time()
        for cid in self._ramps:
            self._ramps[cid] = _Ramp(0.0, now, 0.0, 0.0)

    def _report(self) -> None:
        now = asyncio.get_running_loop().time()
        actual = {cid: r.at(now) for cid, r in self._ramps.items()}
        self._status = LinkStatus(self.state, actual, self.faults, len(self.sent), now)
        for cb in list(self._subs):
            cb(self._status)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._period)
            self._report()
