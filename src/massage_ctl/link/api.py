"""What the player needs from a link, as plain types: setpoints out, telemetry in, STOP.

:class:`ControlLink` is the interface the player and session are written against. The real
implementation is :class:`massage_ctl.link.Link` (wire protocol over a transport); tests use a
small fake. Keeping the player on this narrow interface is what lets the same player run on
any transport and on the virtual clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import MassageCtlError
from massage_ctl.protocol.enums import StopReason
from massage_ctl.vocabulary import Pattern


@dataclass(frozen=True, slots=True)
class ChannelSetpoint:
    """Move ``channel`` linearly from where it is to ``value`` over ``ramp_ms`` (envelope)."""

    channel: str
    value: float
    ramp_ms: int = 0
    pattern: Pattern = "steady"
    rate_hz: float = 0.0


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """One telemetry report from the device, in controller terms.

    ``state`` is the user-facing device state name (docs/CONTRACTS.md): ``idle``, ``running``,
    ``stopped``, ``link-lost`` or ``fault``; ``actual`` maps channel id → actual output value
    (°C for heat);
    ``faults`` names the fault bits that are set (empty when healthy). ``measured_c`` maps heat
    channel id → the temperature its sensor measures (°C, protocol version 2 TEMPERATURE;
    empty when the device reports none: then ``actual`` of a heat channel is only its
    setpoint, PROTOCOL.md §5.14).
    """

    state: str
    actual: Mapping[str, float] = field(default_factory=dict)
    faults: tuple[str, ...] = ()
    last_seq: int = 0
    t: float = 0.0  # loop time at receipt
    measured_c: Mapping[str, float] = field(default_factory=dict)

    @property
    def all_zero(self) -> bool:
        """True when every output reports zero (heat off)."""
        return all(v <= 1e-6 for v in self.actual.values())

    @property
    def is_stopped(self) -> bool:
        """True when the device says it is latched stopped (or never started)."""
        return self.state in STOPPED_STATES

    @property
    def is_fault(self) -> bool:
        """True when the device reports a fault or a lost link."""
        return self.state in ("fault", "link-lost") or bool(self.faults)


#: Device states in which no output is driven and nothing restarts without a new start.
STOPPED_STATES: frozenset[str] = frozenset({"stopped", "idle", "fault", "link-lost"})

StatusCallback = Callable[[LinkStatus], None]
#: ``(setpoint, loop time in s) -> the setpoint really sent`` (see ControlLink.set_setpoint_filter).
SetpointFilter = Callable[[ChannelSetpoint, float], ChannelSetpoint]


class ControlLink(Protocol):
    """The link as the player sees it. All methods run on the link's event loop."""

    @property
    def profile(self) -> DeviceProfile:
        """The device's self-description from the handshake."""
        ...

    @property
    def status(self) -> LinkStatus | None:
        """The newest telemetry report, or None before the first one."""
        ...

    @property
    def failure(self) -> MassageCtlError | None:
        """Why the link died (disconnect, gave up), or None while it is alive."""
        ...

    def set_setpoint_filter(self, setpoint_filter: SetpointFilter | None) -> None:
        """Pass every setpoint through ``setpoint_filter`` at the moment it is sent.

        The player installs its guard here, so a setpoint that waited for the frame budget is
        judged against what the device is doing when it really leaves, not when it was queued.
        """
        ...

    def subscribe(self, callback: StatusCallback) -> Callable[[], None]:
        """Call ``callback`` with every telemetry report; returns an unsubscribe function."""
        ...

    def submit(self, setpoint: ChannelSetpoint) -> None:
        """Queue a setpoint; the newest per channel wins (no backlog). Never blocks."""
        ...

    @property
    def start_sent(self) -> bool:
        """True once SESSION_START was sent on this link: from then on the session ends with
        SESSION_END or STOP; before, a refused start leaves an idle device alone."""
        ...

    async def start_session(
        self, *, limits: Mapping[str, tuple[float, float]] | None = None
    ) -> int:
        """Start a session: CLEAR (frees the last session's latch; refused while a fault is
        present), then SESSION_START; acknowledged. Returns the watchdog period (ms).

        ``limits`` (channel id → (cap, ramp per s), channel units) are the session's active
        limits; a device that can (protocol version 2) enforces them too, on top of its hard
        limits. :attr:`limits_note` tells the user when it cannot."""
        ...

    @property
    def limits_note(self) -> str | None:
        """One line for the user when the device does not enforce the session's limits
        (it enforces only its hard limits; massage_ctl alone enforces the session's), else
        None."""
        ...

    async def end_session(self) -> None:
        """End the session politely (device goes idle); acknowledged."""
        ...

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        """STOP now (``reason`` for the device's log); True once the device confirmed the
        stopped state, False on the bound."""
        ...

    async def wait_failed(self) -> MassageCtlError:
        """Wait until the link dies and return why."""
        ...
