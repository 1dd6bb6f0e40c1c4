"""The handshake in terms of device profiles: a device describes itself completely.

A device answers HELLO with one DEVICE_INFO and one CHANNEL_INFO per channel. These helpers
turn a :class:`~massage_ctl.devices.DeviceProfile` into those messages (the simulator and the
vector generator use it) and back (the link uses it), so that
``device_profile_from_handshake(*split(handshake_messages_for(p))) == p`` for every profile
whose numbers have at most three decimals (limits) or two (rates). The profile's free-text
``description`` does not travel; the name is cut to 48 bytes of UTF-8.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import ValidationError

from massage_ctl.devices.descriptor import ChannelSpec, DeviceProfile
from massage_ctl.errors import LinkError
from massage_ctl.protocol.enums import ChannelKindCode, PatternCode, SideCode, ZoneCode
from massage_ctl.protocol.messages import ChannelInfo, DeviceInfo, SetpointEntry
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASHES, SUPPORTED_VERSIONS
from massage_ctl.protocol.units import chz_to_hz, from_milli, hz_to_chz, to_milli, value_to_raw
from massage_ctl.vocabulary import CHANNEL_KINDS, PATTERNS, Pattern
from massage_ctl.zones import ZONES

_ALL_PATTERNS_MASK = (1 << len(PATTERNS)) - 1


def _zone_code(zone: str) -> ZoneCode:
    return ZoneCode(ZONES.index(zone))


def _cut_utf8(text: str, max_bytes: int) -> str:
    raw = text.encode("utf-8")[:max_bytes]
    return raw.decode("utf-8", errors="ignore")  # drop a character cut in half


def pattern_mask(patterns: Sequence[Pattern]) -> int:
    """CHANNEL_INFO ``patterns`` bitmask for these pattern names."""
    mask = 0
    for p in patterns:
        mask |= 1 << PATTERNS.index(p)
    return mask


def channel_info_for(index: int, spec: ChannelSpec) -> ChannelInfo:
    """The CHANNEL_INFO message describing ``spec`` as channel ``index``."""
    return ChannelInfo(
        index=index,
        channel_id=spec.id,
        zone=_zone_code(spec.zone),
        side={None: SideCode.NONE, "left": SideCode.LEFT, "right": SideCode.RIGHT}[spec.side],
        kind=ChannelKindCode(CHANNEL_KINDS.index(spec.kind)),
        min_milli=to_milli(spec.min),
        range_max_milli=to_milli(spec.max),
        hard_max_milli=to_milli(spec.hard_max),
        max_ramp_milli_per_s=to_milli(spec.max_ramp_per_s),
        patterns=pattern_mask(spec.patterns),
        rate_min_chz=hz_to_chz(spec.rate_hz[0]),
        rate_max_chz=hz_to_chz(spec.rate_hz[1]),
        reach_first=_zone_code(spec.reach[0]) if spec.reach else ZoneCode.NONE,
        reach_last=_zone_code(spec.reach[1]) if spec.reach else ZoneCode.NONE,
    )


def handshake_messages_for(
    profile: DeviceProfile,
    *,
    firmware_version: str = "massage_sim",
    version: int = PROTOCOL_VERSION,
) -> tuple[DeviceInfo, tuple[ChannelInfo, ...]]:
    """What a device with ``profile`` speaking protocol ``version`` answers to HELLO:
    DEVICE_INFO and the channel table."""
    info = DeviceInfo(
        protocol_version=version,
        schema_hash=SCHEMA_HASHES[version],
        max_frame_rate_chz=hz_to_chz(profile.max_frame_rate_hz),
        channel_count=len(profile.channels),
        profile_id=profile.id,
        name=_cut_utf8(profile.name, 48),
        firmware_version=_cut_utf8(firmware_version, 24),
    )
    return info, tuple(channel_info_for(i, c) for i, c in enumerate(profile.channels))


def check_device_info(info: DeviceInfo, version: int = PROTOCOL_VERSION) -> None:
    """Raise :class:`LinkError` if the device speaks another protocol version than
    ``version`` (the one the link negotiated), or another schema under it."""
    if info.protocol_version != version:
        raise LinkError(
            f"device {info.name!r} speaks protocol version {info.protocol_version}, "
            f"massage_ctl speaks {', '.join(map(str, SUPPORTED_VERSIONS))}",
            hint="update the device firmware or massage_ctl so both use the same version",
        )
    expected = SCHEMA_HASHES[version]
    if info.schema_hash != expected:
        raise LinkError(
            f"device {info.name!r} uses message schema {info.schema_hash:08x}, "
            f"massage_ctl uses {expected:08x} for protocol version {version}",
            hint="the firmware was built from another messages.toml; rebuild it from this release",
        )


def check_channel_ranges(ch: ChannelInfo, device: str = "the device") -> None:
    """Raise :class:`LinkError` naming ``device`` and the channel when a CHANNEL_INFO's ranges
    make no sense (PROTOCOL.md §5.3): an empty or negative range (range max ≤ min), a hard max
    outside [min, range max], a ramp limit that is not positive and finite."""
    lo, hi, hard = (from_milli(v) for v in (ch.min_milli, ch.range_max_milli, ch.hard_max_milli))
    ramp = from_milli(ch.max_ramp_milli_per_s)
    problem = None
    if not all(math.isfinite(v) for v in (lo, hi, hard, ramp)):
        problem = "a limit that is not a finite number"
    elif hi <= lo:
        problem = f"an empty range: range max {hi:g} is not above min {lo:g}"
    elif not lo <= hard <= hi:
        problem = f"a hard max {hard:g} outside its range {lo:g}..{hi:g}"
    elif ramp <= 0:
        problem = f"a ramp limit of {ramp:g} per second (it must be above 0)"
    if problem is not None:
        raise LinkError(
            f"{device} announces channel {ch.index} ({ch.channel_id!r}) with {problem}",
            hint="the device's channel table is wrong; fix the firmware's channel description "
            "(firmware_protocol/PROTOCOL.md §5.3)",
        )


def channel_spec_from_info(ch: ChannelInfo, device: str = "the device") -> ChannelSpec:
    """The :class:`ChannelSpec` a CHANNEL_INFO describes (ranges checked, pydantic-validated);
    ``device`` names the device in errors."""
    check_channel_ranges(ch, device)
    if ch.patterns & ~_ALL_PATTERNS_MASK:
        raise LinkError(f"channel {ch.channel_id!r} announces unknown patterns {ch.patterns:#x}")
    reach = None
    if ch.reach_first != ZoneCode.NONE or ch.reach_last != ZoneCode.NONE:
        if ZoneCode.NONE in (ch.reach_first, ch.reach_last):
            raise LinkError(f"channel {ch.channel_id!r} has a half-given roller reach")
        reach = (ZONES[ch.reach_first], ZONES[ch.reach_last])
    if ch.zone == ZoneCode.NONE:
        raise LinkError(f"channel {ch.channel_id!r} has no body zone")
    side = {SideCode.NONE: None, SideCode.LEFT: "left", SideCode.RIGHT: "right"}[ch.side]
    try:
        return ChannelSpec(
            id=ch.channel_id,
            zone=ZONES[ch.zone],
            side=side,
            kind=CHANNEL_KINDS[ch.kind],
            min=from_milli(ch.min_milli),
            max=from_milli(ch.range_max_milli),
            hard_max=from_milli(ch.hard_max_milli),
            max_ramp_per_s=from_milli(ch.max_ramp_milli_per_s),
            patterns=tuple(p for i, p in enumerate(PATTERNS) if ch.patterns & (1 << i)),
            rate_hz=(chz_to_hz(ch.rate_min_chz), chz_to_hz(ch.rate_max_chz)),
            reach=reach,
        )
    except ValidationError as err:
        first = err.errors()[0]
        raise LinkError(
            f"{device}: channel {ch.index} ({ch.channel_id!r}) is invalid: {first['msg']}",
            hint="the device's channel table is wrong; fix the firmware's channel description",
        ) from err


def device_profile_from_handshake(
    info: DeviceInfo, channels: Sequence[ChannelInfo], version: int | None = None
) -> DeviceProfile:
    """Rebuild the device's :class:`DeviceProfile` from its DEVICE_INFO and CHANNEL_INFOs.

    Checks version and schema first (:func:`check_device_info`; ``version`` None: any
    supported version, with that version's schema hash), then that every index
    0..channel_count-1 came exactly once; raises :class:`LinkError` with a hint otherwise.
    ``channels`` may come in any order.
    """
    if version is None:
        version = (
            info.protocol_version
            if info.protocol_version in SUPPORTED_VERSIONS
            else PROTOCOL_VERSION
        )
    check_device_info(info, version)
    by_index = {c.index: c for c in channels}
    expected = set(range(info.channel_count))
    if len(channels) != info.channel_count or set(by_index) != expected:
        raise LinkError(
            f"device {info.name!r} announced {info.channel_count} channels but sent "
            f"indexes {sorted(c.index for c in channels)}",
            hint="the handshake was cut short; reconnect",
        )
    device = f"device {info.name!r}"
    specs = tuple(
        channel_spec_from_info(by_index[i], device) for i in range(info.channel_count)
    )
    try:
        return DeviceProfile(
            id=info.profile_id,
            name=info.name,
            max_frame_rate_hz=chz_to_hz(info.max_frame_rate_chz),
            channels=specs,
        )
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LinkError(
            f"device {info.name!r} describes itself invalidly: {where}: {first['msg']}",
            hint="fix the firmware's device description",
        ) from err


def setpoint_entry_for(
    index: int,
    spec: ChannelSpec,
    value: float,
    *,
    ramp_ms: int = 0,
    pattern: Pattern = "steady",
    rate_hz: float = 0.0,
) -> SetpointEntry:
    """A SETPOINT entry moving channel ``index`` (described by ``spec``) to ``value``."""
    return SetpointEntry(
        channel=index,
        target=value_to_raw(value, spec.max),
        ramp_ms=ramp_ms,
        pattern=PatternCode(PATTERNS.index(pattern)),
        rate_chz=hz_to_chz(rate_hz),
    )


def handshake_frames_for(
    profile: DeviceProfile,
    *,
    first_seq: int = 0,
    firmware_version: str = "massage_sim",
    version: int = PROTOCOL_VERSION,
) -> list[bytes]:
    """The encoded DEVICE_INFO and CHANNEL_INFO frames, numbered from ``first_seq``."""
    from massage_ctl.protocol.codec import encode_frame

    info, channels = handshake_messages_for(
        profile, firmware_version=firmware_version, version=version
    )
    return [
        encode_frame(msg, (first_seq + i) & 0xFFFF, version)
        for i, msg in enumerate((info, *channels))
    ]
