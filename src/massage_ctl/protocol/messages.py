"""The message set as typed, frozen dataclasses (mirrors ``firmware_protocol/messages.toml``).

Fields hold wire-level values: integers in the units their names say (``_ms``, ``_chz`` =
0.01 Hz, ``_milli`` = 0.001 of the channel's unit) and enum members. Setpoint targets and
status values are u16 fractions of the channel's range max; convert with
:func:`massage_ctl.protocol.value_to_raw` / :func:`~massage_ctl.protocol.raw_to_value`.
Construction does not validate (hot path); :func:`encode_frame` refuses values that do not
fit their wire type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from massage_ctl.protocol.enums import (
    AckResult,
    ChannelKindCode,
    DeviceState,
    FaultBits,
    FaultCode,
    PatternCode,
    SideCode,
    StopReason,
    ZoneCode,
)
from massage_ctl.protocol.layout import FieldDef, f

NO_CHANNEL = 255
"""``Fault.channel`` when a fault is not about one channel."""


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every message. ``TYPE`` is the wire type code, ``NAME`` as in messages.toml."""

    TYPE: ClassVar[int] = -1
    NAME: ClassVar[str] = ""
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = ()


@dataclass(frozen=True, slots=True)
class Hello(Message):
    """Controller → device: starts the handshake. Send ``Hello(PROTOCOL_VERSION, SCHEMA_HASH)``."""

    TYPE: ClassVar[int] = 0x01
    NAME: ClassVar[str] = "HELLO"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("protocol_version", "u8"), f("schema_hash", "u32"))

    protocol_version: int
    schema_hash: int


@dataclass(frozen=True, slots=True)
class DeviceInfo(Message):
    """Device → controller: who the device is; ``channel_count`` CHANNEL_INFO frames follow."""

    TYPE: ClassVar[int] = 0x02
    NAME: ClassVar[str] = "DEVICE_INFO"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("protocol_version", "u8"),
        f("schema_hash", "u32"),
        f("max_frame_rate_chz", "u32"),
        f("channel_count", "u8"),
        f("profile_id", "str", max=32),
        f("name", "str", max=48),
        f("firmware_version", "str", max=24),
    )

    protocol_version: int
    schema_hash: int
    max_frame_rate_chz: int
    channel_count: int
    profile_id: str
    name: str
    firmware_version: str


@dataclass(frozen=True, slots=True)
class ChannelInfo(Message):
    """Device → controller: one row of the channel table with its hard limits."""

    TYPE: ClassVar[int] = 0x03
    NAME: ClassVar[str] = "CHANNEL_INFO"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("index", "u8"),
        f("channel_id", "str", max=24),
        f("zone", "u8", enum="ZoneCode"),
        f("side", "u8", enum="SideCode"),
        f("kind", "u8", enum="ChannelKindCode"),
        f("min_milli", "i32"),
        f("range_max_milli", "i32"),
        f("hard_max_milli", "i32"),
        f("max_ramp_milli_per_s", "u32"),
        f("patterns", "u8"),
        f("rate_min_chz", "u16"),
        f("rate_max_chz", "u16"),
        f("reach_first", "u8", enum="ZoneCode"),
        f("reach_last", "u8", enum="ZoneCode"),
    )

    index: int
    channel_id: str
    zone: ZoneCode
    side: SideCode
    kind: ChannelKindCode
    min_milli: int
    range_max_milli: int
    hard_max_milli: int
    max_ramp_milli_per_s: int
    patterns: int  # bit (1 << PatternCode) per supported pattern
    rate_min_chz: int
    rate_max_chz: int
    reach_first: ZoneCode = ZoneCode.NONE
    reach_last: ZoneCode = ZoneCode.NONE


@dataclass(frozen=True, slots=True)
class SessionLimit:
    """Version 2: the session's own limit for one channel inside :class:`SessionStart`.

    ``max_target`` is a u16 fraction of the channel's range max, compared with SETPOINT targets
    as raw values; ``max_ramp_milli_per_s`` the fastest envelope change (> 0). The device
    enforces the tighter of these and its hard limits (PROTOCOL.md §5.4).
    """

    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("channel", "u8"),
        f("max_target", "u16"),
        f("max_ramp_milli_per_s", "u32"),
    )

    channel: int
    max_target: int
    max_ramp_milli_per_s: int


@dataclass(frozen=True, slots=True)
class SessionStart(Message):
    """Controller → device: IDLE → RUNNING with this watchdog period (device clamps 250–2000)
    and, from version 2 on, the session's limits per channel (none: hard limits only)."""

    TYPE: ClassVar[int] = 0x10
    NAME: ClassVar[str] = "SESSION_START"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("watchdog_ms", "u16"),
        f("limits", "SessionLimit[]", max=32),
    )

    watchdog_ms: int
    limits: tuple[SessionLimit, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionEnd(Message):
    """Controller → device: ramp everything to zero, heat off, back to IDLE."""

    TYPE: ClassVar[int] = 0x11
    NAME: ClassVar[str] = "SESSION_END"


@dataclass(frozen=True, slots=True)
class SetpointEntry:
    """One channel's new target inside a :class:`Setpoint` (10 bytes on the wire)."""

    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("channel", "u8"),
        f("target", "u16"),
        f("ramp_ms", "u32"),
        f("pattern", "u8", enum="PatternCode"),
        f("rate_chz", "u16"),
    )

    channel: int
    target: int  # u16 fraction of the channel's range max
    ramp_ms: int = 0
    pattern: PatternCode = PatternCode.STEADY
    rate_chz: int = 0


