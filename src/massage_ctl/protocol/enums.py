"""Numeric codes carried in frames (mirrors ``[enums]`` of ``firmware_protocol/messages.toml``)."""

from __future__ import annotations

from enum import IntEnum, IntFlag


class DeviceState(IntEnum):
    """The device's state machine (PROTOCOL.md §6)."""

    IDLE = 0
    RUNNING = 1
    STOPPED = 2
    LINK_LOST = 3
    FAULT = 4


class AckResult(IntEnum):
    """Result code of an ACK."""

    OK = 0
    CLAMPED = 1  # applied, but limited by the device (detail says which channel / what value)
    BAD_STATE = 2  # not allowed in the device's current state
    BAD_CHANNEL = 3  # no channel with that index
    OUT_OF_RANGE = 4  # a value is invalid and was rejected
    UNSUPPORTED_PATTERN = 5  # the channel does not run that pattern
    BUSY = 6  # the device cannot take it now; retry later
    LATCHED = 7  # STOP or fault latched: send CLEAR, then a new SESSION_START
    VERSION_MISMATCH = 8  # HELLO with another protocol version or schema hash


class FaultCode(IntEnum):
    """Code of a FAULT message; its bit in :class:`FaultBits` is ``1 << (code - 1)``."""

    OVER_TEMPERATURE = 1
    STUCK_CHANNEL = 2
    WATCHDOG = 3
    HARDWARE = 4
    POWER = 5
    INTERNAL = 6


class FaultBits(IntFlag):
    """Fault bits in STATUS (unknown bits from newer firmware are kept, not rejected)."""

    OVER_TEMPERATURE = 1
    STUCK_CHANNEL = 2
    WATCHDOG = 4
    HARDWARE = 8
    POWER = 16
    INTERNAL = 32


class PatternCode(IntEnum):
    """Rhythm pattern of a setpoint; same order as ``massage_ctl.timeline.PATTERNS``."""

    STEADY = 0
    PULSE = 1
    WAVE = 2
    KNEAD = 3
    ROLL = 4
    TAP = 5


class ChannelKindCode(IntEnum):
    """Channel kind; same order as ``massage_ctl.timeline.CHANNEL_KINDS``."""

    VIBRATION = 0
    PRESSURE = 1
    ROLLER = 2
    POSITION = 3
    HEAT = 4


class ZoneCode(IntEnum):
    """Body zone, head to feet (``massage_ctl.zones.ZONES`` order); NONE where allowed."""

    NECK = 0
    SHOULDERS = 1
    UPPER_BACK = 2
    MID_BACK = 3
    LOWER_BACK = 4
    HIPS = 5
    THIGHS = 6
    CALVES = 7
    FEET = 8
    NONE = 255


class SideCode(IntEnum):
    """Side of a channel's zone."""

    NONE = 0
    LEFT = 1
    RIGHT = 2


class StopReason(IntEnum):
    """Why the controller sent STOP (for the device's log; it acts the same on all)."""

    USER = 0  # the STOP key
    SHUTDOWN = 1  # the controller is exiting (normal end, Ctrl-C, lost terminal)
    GUARD = 2  # the player guard refused to go on
    ERROR = 3  # an error in the controller


#: Enum classes by the name ``messages.toml`` uses.
ENUMS: dict[str, type[IntEnum] | type[IntFlag]] = {
    cls.__name__: cls
    for cls in (
        DeviceState,
        AckResult,
        FaultCode,
        FaultBits,
        PatternCode,
        ChannelKindCode,
        ZoneCode,
        SideCode,
        StopReason,
    )
}

#: Wire type of each enum (u8 unless listed).
ENUM_WIRE_TYPES: dict[str, str] = {"FaultBits": "u16"}
