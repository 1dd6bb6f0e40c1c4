"""Checks of the handshake, the schema hash and the frame-rate declaration.

PROTOCOL.md §5.1–5.3, §7.5 and §9.
"""

from __future__ import annotations

import re

from massage_ctl.conformance.context import ANSWER_S, Context
from massage_ctl.conformance.model import CheckFailed, CheckSpec, Recorder
from massage_ctl.conformance.probe import describe
from massage_ctl.protocol import (
    SCHEMA_HASHES,
    Ack,
    AckResult,
    ChannelInfo,
    DeviceInfo,
    Hello,
    PatternCode,
    SessionStart,
    ZoneCode,
)

_PROFILE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CHANNEL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: Heartbeats alone are 10 frames/s (PROTOCOL.md §5.7), and every channel needs room for at
#: least one setpoint per second: a device declares at least 10 + channel_count frames/s (§7.5).
HEARTBEAT_RATE_CHZ = 1000


async def handshake_order(ctx: Context, rec: Recorder) -> None:
    answer = await ctx.handshake()
    names = [r.frame.message.NAME for r in answer]
    rec.saw(ctx.probe.now(), "answer: " + ", ".join(names))
    if ctx.info is None:
        raise CheckFailed("no DEVICE_INFO before the ACK")
    expected = ["DEVICE_INFO"] + ["CHANNEL_INFO"] * ctx.info.channel_count + ["ACK"]
    if names[-len(expected) :] != expected:
        raise CheckFailed(f"expected {', '.join(expected)}; got {', '.join(names)}")
    indices = [r.frame.message.index for r in answer if isinstance(r.frame.message, ChannelInfo)]
    if indices != list(range(ctx.info.channel_count)):
        raise CheckFailed(
            f"CHANNEL_INFO indices {indices}, expected 0..{ctx.info.channel_count - 1} in order"
        )


async def schema_hash(ctx: Context, rec: Recorder) -> None:
    if ctx.info is None:
        await ctx.handshake()
    info = ctx.info
    assert info is not None
    rec.saw(ctx.probe.now(), describe(info))
    version = ctx.probe.version  # the newest, or the older one the device speaks (§9.1)
    if info.protocol_version != version:
        raise CheckFailed(
            f"device speaks protocol {info.protocol_version}, this suite {version}"
        )
    if info.schema_hash != SCHEMA_HASHES[version]:
        raise CheckFailed(
            f"device schema hash 0x{info.schema_hash:08X}, expected "
            f"0x{SCHEMA_HASHES[version]:08X} (protocol version {version})"
        )


async def device_info_fields(ctx: Context, rec: Recorder) -> None:
    if ctx.info is None:
        await ctx.handshake()
    info = ctx.info
    assert info is not None
    problems = []
    if not 1 <= info.channel_count <= 32:
        problems.append(f"channel_count {info.channel_count} outside 1..32")
    if not _PROFILE_ID.match(info.profile_id):
        problems.append(f"profile_id {info.profile_id!r} does not match [a-z0-9][a-z0-9_-]*")
    ids = [c.channel_id for c in ctx.channels]
    for c in ctx.channels:
        where = f"channel {c.index} ({c.channel_id})"
        if not _CHANNEL_ID.match(c.channel_id):
            problems.append(f"{where}: id does not match [a-z0-9][a-z0-9._-]*")
        if ids.count(c.channel_id) > 1:
            problems.append(f"{where}: id not unique")
        if c.zone == ZoneCode.NONE:
            problems.append(f"{where}: zone NONE")
        if not c.min_milli <= c.hard_max_milli <= c.range_max_milli:
            problems.append(
                f"{where}: not min ≤ hard max ≤ range max "
                f"({c.min_milli}, {c.hard_max_milli}, {c.range_max_milli})"
            )
        if c.max_ramp_milli_per_s <= 0:
            problems.append(f"{where}: max_ramp_milli_per_s is 0")
        if not c.patterns & (1 << PatternCode.STEADY):
            problems.append(f"{where}: STEADY bit not set in patterns")
    rec.saw(ctx.probe.now(), f"{info.channel_count} channels: {', '.join(ids)}")
    if problems:
        raise CheckFailed("; ".join(problems))


