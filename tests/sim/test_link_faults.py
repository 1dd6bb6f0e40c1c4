"""Injected link faults on the wire: the device stays safe and the faults really happen."""

from __future__ import annotations

import asyncio

from massage_ctl.protocol.enums import DeviceState
from massage_ctl.protocol.messages import (
    Ack,
    Hello,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
)
from massage_ctl.protocol.units import value_to_raw
from massage_sim import FaultPlan, SimDevice

from .wire_client import RawClient, heartbeats, run_virtual


async def _session(device: SimDevice, seconds: float) -> RawClient:
    client = RawClient(device.receive)
    device.set_output(client.feed)
    await device.start()
    for _ in range(5):  # a controller retries its handshake until it gets an answer
        client.hello()
        await asyncio.sleep(0.2)
    client.send(SessionStart(500), seq=100)
    client.send(SessionStart(500), seq=100)  # the retry of the same frame
    for i in range(4):
        client.send(Setpoint((SetpointEntry(i, value_to_raw(0.9, 1.0), 0),)))
    await heartbeats(client, seconds)
    return client


def _outputs_within_limits(device: SimDevice) -> None:
    for sample in device.record.samples:
        for spec, value in zip(device.profile.channels, sample.values, strict=True):
            assert 0.0 <= value <= spec.hard_max


def test_corrupt_and_dropped_frames_are_survived_safely() -> None:
    async def main() -> tuple[SimDevice, RawClient]:
        device = SimDevice("pad", faults="corrupt=0.01,drop=0.05,seed=3")
        client = await _session(device, 20.0)
        await device.close()
        return device, client

    device, client = run_virtual(main)
    assert client.errors  # corrupted frames did reach the controller
    assert device.record.events_of("bad-frame")  # and the device
    assert len(client.of_type(Status)) < 200  # some STATUS frames were dropped
    _outputs_within_limits(device)
    assert len(device.record.events_of("session-start")) == 1  # the retry was not re-applied


def test_delayed_replies_arrive_late() -> None:
    async def main() -> float:
        device = SimDevice("pad", faults=FaultPlan(delay_ms=50))
        client = RawClient(device.receive)
        seen: list[float] = []
        loop = asyncio.get_running_loop()

        def output(data: bytes) -> None:
            before = len(client.of_type(Ack))
            client.feed(data)
            if len(client.of_type(Ack)) > before:
                seen.append(loop.time())

        device.set_output(output)
        await device.start()
        await asyncio.sleep(0.05)
        sent = loop.time()
        client.hello()
        await asyncio.sleep(0.2)
        await device.close()
        assert client.of_type(Ack)[0].acked_type == Hello.TYPE
        return seen[0] - sent

    assert abs(run_virtual(main) - 0.05) < 1e-6


def test_disconnect_calls_the_handler_and_the_watchdog_latches() -> None:
    async def main() -> tuple[SimDevice, list[float]]:
        device = SimDevice("pad", faults="disconnect@3s")
        cut: list[float] = []
        device.set_disconnect_handler(lambda: cut.append(asyncio.get_running_loop().time()))
        await _session(device, 6.0)
        await device.close()
        return device, cut

    device, cut = run_virtual(main)
    assert len(cut) == 1
    assert device.state == DeviceState.LINK_LOST
    assert device.record.events_of("watchdog-fired")
    assert device.record.latest() is not None
    assert device.record.latest().values == (0.0, 0.0, 0.0, 0.0)  # type: ignore[union-attr]
