"""Run one scenario through the real stack on the virtual clock and keep what happened.

Session → Player → Guard → Link → SimTransport → SimDevice, all in one virtual-time loop
(``massage_ctl.clock.new_event_loop(None)``). Two things differ from ``massage-ctl run``, both
so the device's behaviour can be judged afterwards:

* the device stays powered after the controller is gone (:class:`PoweredDevice`): a real
  device does not switch off when the controller process ends, and its watchdog and STOP
  latch must be seen doing their job in the record for a while (``TAIL_S``);
* the link records every setpoint the guard let through (:class:`RecordingLink`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from massage_ctl.clock import new_event_loop
from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import MassageCtlError
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.player import ProgressEvent
from massage_ctl.player.session import LinkConnection, Session, SessionResult, connect_link
from massage_ctl.safety import SafetyProfile
from massage_ctl.timeline import Timeline
from massage_ctl.transports.sim import SimTransport
from massage_sim import FaultPlan, SimDevice
from massage_sim.record import Record

from .scenarios import Action, Scenario

#: How long the device is watched after the controller closed the link (s): longer than the
#: longest watchdog period used here (500 ms), the 1 s safe ramp-down and a tick.
TAIL_S = 2.0
#: Extra time a session may take beyond its program and pauses before it counts as hung (s):
#: the handshake (≤ 3 s) and the final STOP (≤ 1 s) with room to spare.
HANG_MARGIN_S = 30.0


class PoweredDevice:
    """A :class:`SimDevice` that keeps running when the transport closes (see module doc)."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def receive(self, data: bytes) -> None:
        """Bytes from the controller."""
        self.device.receive(data)

    def set_output(self, cb: Callable[[bytes], None]) -> None:
        """Where the device's bytes go."""
        self.device.set_output(cb)

    def set_disconnect_handler(self, cb: Callable[[], None]) -> None:
        """Called when an injected disconnect cuts the link."""
        self.device.set_disconnect_handler(cb)

    async def start(self) -> None:
        """Power on (once; a second transport on the same device does not reset it)."""
        await self.device.start()

    async def close(self) -> None:
        """The controller let go of the port: the device itself stays on."""


class RecordingLink(Link):
    """A :class:`Link` that keeps ``(loop time, setpoint)`` of everything submitted."""

    def __init__(self, transport: SimTransport) -> None:
        super().__init__(transport)
        self.sent: list[tuple[float, ChannelSetpoint]] = []

    def submit(self, setpoint: ChannelSetpoint) -> None:
        """Record, then queue as usual."""
        self.sent.append((asyncio.get_running_loop().time(), setpoint))
        super().submit(setpoint)


@dataclass(slots=True)
class SessionLog:
    """What one session did, in device-record time (seconds since the device powered on)."""

    result: SessionResult | None = None
    error: MassageCtlError | None = None
    play_start_s: float | None = None
    actions_s: list[tuple[float, Action]] = field(default_factory=list)
    sent: list[tuple[float, ChannelSetpoint]] = field(default_factory=list)
    events: list[ProgressEvent] = field(default_factory=list)
    watchdog_ms: int | None = None
    hung: bool = False


def connector(
    device: PoweredDevice, profile: str, links: list[RecordingLink]
) -> Callable[[], asyncio.Future[LinkConnection]]:
    """A ``Session(connect=...)`` opening a new transport + link to the same powered device."""

    async def connect() -> LinkConnection:
        transport = SimTransport(profile, device_factory=lambda: device)
        await transport.open()
        link = RecordingLink(transport)
        links.append(link)
        return await connect_link(transport, link)

    return lambda: asyncio.ensure_future(connect())


async def play_session(
    sim: SimDevice,
    powered: PoweredDevice,
    timeline: Timeline,
    safety: SafetyProfile,
    intensity: float,
    actions: tuple[Action, ...],
) -> SessionLog:
    """One session on ``powered``; ``actions`` are timed from the start of playback."""
    loop = asyncio.get_running_loop()
    log = SessionLog()
    links: list[RecordingLink] = []

    def build(_profile: DeviceProfile) -> Timeline:
        return timeline

    session = Session(f"sim://{sim.profile.id}", build, safety, intensity=intensity,
                      connect=connector(powered, sim.profile.id, links))
    handles: list[asyncio.TimerHandle] = []

    def record_time() -> float:
        return loop.time() - sim.core.start_s

    def act(action: Action) -> None:
        log.actions_s.append((record_time(), action))
        {"stop": lambda: session.stop("stop"), "pause": session.pause,
         "resume": session.resume, "skip": session.skip_phase,
         "adjust": lambda: session.adjust(action.delta)}[action.kind]()

    def on_event(event: ProgressEvent) -> None:
        log.events.append(event)
        if event.kind == "state" and event.message == "started" and log.play_start_s is None:
            log.play_start_s = record_time()
            handles.extend(loop.call_later(a.at_s, act, a) for a in actions)

    session.subscribe(on_event)
    run = asyncio.ensure_future(session.run())
    # A session that outlives its program plus every pause by far is a hang: end it (the
    # checks report ``hung``) rather than simulate for ever.
    pauses_s = sum(8.0 for a in actions if a.kind == "pause")
    bound_s = timeline.duration_ms / 1000.0 + pauses_s + HANG_MARGIN_S
    try:
        done, _ = await asyncio.wait({run}, timeout=bound_s)
        if not done:
            log.hung = True
            session.stop("interrupted")
        log.result = await run
    except MassageCtlError as err:  # refused before playback (e.g. handshake under faults)
        log.error = err
    finally:
        for handle in handles:
            handle.cancel()
    if links:
        log.sent = [(t - sim.core.start_s, sp) for t, sp in links[-1].sent]
        log.watchdog_ms = links[-1].watchdog_ms
    return log


@dataclass(slots=True)
class ScenarioRun:
    """A scenario's session log and the device's record."""

    log: SessionLog
    record: Record
    end_s: float


def run_scenario(scenario: Scenario) -> ScenarioRun:
    """Play ``scenario`` on a fresh virtual-time loop, then watch the device for ``TAIL_S``."""
    loop = new_event_loop(None)
    try:
        return loop.run_until_complete(_run(scenario))
    finally:
        loop.close()


async def _run(scenario: Scenario) -> ScenarioRun:
    sim = SimDevice(scenario.device, faults=scenario.faults)
    powered = PoweredDevice(sim)
    await powered.start()
    try:
        log = await play_session(sim, powered, scenario.timeline, scenario.safety,
                                 scenario.intensity, scenario.actions)
        await asyncio.sleep(TAIL_S)
    finally:
        await sim.close()
    end_s = asyncio.get_running_loop().time() - sim.core.start_s
    return ScenarioRun(log, sim.record, end_s)


def new_device(profile: DeviceProfile, faults: FaultPlan | None = None) -> SimDevice:
    """A simulated device (for tests building their own sequence of sessions)."""
    return SimDevice(profile, faults=faults)
