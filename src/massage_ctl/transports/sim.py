"""The in-process simulator as a transport (``sim://chair|bed|pad``).

A first-class transport, not a test hack: the same protocol bytes a serial port would carry
flow through asyncio queues to a :class:`massage_sim.SimDevice` running on the same event loop,
so a simulated session exercises the codec, the link and the device's own safety layer. The
device is exposed as :attr:`SimTransport.device` so tests and the UI can inspect it.

The URL's ``speed`` is not applied here: the session picks the event loop
(:func:`massage_ctl.clock.new_event_loop`), and the device runs on that loop's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol

from massage_ctl.devices import load_device_profile
from massage_ctl.errors import DeviceURLError, DisconnectedError, TransportError
from massage_ctl.transports.base import Transport
from massage_ctl.transports.chunks import ChunkQueue
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
        self._to_device: asyncio.Queue[bytes] = asyncio.Queue()
        self._from_device = ChunkQueue()
        self._pump: asyncio.Task[None] | None = None
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

    async def _open(self) -> None:
        self._to_device = asyncio.Queue()
        self._from_device = ChunkQueue()
        device = self._factory()
        device.set_output(self._on_device_output)
        device.set_disconnect_handler(self._on_device_disconnect)
        self._device = device
        await device.start()
        self._running = True
        self._pump = asyncio.get_running_loop().create_task(
            self._deliver(device), name="sim-transport-pump"
        )

    def _on_device_output(self, data: bytes) -> None:
        self._from_device.push(data)

    def _on_device_disconnect(self) -> None:
        self._from_device.end()

    async def _deliver(self, device: SimDeviceLike) -> None:
        # One hop through the loop, like a wire: write() returns before the device acts.
        try:
            while True:
                data = await self._to_device.get()
                if not self._from_device.ended:
                    device.receive(data)
        except Exception:
            self._from_device.end()  # a crashed simulator looks like a lost link, not a hang
            raise

    def _flush_to_device(self) -> None:
        # Bytes written just before close (typically a STOP) must still reach the device.
        device = self._device
        while not self._to_device.empty():
            data = self._to_device.get_nowait()
            if device is not None and not self._from_device.ended:
                device.receive(data)

    async def _write(self, data: bytes) -> None:
        if self._from_device.ended:
            raise DisconnectedError(f"{self.description}: the device dropped the link")
        self._to_device.put_nowait(bytes(data))

    async def _read(self) -> bytes:
        return await self._from_device.read(self.description)

    async def _close(self) -> None:
        running = self._running
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.cancel()
            self._flush_to_device()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        self._from_device.end()  # wake a reader blocked in read()
        # The device stays reachable as .device after close, so its record can be inspected.
        device, self._running = self._device, False
        if device is not None and running:
            await device.close()
