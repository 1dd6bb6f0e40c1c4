"""Safety invariants of the C device core under arbitrary controller behaviour (hypothesis).

The core runs on a virtual clock (``mp_sim_cli``); hypothesis writes the controller's side —
handshakes, starts with any watchdog, setpoints of any size and pattern for real and bogus
channels, heartbeats, STOPs, CLEARs, session ends, line noise and silences of any length —
and every 10 ms tick is checked against docs/SAFETY.md and PROTOCOL.md:

* no output ever leaves 0..hard max or rises faster than its ramp limit;
* STOP zeroes every output in the same step, and nothing leaves STOPPED without a CLEAR;
* the device never starts by itself: RUNNING only follows a SESSION_START;
* RUNNING never outlives the watchdog period after the last valid frame, and a lost link
  brings every output to zero within 1 s.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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

Action = tuple[Any, ...]

actions = st.one_of(
    st.just(("hello",)),
    st.tuples(st.just("start"), st.integers(0, 3000)),
    st.tuples(
        st.just("setpoint"),
        st.integers(0, 18),  # the chair has 16 channels: some entries name none
        st.integers(0, 0xFFFF),
        st.integers(0, 5000),
        st.sampled_from(list(PatternCode)),
        st.integers(0, 2000),
    ),
    st.just(("heartbeat",)),
    st.just(("stop",)),
    st.just(("heartbeat-stop",)),
    st.just(("clear",)),
    st.just(("end",)),
    st.tuples(st.just("noise"), st.binary(min_size=1, max_size=40)),
)
waits = st.one_of(st.integers(0, 12), st.integers(12, 250))  # in 10 ms ticks
# Most scenarios begin with a working session and high setpoints, so that STOPs, silences and
# ends meet outputs that are really on; the rest start from a cold device.
session_prefix = st.integers(100, 2500).map(
    lambda watchdog_ms: [
        (("hello",), 0),
        (("start", watchdog_ms), 0),
        # Every channel of the chair (the pad ACKs BAD_CHANNEL for those it lacks).
        *[(("setpoint", ch, 0xFFFF, 0, PatternCode.STEADY, 0), 0) for ch in range(16)],
        (("heartbeat",), 10),
        (("heartbeat",), 10),
        (("heartbeat",), 10),
    ]
)
scenarios = st.tuples(
    st.one_of(session_prefix, session_prefix, session_prefix, st.just([])),
    st.lists(st.tuples(actions, waits), min_size=1, max_size=30),
).map(lambda parts: parts[0] + parts[1])


def message_for(action: Action) -> Message | None:
    kind = action[0]
    if kind == "hello":
        return Hello(PROTOCOL_VERSION, SCHEMA_HASH)
    if kind == "start":
        return SessionStart(action[1])
    if kind == "setpoint":
        return Setpoint((SetpointEntry(action[1], action[2], action[3], action[4], action[5]),))
    if kind == "heartbeat":
        return Heartbeat(stop_requested=False)
    if kind == "heartbeat-stop":
        return Heartbeat(stop_requested=True)
    if kind == "stop":
        return Stop(StopReason.USER)
    if kind == "clear":
        return Clear()
    if kind == "end":
        return SessionEnd()
    return None


class Checker:
    """Follows the device line by line and asserts the invariants."""

    def __init__(self, profile_id: str) -> None:
        profile = load_device_profile(profile_id)
        self.channels = profile.channels
        self.state = "IDLE"
        self.values = [0.0] * len(self.channels)
        self.t_ms = 0
        self.last_valid_rx_ms = 0
        self.watchdog_ms = 500
        self.link_lost_at: int | None = None

    def parse(self, line: str) -> tuple[str, list[float]]:
        state, *values = line.split()
        assert len(values) == len(self.channels), line
        return state, [float(v) for v in values]

    def check_common(self, state: str, values: list[float]) -> None:
        for ch, v in zip(self.channels, values, strict=True):
            assert -1e-6 <= v <= ch.hard_max + 1e-4, f"{ch.id} = {v} beyond its hard max"
            if state in ("STOPPED", "FAULT") and ch.kind != "position":
                assert v == 0.0, f"{ch.id} = {v} while {state}"

    def after_rx(self, action: Action, line: str) -> None:
        state, values = self.parse(line)
        self.check_common(state, values)
        for old, new in zip(self.values, values, strict=True):
            assert new <= old + 1e-6, "receiving a frame made an output jump up"
        kind = action[0]
        if kind != "noise":
            self.last_valid_rx_ms = self.t_ms
        if kind in ("stop", "heartbeat-stop"):
            assert state == "STOPPED"
        if state != self.state:
            allowed = {
                "RUNNING": {"start"},
                "IDLE": {"end", "hello", "clear"},
                "STOPPED": {"stop", "heartbeat-stop"},
            }
            assert kind in allowed.get(state, set()), f"{self.state} -> {state} on {kind}"
            if self.state == "STOPPED":
                assert kind == "clear", f"left STOPPED on {kind}"
            if state == "RUNNING":
                self.watchdog_ms = min(max(action[1], 250), 2000)
        self.state, self.values = state, values

    def after_tick(self, line: str) -> None:
        self.t_ms += TICK_MS
        state, values = self.parse(line)
        self.check_common(state, values)
        for ch, old, new in zip(self.channels, self.values, values, strict=True):
            limit = ch.max_ramp_per_s * TICK_MS / 1000
            assert new - old <= limit * 1.001 + 1e-5, f"{ch.id} rose faster than its ramp limit"
        if state != self.state:
            assert (self.state, state) == ("RUNNING", "LINK_LOST"), f"{self.state} -> {state}"
            assert self.t_ms - self.last_valid_rx_ms >= self.watchdog_ms
            self.link_lost_at = self.t_ms
        if state == "RUNNING":
            assert self.t_ms - self.last_valid_rx_ms <= self.watchdog_ms + TICK_MS
        if state == "LINK_LOST" and self.link_lost_at is not None:
            for ch, v in zip(self.channels, values, strict=True):
                if ch.kind == "heat" or (
                    ch.kind != "position" and self.t_ms - self.link_lost_at >= 1000
                ):
                    assert v == 0.0, f"{ch.id} = {v} after the link was lost"
        self.state, self.values = state, values


def run_scenario(binary: Path, profile_id: str, scenario: list[tuple[Action, int]]) -> None:
    """Play ``scenario`` (action, then ticks to wait) against a fresh device, checking all."""
    proc = subprocess.Popen(
        [str(binary), profile_id], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None and proc.stdout is not None
    checker = Checker(profile_id)
    try:
        for seq, (action, wait_ticks) in enumerate(scenario, start=1):
            msg = message_for(action)
            # Line noise is followed by a delimiter, as a sender flushing the receiver would.
            data = encode_frame(msg, seq) if msg is not None else action[1] + b"\x00"
            proc.stdin.write(f"rx {data.hex()}\n")
            proc.stdin.flush()
            checker.after_rx(action, proc.stdout.readline())
            if wait_ticks:
                proc.stdin.write(f"tick {wait_ticks * TICK_MS}\n")
                proc.stdin.flush()
                for _ in range(wait_ticks):
                    checker.after_tick(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.wait(timeout=5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_chair_keeps_the_safety_rules(sim_cli_binary: Path, scenario: list[Any]) -> None:
    run_scenario(sim_cli_binary, "chair", scenario)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_pad_keeps_the_safety_rules(sim_cli_binary: Path, scenario: list[Any]) -> None:
    run_scenario(sim_cli_binary, "pad", scenario)
