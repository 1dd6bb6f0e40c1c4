"""The five device peers of the contract suite, each with a way to see what the device really did.

A :class:`Peer` gives the controller an opened :class:`~massage_ctl.transports.base.Transport`
to a device, and exposes the device's own account of its outputs and state as
:class:`DeviceSample` / :class:`DeviceEvent` lists — taken from the simulator's ``record`` (in
process, BLE) or from the JSON Lines ``--trace`` file of ``massage-sim serve`` and of the C host
program (pty, TCP). The controller's telemetry is never used as the device's word.

Each peer brings the event loop it must run on (:meth:`Peer.run`): virtual time for the peers
that live in the test's own loop, real time for the ones behind a pty or a socket.
"""

from __future__ import annotations

import abc
import asyncio
import json
import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from massage_ctl.clock import new_event_loop
from massage_ctl.transports import open_transport
from massage_ctl.transports.base import Transport
from massage_ctl.transports.ble import BleOptions, BleTransport
from massage_ctl.transports.sim import SimTransport
from massage_sim.ble_backend import SimBleRadio
from massage_sim.device import SimDevice
from massage_sim.record import Record

T = TypeVar("T")

#: How long a served device may take to print where to connect.
ANNOUNCE_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class DeviceSample:
    """The device at one instant, in its own words (``t_s`` on the device's clock)."""

    t_s: float
    state: str  # idle | running | stopped | link-lost | fault
    channels: dict[str, float]


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """Something the device logged (``stop-received``, ``watchdog-fired``, ``state``, ...)."""

    t_s: float
    kind: str
    detail: str = ""


class Peer(abc.ABC):
    """One kind of device at the far end of one kind of transport."""

    #: Test id, e.g. ``sim-pty``.
    name: str
    #: The shipped device profile the peer plays.
    profile_id: str
    #: True: the peer runs on the wall clock (real I/O); False: virtual time in the test's loop.
    real_time: bool
    #: The newest trace samples may lag behind the device by this much (buffered writes).
    trace_lag_s: float = 0.0

    def new_loop(self) -> asyncio.AbstractEventLoop:
        """The event loop this peer's scenarios run on."""
        return new_event_loop(1.0 if self.real_time else None)

    def run(self, scenario: Callable[[Peer], Awaitable[T]]) -> T:
        """Run ``scenario(self)`` on this peer's loop; in-loop parts of the peer end with it."""

        async def main() -> T:
            try:
                return await scenario(self)
            finally:
                await self.aclose()

        loop = self.new_loop()
        try:
            return loop.run_until_complete(main())
        finally:
            loop.close()

    @abc.abstractmethod
    async def open_transport(self) -> Transport:
        """A transport to the device, already open."""

    @abc.abstractmethod
    def samples(self) -> list[DeviceSample]:
        """Every sample the device recorded so far, in time order."""

    @abc.abstractmethod
    def events(self) -> list[DeviceEvent]:
        """Every event the device recorded so far, in time order."""

    async def aclose(self) -> None:
        """Release what lives in the scenario's loop (simulated devices)."""
        return None

    def close(self) -> None:
        """Release what outlives a loop (processes); safe to call twice."""
        return None


# -- in-process devices: the simulator's record --------------------------------------------------
def _record_samples(record: Record) -> list[DeviceSample]:
    ids = record.channel_ids
    return [
        DeviceSample(s.t_s, s.state, dict(zip(ids, s.values, strict=True)))
        for s in record.samples
    ]


def _record_events(record: Record) -> list[DeviceEvent]:
    return [DeviceEvent(e.t_s, e.kind, e.detail) for e in record.events]