@dataclass(frozen=True, slots=True)
class Setpoint(Message):
    """Controller → device: new targets for 1..24 channels (newest per channel wins)."""

    TYPE: ClassVar[int] = 0x20
    NAME: ClassVar[str] = "SETPOINT"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("entries", "SetpointEntry[]", min=1, max=24),)

    entries: tuple[SetpointEntry, ...]


@dataclass(frozen=True, slots=True)
class Heartbeat(Message):
    """Controller → device every 100 ms; ``stop_requested`` makes it act exactly like STOP."""

    TYPE: ClassVar[int] = 0x21
    NAME: ClassVar[str] = "HEARTBEAT"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("stop_requested", "bool"),)

    stop_requested: bool = False


@dataclass(frozen=True, slots=True)
class Stop(Message):
    """Controller → device: everything to zero, heat off, latch STOPPED — in any state."""

    TYPE: ClassVar[int] = 0x30
    NAME: ClassVar[str] = "STOP"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("reason", "u8", enum="StopReason"),)

    reason: StopReason = StopReason.USER


@dataclass(frozen=True, slots=True)
class Clear(Message):
    """Controller → device: clear a STOPPED / FAULT latch (→ IDLE); LINK_LOST needs a HELLO."""

    TYPE: ClassVar[int] = 0x31
    NAME: ClassVar[str] = "CLEAR"


@dataclass(frozen=True, slots=True)
class Status(Message):
    """Device → controller at 10 Hz: state, fault bits, last applied seq, actual values."""

    TYPE: ClassVar[int] = 0x40
    NAME: ClassVar[str] = "STATUS"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("state", "u8", enum="DeviceState"),
        f("fault_bits", "u16", enum="FaultBits"),
        f("last_seq", "u16"),
        f("values", "u16[]", max=32),
    )

    state: DeviceState
    fault_bits: FaultBits
    last_seq: int
    values: tuple[int, ...]  # u16 fractions of each channel's range max, in index order


@dataclass(frozen=True, slots=True)
class Ack(Message):
    """Device → controller: the frame ``acked_seq`` (of type ``acked_type``) got ``result``."""

    TYPE: ClassVar[int] = 0x41
    NAME: ClassVar[str] = "ACK"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("acked_seq", "u16"),
        f("acked_type", "u8"),
        f("result", "u8", enum="AckResult"),
        f("detail", "u16"),
    )

    acked_seq: int
    acked_type: int
    result: AckResult
    detail: int = 0


@dataclass(frozen=True, slots=True)
class Fault(Message):
    """Device → controller: a fault was raised (``channel`` = NO_CHANNEL if not per channel)."""

    TYPE: ClassVar[int] = 0x42
    NAME: ClassVar[str] = "FAULT"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (
        f("code", "u8", enum="FaultCode"),
        f("channel", "u8"),
        f("detail", "i32"),
    )

    code: FaultCode
    channel: int = NO_CHANNEL
    detail: int = 0


@dataclass(frozen=True, slots=True)
class TemperatureReading:
    """Version 2: one heat channel's measured temperature inside :class:`Temperature`."""

    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("channel", "u8"), f("temp_milli", "i32"))

    channel: int
    temp_milli: int  # 0.001 °C


@dataclass(frozen=True, slots=True)
class Temperature(Message):
    """Device → controller (version 2), once per second: what each heat sensor measures."""

    TYPE: ClassVar[int] = 0x43
    NAME: ClassVar[str] = "TEMPERATURE"
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = (f("readings", "TemperatureReading[]", min=1, max=32),)

    readings: tuple[TemperatureReading, ...]


@dataclass(frozen=True, slots=True)
class Frame:
    """A decoded frame: the sender's sequence number and the message."""

    seq: int
    message: Message


#: Every message class, in type-code order.
MESSAGE_CLASSES: tuple[type[Message], ...] = (
    Hello,
    DeviceInfo,
    ChannelInfo,
    SessionStart,
    SessionEnd,
    Setpoint,
    Heartbeat,
    Stop,
    Clear,
    Status,
    Ack,
    Fault,
    Temperature,
)

#: Struct types usable as array elements, by name.
STRUCT_CLASSES: dict[str, type[SetpointEntry | SessionLimit | TemperatureReading]] = {
    "SetpointEntry": SetpointEntry,
    "SessionLimit": SessionLimit,
    "TemperatureReading": TemperatureReading,
}

MESSAGES_BY_TYPE: dict[int, type[Message]] = {cls.TYPE: cls for cls in MESSAGE_CLASSES}

# ------------------------------------------------------------------------------------ versions
# The classes above describe the newest version. Older versions (firmware_protocol/
# messages_v1.toml, frozen) lack some messages and structs and lay a few messages out with
# fewer fields: always a leading part of the newest layout, the rest at their defaults.

#: Messages and structs that first exist in a later version.
SINCE_VERSION: dict[str, int] = {"TEMPERATURE": 2, "SessionLimit": 2, "TemperatureReading": 2}
#: Older layouts that differ from the newest: (message name, version) → its fields.
OLD_LAYOUTS: dict[tuple[str, int], tuple[FieldDef, ...]] = {
    ("SESSION_START", 1): (f("watchdog_ms", "u16"),),
}


def layout_for(cls: type[Message], version: int) -> tuple[FieldDef, ...] | None:
    """The fields of ``cls`` in protocol ``version``, or None if it has no such message."""
    if SINCE_VERSION.get(cls.NAME, 1) > version:
        return None
    for (name, old), fields in OLD_LAYOUTS.items():
        if name == cls.NAME and version <= old:
            return fields
    return cls.LAYOUT


def structs_for(version: int) -> dict[str, type[SetpointEntry | SessionLimit | TemperatureReading]]:
    """The struct types of protocol ``version``, by name."""
    return {n: c for n, c in STRUCT_CLASSES.items() if SINCE_VERSION.get(n, 1) <= version}
