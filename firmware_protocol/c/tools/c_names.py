"""C naming rules shared by the generators (stdlib only, so `make test` needs no venv)."""

from __future__ import annotations

import re

# Short C prefixes for the enums firmware code uses all the time.
ENUM_PREFIX = {
    "DeviceState": "MP_STATE_",
    "AckResult": "MP_ACK_",
    "FaultCode": "MP_FAULT_",
    "FaultBits": "MP_FAULT_BIT_",
    "PatternCode": "MP_PATTERN_",
    "ChannelKindCode": "MP_KIND_",
    "ZoneCode": "MP_ZONE_",
    "SideCode": "MP_SIDE_",
    "StopReason": "MP_STOP_",
}


def snake(name: str) -> str:
    """CamelCase / UPPER_CASE -> snake_case."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def enum_prefix(name: str) -> str:
    """C macro prefix of an enum's members, e.g. ``MP_STATE_`` for DeviceState."""
    return ENUM_PREFIX.get(name, "MP_" + snake(name).upper() + "_")


def struct_c_name(name: str) -> str:
    """C type of a [structs] entry, e.g. ``mp_setpoint_entry_t``."""
    return f"mp_{snake(name)}_t"


def msg_c_name(name: str) -> str:
    """C type of a message, e.g. ``mp_msg_setpoint_t``."""
    return f"mp_msg_{name.lower()}_t"
