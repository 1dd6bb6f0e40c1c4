"""Protocol version negotiation (PROTOCOL.md §9, "Serving older devices"): massage_ctl offers
version 2; a version-1 device is served in version 1 and the user is told that the device
enforces only its own hard limits. Against the real simulator in both versions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from massage_ctl.clock import new_event_loop
from massage_ctl.errors import LinkError
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.link.handshake import V1_LIMITS_NOTE
from massage_ctl.transports.sim import SimTransport
from massage_sim import SimDevice

GENTLE = {"vib.lower-back": (0.35, 0.05), "vib.hips": (0.35, 0.05)}


def _run(go: Callable[[], Any]) -> Any:
    loop = new_event_loop(None)
    try:
        return loop.run_until_complete(go())
    finally:
        loop.close()


async def _session(device: SimDevice, value: float) -> tuple[Link, SimDevice]:
    transport = SimTransport("pad", device_factory=lambda: device)
    await transport.open()
    link = Link(transport)
    await link.connect()
    await link.start_session(limits=GENTLE)
    link.submit(ChannelSetpoint("vib.lower-back", value, 0))
    await asyncio.sleep(30.0)  # long enough for any ramp to end
    await link.stop()
    await link.close()
    await transport.close()
    return link, device


def test_a_version_2_device_gets_the_session_limits_and_enforces_them() -> None:
    link, device = _run(lambda: _session(SimDevice("pad"), 0.3))
    assert link.protocol_version == 2
    assert link.limits_note is None
    assert {lim.channel for lim in link.session_limits} == {2, 3}
    lower_back = device.core.channels[2]  # vib.lower-back on the pad
    assert lower_back.spec.id == "vib.lower-back"
    assert lower_back.session_cap == pytest.approx(0.35, abs=1e-4)
    assert lower_back.session_ramp_per_s == pytest.approx(0.05)


@pytest.mark.parametrize("answers_foreign_hello", [False, True], ids=["silent", "answers"])
def test_a_version_1_device_is_served_in_version_1(answers_foreign_hello: bool) -> None:
    # Version-1 firmware as it shipped drops a HELLO of another version unanswered; one
    # following PROTOCOL.md §9 answers DEVICE_INFO (v1) + VERSION_MISMATCH. Both are served.
    device = SimDevice("pad", protocol=1)
    device.answers_foreign_hello = answers_foreign_hello
    link, device = _run(lambda: _session(device, 0.3))
    assert link.protocol_version == 1
    assert link.limits_note == V1_LIMITS_NOTE
    assert "enforces only its own hard limits" in V1_LIMITS_NOTE
    assert link.session_limits == ()
    assert device.core.channels[2].session_cap == float("inf")
    assert device.core.state.name == "STOPPED"  # the STOP (a v1 frame) reached it


def test_a_device_with_another_schema_under_the_same_version_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A device whose schema differs under the same version (it refuses our HELLO and says
    # version 2): no fallback to version 1, one clear error naming both sides.
    import massage_sim.device as simdev

    monkeypatch.setattr(simdev, "SCHEMA_HASHES", {**simdev.SCHEMA_HASHES, 2: 0x12345678})

    async def go() -> str:
        transport = SimTransport("pad", device_factory=lambda: SimDevice("pad"))
        await transport.open()
        link = Link(transport)
        try:
            with pytest.raises(LinkError) as err:
                await link.connect(timeout_s=3.0)
        finally:
            await transport.close()
        return str(err.value)

    text = _run(go)
    assert "speaks protocol version 2" in text and "refused the handshake" in text


@pytest.mark.parametrize("protocol", [2, 1])
def test_the_measured_pad_temperature_reaches_the_status_only_from_a_version_2_device(
    protocol: int,
) -> None:
    # Issue 11 §5: the heater's setpoint reaches 40 °C after 40 s (1 °C/s from 0); the pad
    # (tau 60 s, ambient 25 °C) is still far below it at 60 s, and that is what to show.
    async def go() -> tuple[float, dict[str, float]]:
        device = SimDevice("chair", protocol=protocol)
        transport = SimTransport("chair", device_factory=lambda: device)
        await transport.open()
        link = Link(transport)
        await link.connect()
        await link.start_session()
        link.submit(ChannelSetpoint("heat.lower-back", 40.0, 0))
        await asyncio.sleep(60.0)
        status = link.status
        assert status is not None
        await link.stop()
        await link.close()
        await transport.close()
        return status.actual["heat.lower-back"], dict(status.measured_c)

    setpoint, measured = _run(go)
    if protocol == 1:
        assert measured == {}  # nothing measured: the view then says "setpoint"
    else:
        assert 26.0 < measured["heat.lower-back"] < 37.0
        assert setpoint == pytest.approx(40.0, abs=0.01)
