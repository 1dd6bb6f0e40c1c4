"""The reference C core's STOP and watchdog latches, rule by rule (firmware_protocol/PROTOCOL.md).

The same rules as the simulator's (tests/sim/test_stop_watchdog_rules.py), on the C core run
on a virtual clock (``mp_sim_cli``: a frame in, its state and outputs out; ``tick`` advances
10 ms at a time): a new session is HELLO → CLEAR → SESSION_START; HELLO clears no latch; CLEAR
frees STOPPED, and LINK_LOST only after a HELLO since the watchdog fired; SESSION_END never
frees a STOP; nothing leaves a latch by itself; a late heartbeat never revives the session.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Clear,
    Heartbeat,
    Hello,
    Message,
    PatternCode,
    SessionEnd,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Stop,
    StopReason,
    encode_frame,
)

TICK_MS = 10
PAD_CHANNELS = 4


class Core:
    """One C device core (the pad unless told) on a virtual clock."""

    def __init__(self, binary: Path, profile: str = "pad") -> None:
        self.proc = subprocess.Popen(
            [str(binary), profile], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.kinds = [c.kind for c in load_device_profile(profile).channels]
        self.seq = 0
        self.state = "IDLE"
        self.values = [0.0] * PAD_CHANNELS
        self.history: list[str] = []  # every state seen, tick by tick

    def _line(self) -> None:
        assert self.proc.stdout is not None
        state, *values = self.proc.stdout.readline().split()
        self.state, self.values = state, [float(v) for v in values]
        self.history.append(state)

    def send(self, msg: Message) -> str:
        """One frame in; the state right after it."""
        assert self.proc.stdin is not None
        self.seq += 1
        self.proc.stdin.write(f"rx {encode_frame(msg, self.seq).hex()}\n")
        self.proc.stdin.flush()
        self._line()
        return self.state

    def wait(self, ms: int, *, heartbeat_every_ms: int = 0) -> None:
        """Let ``ms`` pass, with heartbeats at that interval (0: silence)."""
        assert self.proc.stdin is not None
        step = heartbeat_every_ms or ms
        for _ in range(ms // step):
            self.proc.stdin.write(f"tick {step}\n")
            self.proc.stdin.flush()
            for _ in range(step // TICK_MS):
                self._line()
            if heartbeat_every_ms:
                self.send(Heartbeat(stop_requested=False))

    def start(self, watchdog_ms: int = 500) -> str:
        """HELLO → CLEAR → SESSION_START, as the controller starts a session."""
        self.send(Hello(PROTOCOL_VERSION, SCHEMA_HASH))
        self.send(Clear())
        return self.send(SessionStart(watchdog_ms))

    def all_on(self) -> None:
        for ch in range(len(self.kinds)):
            self.send(Setpoint((SetpointEntry(ch, 0xFFFF, 0, PatternCode.STEADY, 0),)))
        self.wait(2000, heartbeat_every_ms=100)
        pressing = [v for v, k in zip(self.values, self.kinds, strict=True)
                    if k not in ("position", "heat")]  # heat warms at 0.1 °C/s
        assert all(v > 0.5 for v in pressing), self.values

    def force(self) -> list[float]:
        """Every output that acts on the body (a roller's position is where it stopped)."""
        return [v for v, kind in zip(self.values, self.kinds, strict=True) if kind != "position"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=5)


@pytest.fixture
def core(sim_cli_binary: Path) -> Iterator[Core]:
    c = Core(sim_cli_binary)
    yield c
    c.close()


def _running(core: Core) -> Core:
    assert core.start() == "RUNNING"
    core.all_on()
    return core


def _stopped(core: Core) -> Core:
    _running(core)
    assert core.send(Stop(StopReason.USER)) == "STOPPED"
    return core


def _link_lost(core: Core) -> Core:
    _running(core)
    core.wait(600)
    assert core.state == "LINK_LOST"
    return core


@pytest.mark.parametrize("silence_ms", [500, 510, 2000, 30_000])
def test_a_late_heartbeat_never_revives_the_session(core: Core, silence_ms: int) -> None:
    _running(core)
    core.wait(silence_ms)
    core.send(Heartbeat(stop_requested=False))
    assert core.state == "LINK_LOST"
    core.wait(1500, heartbeat_every_ms=100)  # the controller is back, talking as if nothing was
    assert core.state == "LINK_LOST"
    assert core.values == [0.0] * PAD_CHANNELS


def test_a_heartbeat_inside_the_period_keeps_the_session(core: Core) -> None:
    _running(core)
    core.wait(490)
    core.send(Heartbeat(stop_requested=False))
    core.wait(490)
    core.send(Heartbeat(stop_requested=False))
    assert core.state == "RUNNING"


@pytest.mark.parametrize("profile", ["pad", "chair"])
def test_the_watchdog_ramps_every_output_to_zero_within_one_second(
    sim_cli_binary: Path, profile: str
) -> None:
    # The chair's air cells may only fill at 0.5/s, but a lost link empties them in 1 s.
    core = Core(sim_cli_binary, profile)
    try:
        _running(core)
        core.wait(500)
        assert core.state == "LINK_LOST"
        core.wait(1000)
        assert core.force() == [0.0] * len(core.force())
    finally:
        core.close()


def test_stop_zeroes_every_output_in_the_same_step(core: Core) -> None:
    _running(core)
    assert core.send(Stop(StopReason.USER)) == "STOPPED"
    assert core.values == [0.0] * PAD_CHANNELS


def test_a_heartbeat_asking_to_stop_stops_too(core: Core) -> None:
    _running(core)
    assert core.send(Heartbeat(stop_requested=True)) == "STOPPED"
    assert core.values == [0.0] * PAD_CHANNELS


def test_session_end_never_frees_a_stop(core: Core) -> None:
    _stopped(core)
    assert core.send(SessionEnd()) == "STOPPED"
    assert core.send(SessionStart(500)) == "STOPPED"


@pytest.mark.parametrize("latch", ["stopped", "link-lost"])
def test_hello_clears_no_latch(core: Core, latch: str) -> None:
    (_stopped if latch == "stopped" else _link_lost)(core)
    state = core.state
    assert core.send(Hello(PROTOCOL_VERSION, SCHEMA_HASH)) == state
    assert core.send(SessionStart(500)) == state


def test_clear_frees_a_lost_link_only_after_a_new_hello(core: Core) -> None:
    _link_lost(core)
    assert core.send(Clear()) == "LINK_LOST"
    assert core.start() == "RUNNING"


def test_after_a_stop_hello_clear_start_is_a_new_session(core: Core) -> None:
    _stopped(core)
    assert core.start() == "RUNNING"
    core.all_on()


@pytest.mark.parametrize("latch", ["stopped", "link-lost"])
def test_a_latch_is_never_left_by_itself(core: Core, latch: str) -> None:
    (_stopped if latch == "stopped" else _link_lost)(core)
    state = core.state
    seen = len(core.history)
    core.wait(20_000, heartbeat_every_ms=100)
    assert set(core.history[seen:]) == {state}
    assert core.values == [0.0] * PAD_CHANNELS
