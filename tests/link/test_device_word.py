"""The controller believes only what the device really says (issue 12 #2-#4).

* only a valid STATUS proves the device alive: noise, bad-CRC frames, ACKs and FAULTs do not
  restart the silence timer (hypothesis, on every sending path);
* a HELLO acknowledged VERSION_MISMATCH, or never acknowledged though the channel table came,
  fails the handshake with the device and both versions/hashes named;
* a channel table with an empty range, a hard max outside it or a ramp limit that is not
  positive is refused, naming the device and the channel (hypothesis over the values).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.errors import DisconnectedError, LinkError
from massage_ctl.link.link import Link
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits, FaultCode, StopReason
from massage_ctl.protocol.handshake import device_profile_from_handshake, handshake_messages_for
from massage_ctl.protocol.messages import Ack, Fault, Frame, Status, Stop
from massage_ctl.protocol.schema import SCHEMA_HASH
from massage_ctl.protocol.stream import FrameDecoder

from .conftest import Harness, Script, ScriptedDevice

PAD_NAME = load_device_profile("pad").name


def _bad_crc_status() -> bytes:
    frame = bytearray(encode_frame(Status(DeviceState.RUNNING, FaultBits(0), 3, (0, 0, 0, 0)), 9))
    frame[-2] ^= 0x01  # last byte before the delimiter: the frame no longer checks out
    return bytes(frame)


_NOT_STATUS = st.one_of(
    st.binary(max_size=48),
    st.just(_bad_crc_status()),
    st.builds(lambda s: encode_frame(Ack(s, 0x21, AckResult.OK, 0), s), st.integers(0, 0xFFFF)),
    st.builds(lambda s: encode_frame(Fault(FaultCode.HARDWARE, 255, 0), s),
              st.integers(0, 0xFFFF)),
)


def _has_status(data: bytes) -> bool:
    return any(isinstance(item, Frame) and isinstance(item.message, Status)
               for item in FrameDecoder().feed(data))


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chatter=st.lists(_NOT_STATUS, max_size=6).map(b"".join))
def test_a_device_sending_anything_but_status_is_lost_after_the_timeout(
    device_cls: Any, chatter: bytes
) -> None:
    assume(not _has_status(chatter))
    harness = Harness()

    async def go() -> tuple[float, float, Exception]:
        device = device_cls(harness.profiles["pad"], Script(chatter=chatter))
        await device.open()
        link = Link(device)
        await link.connect()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        async with asyncio.timeout(link.silence_s + 2.0):  # virtual seconds: a bound, no hang
            err = await link.wait_failed()
        lost_after = loop.time() - t0
        await link.close()
        return lost_after, link.silence_s, err

    lost_after, silence_s, err = harness.run(go)
    assert isinstance(err, DisconnectedError)
    assert "without a valid status report" in str(err)
    assert silence_s <= lost_after <= silence_s + 0.2  # checked at every heartbeat (100 ms)


def test_the_loss_timeout_is_twice_the_watchdog_period(harness: Harness) -> None:
    device = ScriptedDevice(harness.profiles["pad"])
    assert Link(device).silence_s == 2 * device.watchdog_ms / 1000


def test_hello_acknowledged_version_mismatch_names_the_device_and_both_hashes(
    harness: Harness, device_cls: Any
) -> None:
    async def go() -> None:
        script = Script(hello_result=AckResult.VERSION_MISMATCH, schema_hash=0x12345678)
        device = device_cls(harness.profiles["pad"], script)
        await device.open()
        await Link(device).connect()

    with pytest.raises(LinkError) as err:
        harness.run(go)
    text = str(err.value)
    assert PAD_NAME in text and "12345678" in text and f"{SCHEMA_HASH:08x}" in text


def test_hello_mismatch_with_the_same_hash_is_still_refused(
    harness: Harness, device_cls: Any
) -> None:
    """The device says VERSION_MISMATCH although its DEVICE_INFO looks like ours: no play."""

    async def go() -> None:
        device = device_cls(harness.profiles["pad"],
                            Script(hello_result=AckResult.VERSION_MISMATCH))
        await device.open()
        await Link(device).connect()

    with pytest.raises(LinkError, match="refused the handshake"):
        harness.run(go)


def test_a_channel_table_without_the_hellos_ack_does_not_play(
    harness: Harness, device_cls: Any
) -> None:
    async def go() -> None:
        device = device_cls(harness.profiles["pad"], Script(hello_acked=False))
        await device.open()
        await Link(device).connect()

    with pytest.raises(LinkError, match="never acknowledged the handshake") as err:
        harness.run(go)
    assert PAD_NAME in str(err.value)


def test_a_channel_with_an_empty_range_is_refused_at_connect(
    harness: Harness, device_cls: Any
) -> None:
    async def go() -> None:
        script = Script(channel_0={"min_milli": 1000, "range_max_milli": 1000,
                                   "hard_max_milli": 1000})
        device = device_cls(harness.profiles["pad"], script)
        await device.open()
        await Link(device).connect()

    with pytest.raises(LinkError, match="empty range") as err:
        harness.run(go)
    assert PAD_NAME in str(err.value) and "vib.upper-back" in str(err.value)


_I32 = st.integers(-(2**31), 2**31 - 1)


@given(lo=_I32, hi=_I32, hard=_I32, ramp=st.integers(0, 2**32 - 1))
def test_every_announced_channel_is_sane_or_refused_by_name(
    lo: int, hi: int, hard: int, ramp: int
) -> None:
    info, channels = handshake_messages_for(load_device_profile("pad"))
    bad = dataclasses.replace(channels[1], min_milli=lo, range_max_milli=hi,
                              hard_max_milli=hard, max_ramp_milli_per_s=ramp)
    try:
        profile = device_profile_from_handshake(info, [channels[0], bad, *channels[2:]])
    except LinkError as err:
        assert PAD_NAME in str(err) and "vib.mid-back" in str(err)
        return
    spec = profile.channels[1]
    assert spec.min < spec.max
    assert spec.min <= spec.hard_max <= spec.max
    assert spec.max_ramp_per_s > 0


def test_a_lost_link_still_gets_its_stop_copies_before_the_port_closes(
    harness: Harness, device_cls: Any
) -> None:
    """Declared lost (the device went mute, the cable may still be in): STOP is written all the
    same, three copies, best effort; the answer is "not confirmed"."""

    async def go() -> tuple[bool, list[Any]]:
        device = device_cls(harness.profiles["pad"], Script(chatter=b"boot loader v2\r\n"))
        await device.open()
        link = Link(device)
        await link.connect()
        await link.start_session()
        await link.wait_failed()
        confirmed = await link.stop(StopReason.ERROR)
        await link.close()
        return confirmed, [r for r in device.received if isinstance(r.msg, Stop)]

    confirmed, stops = harness.run(go)
    assert not confirmed
    assert len(stops) == 3 and len({r.seq for r in stops}) == 1
    assert all(r.msg.reason == StopReason.ERROR for r in stops)