class _PoweredOn:
    """One :class:`SimDevice` behind every transport of a peer: closing a transport (a
    controller process ending) does not power the device off — as with a real device."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def __getattr__(self, name: str) -> object:
        return getattr(self.device, name)

    async def close(self) -> None:
        return None


class InProcessSimPeer(Peer):
    """``sim://PROFILE``: the simulator in the test's loop, reached through the codec. Every
    :meth:`open_transport` reaches the same device, which stays on until the scenario ends."""

    real_time = False

    def __init__(self, profile_id: str, faults: str | None = None) -> None:
        self.name = "sim-inprocess"
        self.profile_id = profile_id
        self.faults = faults
        self._device: SimDevice | None = None

    async def open_transport(self) -> Transport:
        if self._device is None:
            self._device = SimDevice(self.profile_id, faults=self.faults)
        kept = _PoweredOn(self._device)
        transport = SimTransport(self.profile_id, device_factory=lambda: kept)  # type: ignore[arg-type,return-value]
        await transport.open()
        return transport

    @property
    def device(self) -> SimDevice:
        """The simulated device (after the first :meth:`open_transport`)."""
        assert self._device is not None, "open_transport() first"
        return self._device

    def _record(self) -> Record:
        return self.device.record

    def samples(self) -> list[DeviceSample]:
        return _record_samples(self._record())

    def events(self) -> list[DeviceEvent]:
        return _record_events(self._record())

    async def aclose(self) -> None:
        if self._device is not None:
            await self._device.close()  # powers the simulated device off


class BlePeer(Peer):
    """``ble://NAME`` through bleak's real client and scanner, on the simulated radio backend."""

    real_time = False
    address = "C0:FF:EE:00:00:07"

    def __init__(self, profile_id: str) -> None:
        self.name = "ble-sim"
        self.profile_id = profile_id
        self.advertised_name = f"Massage-{profile_id}"
        self._device: SimDevice | None = None
        self._transports: list[Transport] = []

    async def open_transport(self) -> Transport:
        if self._device is None:
            self._device = SimDevice(self.profile_id)
            await self._device.start()
        radio = SimBleRadio()
        radio.add_peripheral(self._device, address=self.address, name=self.advertised_name)
        options = BleOptions(
            client_backend=radio.client_backend, scanner_backend=radio.scanner_backend
        )
        transport = BleTransport(self.advertised_name, options=options)
        await transport.open()
        self._transports.append(transport)
        return transport

    def _record(self) -> Record:
        assert self._device is not None, "open_transport() first"
        return self._device.record

    def samples(self) -> list[DeviceSample]:
        return _record_samples(self._record())

    def events(self) -> list[DeviceEvent]:
        return _record_events(self._record())

    async def aclose(self) -> None:
        for transport in self._transports:
            await transport.close()
        if self._device is not None:
            await self._device.close()


# -- served devices: a process and its JSON Lines trace --------------------------------------------
def read_trace(path: Path) -> tuple[list[DeviceSample], list[DeviceEvent]]:
    """Samples and events of a JSON Lines trace (a half-written last line is left for later)."""
    samples: list[DeviceSample] = []
    events: list[DeviceEvent] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return samples, events
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # the writer is mid-line
        row = json.loads(line)
        t_s = row["t_ms"] / 1000.0
        if "state" in row:
            channels = {k: float(v) for k, v in row["channels"].items()}
            samples.append(DeviceSample(t_s, row["state"], channels))
        else:
            events.append(DeviceEvent(t_s, row["event"], str(row.get("detail", ""))))
    return samples, events


class ProcessPeer(Peer):
    """A device program on its own (real) clock: first stdout line says where to connect."""

    real_time = True

    def __init__(
        self, name: str, profile_id: str, argv: Sequence[str], workdir: Path, trace_lag_s: float
    ) -> None:
        self.name = name
        self.profile_id = profile_id
        self.trace_lag_s = trace_lag_s
        self.trace_path = workdir / f"{name}.jsonl"
        self._stderr_path = workdir / f"{name}.stderr"
        self._argv = [*argv, "--trace", str(self.trace_path)]
        self._proc: subprocess.Popen[bytes] | None = None
        self.where = ""

    def start(self) -> None:
        """Start the program and read where it listens; fails the test if it does not say."""
        with self._stderr_path.open("wb") as stderr:
            self._proc = subprocess.Popen(
                self._argv, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True
            )
        assert self._proc.stdout is not None
        line = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout, selectors.EVENT_READ)
            if sel.select(ANNOUNCE_TIMEOUT_S):
                line = self._proc.stdout.readline()
        self.where = line.decode().strip()
        if not self.where:
            self.close()
            err = self._stderr_path.read_text(errors="replace")
            pytest.fail(f"{self.name}: {self._argv[0]} did not say where to connect\n{err}",
                        pytrace=False)

    async def open_transport(self) -> Transport:
        transport = open_transport(self.where)
        await transport.open()
        return transport

    def samples(self) -> list[DeviceSample]:
        return read_trace(self.trace_path)[0]

    def events(self) -> list[DeviceEvent]:
        return read_trace(self.trace_path)[1]

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: only what we started
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def sim_serve_argv(how: Sequence[str], profile_id: str) -> list[str]:
    """``massage-sim serve`` with ``how`` (``--pty`` or ``--tcp 0``) for ``profile_id``."""
    return [sys.executable, "-m", "massage_sim.cli", "serve", *how, "--profile", profile_id]
