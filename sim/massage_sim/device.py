"""The simulated device on the wire: frames in, frames out, on the running loop's clock.

:class:`SimDevice` is the contract the ``sim://`` transport and the pty/TCP servers build on
(docs/ARCHITECTURE.md, "Simulator contract"). It decodes controller bytes with the project's
codec, drives :class:`~massage_sim.device_core.DeviceCore`, and sends DEVICE_INFO / CHANNEL_INFO,
ACK, STATUS (10 Hz and at once on a state change) and FAULT frames back, exactly as firmware
does. Link faults of a :class:`~massage_sim.faults.FaultPlan` (corrupt, drop, delay, disconnect)
are applied here; device faults (stuck, over-temperature, reset) in the core.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable
from itertools import compress
from operator import attrgetter, ne
from pathlib import Path
from typing import TextIO

from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.errors import MassageCtlError
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import DeviceState, FaultCode
from massage_ctl.protocol.errors import FrameError, VersionError
from massage_ctl.protocol.handshake import handshake_messages_for
from massage_ctl.protocol.messages import (
    Ack,
    Clear,
    Fault,
    Frame,
    Heartbeat,
    Hello,
    Message,
    SessionEnd,
    SessionStart,
    Setpoint,
    Status,
    Stop,
    Temperature,
    TemperatureReading,
)
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASHES, SUPPORTED_VERSIONS
from massage_ctl.protocol.shortcuts import encode_status, read_heartbeat
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.protocol.units import (
    RAW_FULL_SCALE,
    chz_to_hz,
    hard_max_raw,
    raw_to_value,
    to_milli,
    value_to_raw,
)
from massage_ctl.vocabulary import PATTERNS
from massage_sim.device_core import DeviceCore, Reply, SessionLimits, SetpointRequest
from massage_sim.faults import FaultPlan
from massage_sim.record import Record

_ACTUAL = attrgetter("actual")

#: STATUS period (s): 10 Hz of the loop's clock.
STATUS_PERIOD_S = 0.1
#: TEMPERATURE (protocol version 2) every this many STATUS ticks: once per second.
TEMPERATURE_TICKS = 10
FIRMWARE_VERSION = "massage_sim 0.1"


def _to_raw(value: float, range_max: float) -> int:
    """:func:`value_to_raw`'s arithmetic without its argument checks, which cannot fail for a
    positive finite ``range_max`` (checked once per device) and the model's finite values."""
    return round(min(max(value / range_max, 0.0), 1.0) * RAW_FULL_SCALE)


