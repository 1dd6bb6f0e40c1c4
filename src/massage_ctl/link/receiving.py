"""The link's receiving side: the reader task, decoding, telemetry, and silence detection.

A base of :class:`~massage_ctl.link.link.Link` (split off to keep each file readable): it
decodes everything the device sends — STATUS through the fast path, other frames through the
codec, bad frames counted and skipped — and hands ACKs, handshake frames and FAULTs on. Only a
valid STATUS proves the device alive (PROTOCOL.md §7.6): it alone restarts the silence timer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import DisconnectedError, LinkError, MassageCtlError
from massage_ctl.link.api import LinkStatus, StatusCallback
from massage_ctl.link.handshake import Handshake
from massage_ctl.link.outbox import Outbox
from massage_ctl.link.telemetry import STOPPED_WIRE_STATES, TelemetryDecoder
from massage_ctl.protocol.codec import decode_raw
from massage_ctl.protocol.errors import FrameError, VersionError
from massage_ctl.protocol.messages import (
    Ack,
    ChannelInfo,
    DeviceInfo,
    Fault,
    Message,
    Status,
    Temperature,
)
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SUPPORTED_VERSIONS
from massage_ctl.protocol.shortcuts import StatusFields, read_status
from massage_ctl.protocol.stream import FrameDecoder

if TYPE_CHECKING:
    from massage_ctl.transports.base import Transport


class ReceivingSide:
    """What :class:`~massage_ctl.link.link.Link` does with the bytes the device sends."""

    transport: Transport
    silence_s: float
    bad_frames: int
    last_fault: Fault | None
    _profile: DeviceProfile | None
    _telemetry: TelemetryDecoder | None
    _status: LinkStatus | None
    _status_event: asyncio.Event
    _subs: list[StatusCallback]
    _decoder: FrameDecoder
    _out: Outbox
    _pending: dict[int, tuple[str, asyncio.Future[Ack]]]
    _handshake: Handshake
    _last_rx: float
    #: STATUS straight from the bytes, for the negotiated version (read_status by default).
    _read_status: Callable[[bytes], StatusFields | None] = staticmethod(read_status)

    @staticmethod
    def _status_reader(version: int) -> Callable[[bytes], StatusFields | None]:
        if version == PROTOCOL_VERSION:
            return read_status
        return partial(read_status, version=version)

    def _fail(self, err: MassageCtlError) -> None:
        raise NotImplementedError  # Link ends itself

    async def _reader(self) -> None:
        # A transport that can call us with what it receives (the in-process simulator) does
        # so: no task wake-up per chunk. read() then only returns at the end of the stream.
        receiving = self.transport.set_receiver(self._received)
        try:
            while True:
                try:
                    data = await self.transport.read()
                except MassageCtlError as err:
                    self._fail(err)
                    return
                self._received(data)
        finally:
            if receiving:
                self.transport.set_receiver(None)

    def _received(self, data: bytes) -> None:
        """Decode and act on received bytes: every complete frame in them, in order."""
        try:
            self._decode(data)
        except Exception as err:
            # A bug here (e.g. in a status subscriber) must end the link loudly, never leave
            # it half alive; and it must not be thrown into the transport that called us.
            self._fail(LinkError(f"{self.transport.description}: receiving failed: {err!r}"))

    def _decode(self, data: bytes) -> None:
        # Only a valid STATUS proves the device alive (PROTOCOL.md §7.6): it sets _last_rx in
        # _status_received; noise, bad frames and ACKs do not.
        now = asyncio.get_running_loop().time()
        # STATUS (10 Hz, most of what arrives) comes as its fields, without Frame and Status
        # objects in between; everything else as a Frame (docs/LINK.md, "Telemetry").
        for item in self._decoder.feed_with(data, self._read_status):
            if isinstance(item, StatusFields):
                self._status_received(
                    item.state, item.fault_bits, item.last_seq, item.values, now
                )
                continue
            if isinstance(item, FrameError):
                if (
                    isinstance(item, VersionError)
                    and self._profile is None
                    and item.version in SUPPORTED_VERSIONS
                ):
                    # During the handshake a device may answer in another version we speak
                    # (a version-1 device's DEVICE_INFO + VERSION_MISMATCH): read it, so
                    # the version negotiation can greet it in its own version.
                    self._handshake_frame(item)
                    continue
                self.bad_frames += 1
                if isinstance(item, VersionError) and self._profile is None:
                    self._fail(LinkError(
                        f"the device speaks protocol version {item.version}, "
                        f"massage_ctl speaks {PROTOCOL_VERSION}",
                        hint="update the firmware or massage_ctl so both match",
                    ))
                continue
            self._dispatch(item.message, now)

    def _handshake_frame(self, err: VersionError) -> None:
        try:
            _seq, msg = decode_raw(err.raw, err.version)
        except FrameError:
            self.bad_frames += 1
            return
        if isinstance(msg, DeviceInfo | ChannelInfo | Ack):
            self._dispatch(msg, asyncio.get_running_loop().time())

    def _status_received(
        self, state: int, fault_bits: int, last_seq: int, values: tuple[int, ...], now: float
    ) -> None:
        if self._telemetry is None:
            return
        self._last_rx = now
        self._status = status = self._telemetry.decode_fields(
            state, fault_bits, last_seq, values, now
        )
        if self._out.stop_flag and state in STOPPED_WIRE_STATES:
            self._out.stop_flag = False
        self._status_event.set()
        for cb in tuple(self._subs):  # a callback may unsubscribe
            cb(status)

    def _dispatch(self, msg: Message, now: float) -> None:
        if isinstance(msg, Status):
            self._status_received(msg.state, msg.fault_bits, msg.last_seq, msg.values, now)
        elif isinstance(msg, Ack):
            entry = self._pending.get(msg.acked_seq)
            if entry is not None and not entry[1].done():
                entry[1].set_result(msg)
        elif isinstance(msg, DeviceInfo | ChannelInfo):
            self._handshake.add(msg)
        elif isinstance(msg, Fault):
            self.last_fault = msg
        elif isinstance(msg, Temperature) and self._telemetry is not None:
            self._telemetry.temperature(
                {r.channel: r.temp_milli / 1000.0 for r in msg.readings}
            )

    def _went_silent(self, now: float) -> bool:
        """True (and the link failed) when the device sent nothing for ``silence_s``."""
        if self._profile is not None and now - self._last_rx > self.silence_s:
            self._fail(DisconnectedError(
                f"{self.transport.description}: the device stopped answering "
                f"({self.silence_s:g} s without a valid status report)"
            ))
            return True
        return False