async def frame_rate_declared(ctx: Context, rec: Recorder) -> None:
    if ctx.info is None:
        await ctx.handshake()
    assert ctx.info is not None
    rate = ctx.info.max_frame_rate_chz
    rec.saw(ctx.probe.now(), f"max_frame_rate_chz={rate}")
    least = HEARTBEAT_RATE_CHZ + 100 * ctx.info.channel_count
    if rate < least:
        raise CheckFailed(
            f"declares {rate / 100:g} frames/s; {ctx.info.channel_count} channels need at least "
            f"{least / 100:g} (10 heartbeats + 1 setpoint per channel per second, PROTOCOL.md §7.5)"
        )


async def version_mismatch(ctx: Context, rec: Recorder) -> None:
    await ctx.to_idle()
    probe = ctx.probe
    start = probe.mark()
    wrong = SCHEMA_HASHES[probe.version] ^ 0x1
    seq = await probe.send(probe.hello(wrong))
    ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
    rec.saw(probe.now(), "no ACK" if ack is None else f"ACK {ack.result.name}")
    if ack is None or ack.result != AckResult.VERSION_MISMATCH:
        raise CheckFailed("a HELLO with another schema hash was not answered VERSION_MISMATCH")
    infos = [r for r in probe.since(start) if isinstance(r.frame.message, DeviceInfo)]
    if not infos:
        raise CheckFailed("the VERSION_MISMATCH answer had no DEVICE_INFO (PROTOCOL.md §9)")
    # A controller that never matched the schema hash can never drive outputs (§6).
    await ctx.command(
        SessionStart(ctx.watchdog_ms),
        (AckResult.BAD_STATE,),
        "SESSION_START after a mismatched HELLO",
    )
    await ctx.handshake()  # a matching HELLO restores the handshake


async def hello_repeated(ctx: Context, rec: Recorder) -> None:
    probe = ctx.probe
    seq = probe.next_seq()
    counts = []
    for _ in range(2):
        start = probe.mark()
        await probe.send(probe.hello(), seq)
        ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
        infos = sum(isinstance(r.frame.message, DeviceInfo) for r in probe.since(start))
        chans = sum(isinstance(r.frame.message, ChannelInfo) for r in probe.since(start))
        counts.append((infos, chans, ack))
        rec.saw(
            probe.now(),
            f"{infos} DEVICE_INFO, {chans} CHANNEL_INFO, "
            + ("no ACK" if ack is None else f"ACK {ack.result.name}"),
        )
    n = ctx.info.channel_count if ctx.info else 0
    for infos, chans, ack in counts:
        if infos != 1 or chans != n or not isinstance(ack, Ack) or ack.result != AckResult.OK:
            raise CheckFailed("a repeated HELLO (same seq) was not answered in full again")


CHECKS = (
    CheckSpec(
        "§5.1 handshake order",
        "5.1",
        "The device answers, in this order: one DEVICE_INFO, one CHANNEL_INFO per channel "
        "(index 0 first), then an ACK for the HELLO.",
        handshake_order,
    ),
    CheckSpec(
        "§9 schema hash",
        "9",
        "Peers with different hashes refuse to run a session; for this version it is 0xDEAE8B4B.",
        schema_hash,
    ),
    CheckSpec(
        "§5.2 device description",
        "5.2",
        "profile_id [a-z0-9][a-z0-9_-]*, channel_count 1..32; per channel: unique id, a "
        "zone, min ≤ hard max ≤ range max, max ramp > 0, STEADY always set.",
        device_info_fields,
    ),
    CheckSpec(
        "§7.5 frame rate declared",
        "7.5",
        "The controller never sends more frames per second than max_frame_rate_chz / 100, "
        "heartbeats included (every 100 ms); a device declares at least 10 + channel_count "
        "frames/s.",
        frame_rate_declared,
    ),
    CheckSpec(
        "§9 version mismatch",
        "9",
        "The device ACKs HELLO with VERSION_MISMATCH (after its DEVICE_INFO) when the "
        "schema hash differs.",
        version_mismatch,
    ),
    CheckSpec(
        "§5.1 HELLO never de-duplicated",
        "5.1",
        "HELLO is never de-duplicated: every HELLO, a repeated one too, is processed and "
        "answered in full.",
        hello_repeated,
    ),
)
