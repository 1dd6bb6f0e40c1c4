"""Helpers for the contract scenarios: the short program, connecting, going silent, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile
from massage_ctl.player.session import LinkConnection, connect_link
from massage_ctl.program.loader import load_program_file
from massage_ctl.safety.profile import SafetyProfile, load_safety_profile
from massage_ctl.timeline import Timeline
from massage_ctl.transports.base import Transport

from .peers import DeviceSample, Peer

PROGRAM_PATH = Path(__file__).parent / "data" / "contract-short.toml"
#: "Zero" for an output the device reports as a float (STOP and the watchdog force exact zero).
ZERO = 1e-6
#: "At rest" after a program's own end: air cells empty with a first-order lag (tau 0.8 s in the
#: simulator), so they approach zero rather than snap to it; 0.5 % of full scale is not felt.
AT_REST = 0.005


def standard_safety() -> SafetyProfile:
    """The default safety profile."""
    return load_safety_profile("standard")


def build_timeline(profile: DeviceProfile) -> Timeline:
    """The short contract program compiled for ``profile`` under ``standard``."""
    return compile_program(load_program_file(PROGRAM_PATH), profile, standard_safety())


def output_channels(profile: DeviceProfile) -> list[str]:
    """Channels that must be zero when the device is "off": all but roller ``position``
    (a place, not a force: the carriage halts where it stands)."""
    return [c.id for c in profile.channels if c.kind != "position"]


def outputs_zero(sample: DeviceSample, channels: list[str], tolerance: float = ZERO) -> bool:
    """True when every one of ``channels`` is zero (within ``tolerance``) in ``sample``."""
    return all(abs(sample.channels[ch]) <= tolerance for ch in channels)


async def connect(peer: Peer, wrap: Callable[[Transport], Transport] | None = None
                  ) -> LinkConnection:
    """Open the peer's transport (optionally wrapped) and do the handshake."""
    transport = await peer.open_transport()
    if wrap is not None:
        transport = wrap(transport)
        await transport.open()
    return await connect_link(transport)


class SilenceableTransport(Transport):
    """Passes bytes through to ``inner`` until :meth:`go_silent`; from then on every write
    blocks forever, as if the controller hung. Reading goes on, so telemetry still arrives."""

    def __init__(self, inner: Transport) -> None:
        super().__init__(inner.description)
        self.inner = inner
        self.kind = inner.kind
        self.watchdog_ms = inner.watchdog_ms
        self._silent = asyncio.Event()
        #: Loop time at which the last write that reached the inner transport returned.
        self.last_write_done = 0.0

    def go_silent(self) -> None:
        """Send nothing more."""
        self._silent.set()

    async def _open(self) -> None:
        await self.inner.open()
        self.max_write = self.inner.max_write  # BLE learns its ATT payload at open

    async def _write(self, data: bytes) -> None:
        if self._silent.is_set():
            await asyncio.Future()  # blocks until the link's writer is cancelled
        await self.inner.write(data)
        self.last_write_done = asyncio.get_running_loop().time()

    async def _read(self) -> bytes:
        return await self.inner.read()

    async def _close(self) -> None:
        await self.inner.close()


async def wait_until(what: str, check: Callable[[], bool], timeout_s: float) -> None:
    """Poll ``check`` every 20 ms (loop time) until true; AssertionError naming ``what``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() >= deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for: {what}")
        await asyncio.sleep(0.02)


async def settle_trace(peer: Peer) -> list[DeviceSample]:
    """The device's samples once everything up to now is surely in its trace."""
    await asyncio.sleep(peer.trace_lag_s + 0.3)
    return peer.samples()
