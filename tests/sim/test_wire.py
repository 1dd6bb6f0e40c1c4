"""The simulator on the wire, in process, on virtual time: handshake, setpoints, STATUS, STOP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from massage_ctl.protocol.enums import AckResult, DeviceState, PatternCode
from massage_ctl.protocol.handshake import device_profile_from_handshake
from massage_ctl.protocol.messages import (
    Ack,
    ChannelInfo,
    Clear,
    DeviceInfo,
    Hello,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Stop,
)
from massage_ctl.protocol.schema import SCHEMA_HASH
from massage_ctl.protocol.units import raw_to_value, value_to_raw
from massage_sim import SimDevice

from .wire_client import RawClient, heartbeats, run_virtual


async def _connected(profile: str = "pad", **kw: object) -> tuple[SimDevice, RawClient]:
    device = SimDevice(profile, **kw)  # type: ignore[arg-type]
    client = RawClient(device.receive)
    device.set_output(client.feed)
    await device.start()
    return device, client


def test_handshake_describes_the_device_exactly() -> None:
    async def main() -> None:
        device, client = await _connected("chair")
        seq = client.hello()
        await asyncio.sleep(0.05)
        info = client.of_type(DeviceInfo)[0]
        channels = client.of_type(ChannelInfo)
        assert device_profile_from_handshake(info, channels).channels == device.profile.channels
        assert client.of_type(Ack)[-1] == Ack(seq, Hello.TYPE, AckResult.OK, 0)
        await device.close()

    run_virtual(main)


def test_wrong_schema_hash_is_refused() -> None:
    async def main() -> None:
        device, client = await _connected()
        client.send(Hello(1, 0xDEADBEEF))
        await asyncio.sleep(0.05)
        assert client.of_type(Ack)[-1].result == AckResult.VERSION_MISMATCH
        # DEVICE_INFO, so the controller can name both hashes (PROTOCOL §9); no channel table.
        assert [i.schema_hash for i in client.of_type(DeviceInfo)] == [SCHEMA_HASH]
        assert not client.of_type(ChannelInfo)
        client.send(SessionStart(500))
        await asyncio.sleep(0.05)
        assert client.of_type(Ack)[-1].result == AckResult.BAD_STATE
        await device.close()

    run_virtual(main)


def test_setpoint_shows_in_status_and_stop_zeroes_it() -> None:
    async def main() -> None:
        device, client = await _connected()
        client.hello()
        client.send(SessionStart(50))
        await asyncio.sleep(0.01)
        start_ack = client.of_type(Ack)[-1]
        assert (start_ack.result, start_ack.detail) == (AckResult.CLAMPED, 250)  # PROTOCOL §5.4
        client.send(Setpoint((SetpointEntry(1, value_to_raw(0.5, 1.0), 1000, PatternCode.PULSE,
                                            200),)))
        await heartbeats(client, 2.0)
        status = client.last_status()
        assert status.state == DeviceState.RUNNING
        assert raw_to_value(status.values[1], 1.0) == pytest.approx(0.5, abs=1e-4)
        stop_seq = client.send(Stop())
        await asyncio.sleep(0)  # the STOP is acted on at receipt
        assert device.core.actual_values()["vib.mid-back"] == 0.0
        await asyncio.sleep(0.01)
        status = client.last_status()  # sent at once on the state change
        assert status.state == DeviceState.STOPPED and status.values == (0, 0, 0, 0)
        assert status.last_seq == stop_seq
        client.send(Clear())
        await heartbeats(client, 0.5)
        assert client.last_status().state == DeviceState.IDLE
        await device.close()

    run_virtual(main)


def test_status_comes_at_10_hz() -> None:
    async def main() -> int:
        device, client = await _connected()
        await asyncio.sleep(10.0)
        await device.close()
        return len(client.of_type(type(client.last_status())))

    assert 100 <= run_virtual(main) <= 102


def test_trace_has_at_least_10_records_per_second_with_the_fields(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"

    async def main() -> None:
        device, client = await _connected("bed", trace=trace)
        client.hello()
        client.send(SessionStart(500))
        client.send(Setpoint((SetpointEntry(6, value_to_raw(0.4, 1.0), 0),)))
        await heartbeats(client, 3.0)
        await asyncio.sleep(3.0)  # silence: the watchdog fires
        await device.close()

    run_virtual(main)
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    samples = [r for r in lines if "state" in r]
    events = [r["event"] for r in lines if "event" in r]
    assert "watchdog-fired" in events
    for second in range(6):
        in_second = [r for r in samples if second * 1000 <= r["t_ms"] < (second + 1) * 1000]
        assert len(in_second) >= 10
    ids = {"roller.position", "roller.pressure", "heat.upper-back", "heat.mid-back",
           "heat.lower-back", "heat.hips", "vib.thighs", "vib.calves"}
    assert all(set(r["channels"]) == ids for r in samples)
    assert {r["state"] for r in samples} == {"idle", "running", "link-lost"}
    assert max(r["channels"]["vib.thighs"] for r in samples) == pytest.approx(0.4)
    assert samples[-1]["channels"]["vib.thighs"] == 0.0
