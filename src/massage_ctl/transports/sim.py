"""The in-process simulator as a transport (``sim://chair|bed|pad``).

A first-class transport, not a test hack: the same protocol bytes a serial port would carry
reach a :class:`massage_sim.SimDevice` running on the same event loop, so a simulated session
exercises the codec, the link and the device's own safety layer. The device is exposed as
:attr:`SimTransport.device` so tests and the UI can inspect it.

Bytes move by plain calls, not through queues and tasks: a write hands its bytes to
``device.receive()`` at once, and what the device sends is appended to a buffer that wakes the
one reader only if it is waiting. At ``?speed=max`` a session exchanges tens of thousands of
frames, and every loop round-trip saved per frame shows (docs/CONTRACTS.md §7, 30 minutes in ≤ 1 s).

The URL's ``speed`` is not applied here: the session picks the event loop
(:func:`massage_ctl.clock.new_event_loop`), and the device runs on that loop's clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from massage_ctl.devices import load_device_profile
from massage_ctl.errors import DeviceURLError, DisconnectedError, TransportError
from massage_ctl.transports.base import Transport
from massage_ctl.transports.url import DeviceURL


class SimDeviceLike(Protocol):
    """The part of ``massage_sim.SimDevice`` this transport uses (docs/ARCHITECTURE.md)."""

    def receive(self, data: bytes) -> None:
        """Take bytes sent by the controller."""

    def set_output(self, cb: Callable[[bytes], None]) -> None:
        """Set the callback receiving bytes the device sends."""

    def set_disconnect_handler(self, cb: Callable[[], None]) -> None:
        """Set the callback run when the device drops the link (an injected fault)."""

    async def start(self) -> None:
        """Start the device's tick task on the running loop."""

    async def close(self) -> None:
        """Stop the device's tick task."""


DeviceFactory = Callable[[], SimDeviceLike]


def _simulator_factory(profile: str, faults: str | None) -> DeviceFactory:
    """A factory of ``massage_sim.SimDevice``; a bad fault spec fails here, before any open."""
    try:
        import massage_sim
    except ImportError as err:
        raise TransportError(
            f"the simulator (massage_sim) cannot be loaded: {err}",
            hint="reinstall massage-ctl; the simulator ships with it",
        ) from err
    try:
        plan = massage_sim.FaultPlan.parse(faults) if faults else None
    except massage_sim.FaultSpecError as err:
        raise DeviceURLError(f"sim://{profile}: {err}", hint=err.hint) from err

    device_profile = load_device_profile(profile)

    def make() -> SimDeviceLike:
        # Looked up, not imported by name, so this module type-checks against any massage_sim.
        sim_device_cls = vars(massage_sim).get("SimDevice")
        if sim_device_cls is None:
            raise TransportError(
                "this massage_sim has no SimDevice",
                hint="reinstall massage-ctl (the simulator is incomplete)",
            )
        device: SimDeviceLike = sim_device_cls(device_profile, faults=plan)
        return device

    return make


class _DeviceOutput:
    """Bytes the device sent, not yet read; then (maybe) the end of the stream.

    Like :class:`~massage_ctl.transports.chunks.ChunkQueue` (what arrived before a drop is
    still delivered, every later read fails), but a bytearray and one reader future instead of
    an ``asyncio.Queue`` per chunk.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._waiter: asyncio.Future[None] | None = None
        self.ended = False
        #: When set, device output goes straight to it; :meth:`read` then only waits for the end.
        self.receiver: Callable[[bytes], None] | None = None

    def push(self, data: bytes) -> None:
        """Device output (ignored after :meth:`end`, as on a dropped link)."""
        if data and not self.ended:
            if self.receiver is not None:
                self.receiver(data)
                return
            self._buf += data
            self._wake()

    def attach(self, receiver: Callable[[bytes], None] | None) -> None:
        """Send output to ``receiver`` from now on (what already waits goes to it first)."""
        self.receiver = receiver
        if receiver is not None and self._buf:
            data = bytes(self._buf)
            self._buf.clear()
            receiver(data)

    def end(self) -> None:
        """The device is gone or the transport closed: wake a blocked reader."""
        self.ended = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def read(self, description: str) -> bytes:
        """Everything waiting (at least one byte); :class:`DisconnectedError` once ended."""
        while not self._buf:
            if self.ended:
                raise DisconnectedError(f"{description}: the device dropped the link")
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        data = bytes(self._buf)
        self._buf.clear()
        return data


class SimTransport(Transport):
    """Bytes to and from an in-process simulated device."""

    kind = "sim"
    watchdog_ms = 500

    def __init__(
        self,
        profile: str = "chair",
        *,
        faults: str | None = None,
        device_factory: DeviceFactory | None = None,
    ) -> None:
        super().__init__(f"simulator sim://{profile}")
        self.profile = profile
        self.faults = faults
        self._factory = device_factory or _simulator_factory(profile, faults)
        self._device: SimDeviceLike | None = None
        self._from_device = _DeviceOutput()
        self._receiver: Callable[[bytes], None] | None = None
        self._running = False

    @classmethod
    def from_url(cls, url: DeviceURL) -> SimTransport:
        """A transport for ``sim://PROFILE[?faults=SPEC]``."""
        return cls(url.target, faults=url.faults)

    @property
    def device(self) -> SimDeviceLike:
        """The simulated device (available from open on, and still after close)."""
        if self._device is None:
            raise TransportError(f"{self.description}: not opened yet")
        return self._device

    def set_receiver(self, receiver: Callable[[bytes], None] | None) -> bool:
        """Deliver the device's bytes by calling ``receiver`` instead of through :meth:`read`.

        The link uses it to spare a reader-task wake-up per received chunk. :meth:`read` then
        only waits for the end of the stream (and raises :class:`DisconnectedError` when the
        device is gone). ``None`` switches back. Always taken (returns True).
        """
        self._receiver = receiver
        self._from_device.attach(receiver)
        return True

    async def _open(self) -> None:
        self._from_device = _DeviceOutput()
        self._from_device.receiver = self._receiver
        device = self._factory()
        device.set_output(self._from_device.push)
        device.set_disconnect_handler(self._from_device.end)
        self._device = device
        await device.start()
        self._running = True

    def can_write_now(self) -> bool:
        """The simulator takes bytes at once while it is connected."""
        return self._is_open and self._device is not None and not self._from_device.ended

    async def _write(self, data: bytes) -> None:
        self._write_now(data)

    def _write_now(self, data: bytes) -> None:
        device = self._device
        if self._from_device.ended or device is None:
            raise DisconnectedError(f"{self.description}: the device dropped the link")
        try:
            # The device acts on the bytes now; its answers go to the receiver (or wait in the
            # buffer until the reader runs).
            device.receive(bytes(data))
        except Exception as err:
            self._from_device.end()  # a crashed simulator looks like a lost link, not a hang
            raise DisconnectedError(
                f"{self.description}: the simulator failed: {err!r}",
                hint="this is a bug in massage_sim; please report it with the trace",
            ) from err

    async def _read(self) -> bytes:
        return await self._from_device.read(self.description)

    async def _close(self) -> None:
        running = self._running
        self._from_device.end()  # wake a reader blocked in read()
        # The device stays reachable as .device after close, so its record can be inspected.
        device, self._running = self._device, False
        if device is not None and running:
            await device.close()