class SimDevice:
    """A virtual device with ``profile`` (a DeviceProfile, or a name / descriptor path).

    ``faults`` is a :class:`FaultPlan` or its compact string; ``trace`` a path or open text file
    receiving the JSON Lines record. ``protocol`` is the wire protocol version it speaks: 2
    (session limits, measured heat, foreign HELLOs answered) or 1, exactly as version-1
    firmware behaves (a HELLO of another version goes unanswered) — to test that
    massage_ctl still serves such devices. Use: :meth:`set_output`, ``await`` :meth:`start`,
    feed :meth:`receive`, ``await`` :meth:`close`; :attr:`record` holds what happened.
    """

    def __init__(
        self,
        profile: DeviceProfile | str | Path,
        *,
        faults: FaultPlan | str | None = None,
        trace: str | Path | TextIO | None = None,
        protocol: int = PROTOCOL_VERSION,
    ) -> None:
        if protocol not in SUPPORTED_VERSIONS:
            raise MassageCtlError(
                f"the simulator speaks protocol version "
                f"{' or '.join(map(str, SUPPORTED_VERSIONS))}, not {protocol}",
                hint="use --protocol 1 or --protocol 2",
            )
        self.protocol = protocol
        #: Answer a HELLO of another version (PROTOCOL.md §9). Version-1 firmware as it
        #: shipped did not; a test may switch it on to play a version-1 device that does.
        self.answers_foreign_hello = protocol >= 2
        if not isinstance(profile, DeviceProfile):
            profile = load_device_profile(profile)
        self.profile = profile
        self.faults = FaultPlan.parse(faults) if isinstance(faults, str) else faults or FaultPlan()
        self._rng = random.Random(self.faults.seed)
        self._trace_path = None if trace is None or not isinstance(trace, str | Path) else trace
        self._trace_file: TextIO | None = None if isinstance(trace, str | Path) else trace
        heat_ids = tuple(c.id for c in self.profile.channels if c.kind == "heat")
        self.record = Record(tuple(c.id for c in self.profile.channels), heat_ids)
        self._core: DeviceCore | None = None
        self._decoder = FrameDecoder(protocol)
        self._heat = tuple(i for i, c in enumerate(self.profile.channels) if c.kind == "heat")
        self._output: Callable[[bytes], None] | None = None
        self._on_disconnect: Callable[[], None] | None = None
        self._connected = True
        self._seq = 0
        # The 10 Hz STATUS tick is a chain of loop callbacks rather than a sleeping task: a
        # timer handle per tick is much cheaper than a task wake-up, and a 30-minute session
        # at ?speed=max makes 18 000 of them.
        self._tick_handle: asyncio.Handle | None = None
        self._next_tick_s = 0.0
        self._ticks = 0
        self._timers: list[asyncio.TimerHandle] = []
        maxima = tuple(c.max for c in self.profile.channels)
        self._range_max = maxima if all(0 < m < math.inf for m in maxima) else None
        # The last STATUS values and their raw encodings: most channels hold still between two
        # ticks, and an unchanged value keeps its raw value.
        self._last_values: tuple[float, ...] = ()
        self._last_raw: tuple[int, ...] = ()

    # ------------------------------------------------------------------------- the contract
    @property
    def core(self) -> DeviceCore:
        """The state machine and physics (after :meth:`start`)."""
        if self._core is None:
            raise RuntimeError("SimDevice.start() has not been awaited")
        return self._core

    @property
    def state(self) -> DeviceState:
        """The device's current state (IDLE before :meth:`start`)."""
        return self._core.state if self._core else DeviceState.IDLE

    def set_output(self, cb: Callable[[bytes], None]) -> None:
        """Set the callback receiving every byte string the device sends."""
        self._output = cb

    def set_disconnect_handler(self, cb: Callable[[], None]) -> None:
        """Set the callback run when an injected disconnect cuts the link."""
        self._on_disconnect = cb

    async def start(self) -> None:
        """Power on: the clock starts now; STATUS every 100 ms until :meth:`close`."""
        if self._tick_handle is not None:
            return
        loop = asyncio.get_running_loop()
        if self._trace_path is not None:
            try:
                self._trace_file = open(self._trace_path, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as err:
                raise MassageCtlError(
                    f"cannot write trace file {self._trace_path}: {err.strerror}",
                    hint="give --trace a path in a writable folder",
                ) from err
        self.record.trace = self._trace_file
        self._core = DeviceCore(
            self.profile, start_s=loop.time(), faults=self.faults, record=self.record
        )
        self._core.on_fault = self._send_fault
        self._core.on_state_change = lambda _state: self._send_status()
        if self.faults.disconnect_at_s is not None:
            self._timers.append(
                loop.call_at(self._core.start_s + self.faults.disconnect_at_s, self._disconnect)
            )
        self._next_tick_s = loop.time()
        self._tick_handle = loop.call_soon(self._tick)

    async def close(self) -> None:
        """Power off: stop ticking, take a last sample, flush and close the trace."""
        for timer in self._timers:
            timer.cancel()
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
            self.core.sample(asyncio.get_running_loop().time())
        self.record.flush()
        if self._trace_path is not None and self._trace_file is not None:
            self._trace_file.close()
            self._trace_file = None
            self.record.trace = None

    def receive(self, data: bytes) -> None:
        """Bytes from the controller (any chunking). Ignored while the link is cut."""
        if not self._connected or self._core is None:
            return
        if self.faults.corrupt:
            data = self._corrupt(data)
        now = asyncio.get_running_loop().time()
        # Heartbeats (every 100 ms, most of what arrives) come as (seq, stop_requested), read
        # from the bytes with every check but without Frame/Heartbeat objects; the rest as Frames.
        for item in self._decoder.feed_with(data, self._read_heartbeat):
            if isinstance(item, FrameError):
                self.core.advance(now)
                self.core.event("bad-frame", item.kind)
                if isinstance(item, VersionError) and self.answers_foreign_hello:
                    self._foreign_hello(now, item)
                continue
            if self.faults.drop and self._rng.random() < self.faults.drop:
                continue
            if isinstance(item, tuple):
                self.core.heartbeat(now, item[0], item[1])
            else:
                self._handle(now, item)

    def _read_heartbeat(self, piece: bytes) -> tuple[int, bool] | None:
        return read_heartbeat(piece, self.protocol)

    def reconnect(self) -> None:
        """The link is back (a new client, a re-plugged cable): bytes flow again."""
        self._connected = True
        self._decoder.reset()
        if self._core is not None:
            self._core.event("connected")

    # ------------------------------------------------------------------------------ frames in
    def _handle(self, now: float, frame: Frame) -> None:
        core, msg, seq = self.core, frame.message, frame.seq
        if isinstance(msg, Stop):
            self._ack(seq, msg, core.stop(now, seq, msg.reason.name.lower()))
        elif isinstance(msg, Heartbeat):
            core.heartbeat(now, seq, msg.stop_requested)
        elif isinstance(msg, Setpoint):
            requests = [self._request(e.channel, e.target, e.ramp_ms, e.pattern, e.rate_chz)
                        for e in msg.entries]
            for reply in core.setpoint(now, seq, requests):
                self._ack(seq, msg, reply)
        elif isinstance(msg, Hello):
            self._hello(now, seq, msg)
        elif isinstance(msg, SessionStart):
            channels = self.profile.channels
            limits = [
                SessionLimits(
                    lim.channel,
                    raw_to_value(lim.max_target, channels[lim.channel].max)
                    if lim.channel < len(channels) else 0.0,
                    lim.max_ramp_milli_per_s / 1000.0,
                )
                for lim in msg.limits
            ]
            self._ack(seq, msg, core.session_start(now, seq, msg.watchdog_ms, limits))
        elif isinstance(msg, SessionEnd):
            self._ack(seq, msg, core.session_end(now, seq))
        elif isinstance(msg, Clear):
            self._ack(seq, msg, core.clear(now, seq))
        else:
            core.advance(now)
            core.event("unexpected-frame", msg.NAME)

    def _request(
        self, channel: int, raw: int, ramp_ms: int, pattern: int, rate_chz: int
    ) -> SetpointRequest:
        spec = self.profile.channels[channel] if channel < len(self.profile.channels) else None
        target = raw_to_value(raw, spec.max) if spec else 0.0
        if spec is not None and raw <= hard_max_raw(to_milli(spec.hard_max), to_milli(spec.max)):
            # The hard max is compared in raw units (PROTOCOL.md §5.6): the controller's own
            # encoding of it is no clamp, and the output still stays at the hard max itself.
            target = min(target, spec.hard_max)
        name = PATTERNS[pattern] if 0 <= pattern < len(PATTERNS) else "unknown"
        return SetpointRequest(channel, target, ramp_ms, name, chz_to_hz(rate_chz))

    def _hello(self, now: float, seq: int, msg: Hello) -> None:
        # Every HELLO is processed and answered in full, a repeated one too (PROTOCOL §5.1);
        # a mismatched one gets DEVICE_INFO, so the controller can name both versions/hashes.
        matching = (
            msg.protocol_version == self.protocol
            and msg.schema_hash == SCHEMA_HASHES[self.protocol]
        )
        reply = self.core.hello(now, seq, matching=matching)
        info, channels = handshake_messages_for(
            self.profile, firmware_version=FIRMWARE_VERSION, version=self.protocol
        )
        for m in (info, *channels) if matching else (info,):
            self._send(m)
        self._ack(seq, msg, reply)

    def _foreign_hello(self, now: float, err: VersionError) -> None:
        """A HELLO in another version's frame (PROTOCOL.md §9): its first two fields are frozen
        in every version, so read them and answer DEVICE_INFO + ACK VERSION_MISMATCH in our
        own version. Like any mismatched HELLO it ends a running session (ramp to zero) and
        revokes the handshake: whoever sends it cannot have our session. A frame of another
        type, or a HELLO too short for the frozen fields, is dropped."""
        raw = err.raw
        if err.message_type != Hello.TYPE or len(raw) < 4 + 5 + 2:
            return
        seq = raw[2] | raw[3] << 8
        hello = Hello(raw[4], int.from_bytes(raw[5:9], "little"))
        self._hello(now, seq, hello)

    # ----------------------------------------------------------------------------- frames out
    def _ack(self, seq: int, msg: Message, reply: Reply | None) -> None:
        if reply is not None:  # None: a stale command, ignored without an answer
            self._send(Ack(seq, msg.TYPE, reply.result, reply.detail))

    def _send_status(self, values: tuple[float, ...] | None = None) -> None:
        """Send STATUS; ``values`` are the channels' actual values when the caller has them."""
        core = self.core
        if self._range_max is None:
            raw = tuple(value_to_raw(c.actual, c.spec.max) for c in core.channels)
        else:
            if values is None:
                values = tuple(map(_ACTUAL, core.channels))
            last_values, last_raw = self._last_values, self._last_raw
            if values == last_values:
                raw = last_raw
            elif len(last_values) != len(values):
                raw = tuple([_to_raw(v, m) for v, m in zip(values, self._range_max, strict=True)])
            else:
                # Usually one or two channels moved: convert only those (compress/map find
                # them in C), keep the other raw values.
                changed = list(last_raw)
                range_max = self._range_max
                for i in compress(range(len(values)), map(ne, values, last_values)):
                    changed[i] = _to_raw(values[i], range_max[i])
                raw = tuple(changed)
            self._last_values, self._last_raw = values, raw
        # 10 Hz: the frame straight from the fields (same bytes as encoding a Status; the
        # codec's path, with its named error, for anything that does not fit).
        data = encode_status(
            self._seq, core.state, core.fault_bits, core.last_seq, raw, self.protocol
        )
        if data is None:
            self._send(Status(core.state, core.fault_bits, core.last_seq, raw))
        else:
            self._send_frame(data)

    def _send_temperature(self) -> None:
        """TEMPERATURE (version 2): what each heat pad measures, not its ramping setpoint."""
        channels = self.core.channels
        self._send(Temperature(tuple(
            TemperatureReading(i, round(channels[i].temp_c * 1000)) for i in self._heat
        )))

    def _send_fault(self, code: FaultCode, channel: int, detail: int) -> None:
        self._send(Fault(code, channel, detail))

    def _send(self, msg: Message) -> None:
        self._send_frame(encode_frame(msg, self._seq, self.protocol))

    def _send_frame(self, data: bytes) -> None:
        """Send an encoded frame that used sequence number ``self._seq`` (link faults apply)."""
        self._seq = (self._seq + 1) & 0xFFFF
        if not self._connected or self._output is None:
            return
        if self.faults.drop and self._rng.random() < self.faults.drop:
            return
        if self.faults.corrupt:
            data = self._corrupt(data)
        if self.faults.delay_ms > 0:
            loop = asyncio.get_running_loop()
            self._timers.append(loop.call_later(self.faults.delay_ms / 1000.0, self._emit, data))
            if len(self._timers) > 256:
                now = loop.time()
                self._timers = [t for t in self._timers if not t.cancelled() and t.when() > now]
        else:
            self._emit(data)

    def _emit(self, data: bytes) -> None:
        if self._connected and self._output is not None:
            self._output(data)

    # -------------------------------------------------------------------------------- faults
    def _corrupt(self, data: bytes) -> bytes:
        out = bytearray(data)
        for i in range(len(out)):
            if self._rng.random() < self.faults.corrupt:
                out[i] ^= 1 << self._rng.randrange(8)
        return bytes(out)

    def _disconnect(self) -> None:
        self._connected = False
        self.core.advance(asyncio.get_running_loop().time())
        self.core.event("disconnected")
        if self._on_disconnect is not None:
            self._on_disconnect()

    def _tick(self) -> None:
        """One STATUS tick; schedules the next one 100 ms later on the loop's clock."""
        loop = asyncio.get_running_loop()
        sample = self.core.sample(loop.time())
        self._send_status(sample.values)  # the values just sampled: no second pass
        self._ticks += 1
        if self._heat and self.protocol >= 2 and self._ticks % TEMPERATURE_TICKS == 1:
            self._send_temperature()
        if self._ticks % 10 == 0:
            self.record.flush()
        self._next_tick_s += STATUS_PERIOD_S
        now = loop.time()
        if self._next_tick_s < now - STATUS_PERIOD_S:
            self._next_tick_s = now  # the loop was blocked: do not burst to catch up
        self._tick_handle = loop.call_at(max(self._next_tick_s, now), self._tick)
