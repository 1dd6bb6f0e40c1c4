"""Protocol version 2 on the C core: session limits enforced on the device (PROTOCOL.md §5.4),
and the same core built as a version-1 device (``make host-v1``) still served by massage_ctl,
which then tells the user that the device enforces only its hard limits (§9)."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.devices import load_device_profile
from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.link.handshake import V1_LIMITS_NOTE
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Clear,
    Hello,
    Message,
    PatternCode,
    SessionLimit,
    SessionStart,
    Setpoint,
    SetpointEntry,
    encode_frame,
)
from massage_ctl.transports import open_transport

from .conftest import C_DIR, build_c

TICK_MS = 10
CHAIR = load_device_profile("chair")
N = len(CHAIR.channels)

limits = st.dictionaries(
    st.integers(0, N - 1),
    st.tuples(st.integers(0, 0xFFFF), st.integers(1, 2000)),  # max_target, ramp milli/s
    max_size=N,
)
setpoints = st.lists(
    st.tuples(st.integers(0, N - 1), st.integers(0, 0xFFFF), st.integers(0, 4000),
              st.integers(1, 40)),  # channel, target, ramp_ms, ticks to wait (< the watchdog)
    min_size=1, max_size=20,
)


class Core:
    """The C core on a virtual clock (``mp_sim_cli``): frames in, one line of values out."""

    def __init__(self, binary: Path) -> None:
        self.proc = subprocess.Popen(
            [str(binary), "chair"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.seq = 0

    def send(self, msg: Message) -> tuple[str, list[float]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.seq += 1
        self.proc.stdin.write(f"rx {encode_frame(msg, self.seq).hex()}\n")
        self.proc.stdin.flush()
        return _parse(self.proc.stdout.readline())

    def tick(self, ticks: int) -> list[tuple[str, list[float]]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"tick {ticks * TICK_MS}\n")
        self.proc.stdin.flush()
        return [_parse(self.proc.stdout.readline()) for _ in range(ticks)]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=5)


def _parse(line: str) -> tuple[str, list[float]]:
    state, *values = line.split()
    return state, [float(v) for v in values]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session=limits, script=setpoints)
def test_c_core_never_passes_the_tighter_of_hard_and_session_limits(
    sim_cli_binary: Path, session: dict[int, tuple[int, int]], script: list[tuple[int, ...]]
) -> None:
    core = Core(sim_cli_binary)
    try:
        core.send(Hello(PROTOCOL_VERSION, SCHEMA_HASH))
        core.send(Clear())
        entries = tuple(SessionLimit(ch, raw, ramp) for ch, (raw, ramp) in session.items())
        state, values = core.send(SessionStart(500, entries))
        assert state == "RUNNING"
        caps, ramps = [], []
        for i, spec in enumerate(CHAIR.channels):
            raw, ramp_milli = session.get(i, (0xFFFF, 10**9))
            caps.append(min(spec.hard_max, raw / 0xFFFF * spec.max))
            ramps.append(min(spec.max_ramp_per_s, ramp_milli / 1000))
        for ch, target, ramp_ms, wait in script:
            entry = SetpointEntry(ch, target, ramp_ms, PatternCode.STEADY, 0)
            state, new = core.send(Setpoint((entry,)))
            assert state == "RUNNING"
            lines = [(state, new), *core.tick(wait)]
            for (now_state, now) in lines:
                assert now_state == "RUNNING"  # a frame every < 500 ms: the watchdog holds
                for i, spec in enumerate(CHAIR.channels):
                    if spec.kind != "position":  # a carriage's place is not an intensity
                        assert now[i] <= caps[i] + 1e-3 * spec.max, (spec.id, now[i], caps[i])
                    step = abs(now[i] - values[i])
                    assert step <= ramps[i] * TICK_MS / 1000 * 1.001 + 1e-5, (spec.id, step)
                    values[i] = now[i]
    finally:
        core.close()


@pytest.fixture(scope="module")
def host_v1(require_tools: Callable[..., None]) -> Path:
    require_tools("gcc", "make")
    return build_c("host-v1", C_DIR / "build" / "massage-device-host-v1")


@pytest.fixture
def v1_device(host_v1: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [str(host_v1), "--profile", "pad"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    try:
        assert port.startswith("/dev/"), port
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_the_version_1_c_core_is_served_in_version_1_and_the_user_is_told(
    v1_device: str,
) -> None:
    async def go() -> tuple[int, str | None, str]:
        transport = open_transport(f"serial://{v1_device}")
        await transport.open()
        link = Link(transport)
        try:
            await link.connect(timeout_s=4.0)
            await link.start_session(limits={"vib.hips": (0.35, 0.05)})
            link.submit(ChannelSetpoint("vib.hips", 0.2, 0))
            await asyncio.sleep(0.5)
            status = link.status
            assert await link.stop()
            return link.protocol_version, link.limits_note, status.state if status else "?"
        finally:
            await link.close()
            await transport.close()

    version, note, state = asyncio.run(go())
    assert version == 1
    assert note == V1_LIMITS_NOTE
    assert state == "running"
