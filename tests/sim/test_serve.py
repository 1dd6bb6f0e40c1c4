"""``massage-sim serve --pty`` / ``--tcp`` end to end: a real process, a raw client on the codec."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from massage_ctl.protocol.enums import AckResult, DeviceState
from massage_ctl.protocol.messages import (
    Ack,
    DeviceInfo,
    Heartbeat,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Stop,
)
from massage_ctl.protocol.units import raw_to_value, value_to_raw

from .wire_client import RawClient

SIM = [sys.executable, "-m", "massage_sim.cli"]


def _session(port: serial.SerialBase) -> RawClient:
    """Handshake, start, one setpoint, 1.5 s of heartbeats, STOP; returns what was received."""
    client = RawClient(port.write)

    def pump(seconds: float, heartbeat: bool = True) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if heartbeat:
                client.send(Heartbeat(False))
            client.feed(port.read(4096))

    client.hello()
    pump(0.3)
    client.send(SessionStart(1000))
    client.send(Setpoint((SetpointEntry(0, value_to_raw(0.3, 1.0), 0),)))
    pump(1.5)
    client.send(Stop())
    pump(0.3)
    return client


def _check(client: RawClient) -> None:
    assert client.of_type(DeviceInfo)[0].profile_id == "pad"
    assert any(a.result == AckResult.OK and a.acked_type == SessionStart.TYPE
               for a in client.of_type(Ack))
    statuses = client.of_type(type(client.last_status()))
    running = [s for s in statuses if s.state == DeviceState.RUNNING]
    assert running and raw_to_value(running[-1].values[0], 1.0) == pytest.approx(0.3, abs=1e-3)
    assert client.last_status().state == DeviceState.STOPPED
    assert client.last_status().values == (0, 0, 0, 0)


def _finish(proc: subprocess.Popen[str], trace: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    states = {json.loads(line).get("state") for line in trace.read_text().splitlines()}
    assert {"running", "stopped"} <= states


def test_serve_pty_end_to_end(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    proc = subprocess.Popen([*SIM, "serve", "--pty", "--profile", "pad", "--trace", str(trace)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        with serial.Serial(path, 115200, timeout=0.02) as port:
            _check(_session(port))
        _finish(proc, trace)
    finally:
        proc.kill()


def test_serve_tcp_end_to_end(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    proc = subprocess.Popen([*SIM, "serve", "--tcp", "0", "--profile", "pad", "--trace",
                             str(trace)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        with serial.serial_for_url(url, timeout=0.02) as port:
            _check(_session(port))
        # A new client finds the device still latched in STOPPED (it never restarts by itself).
        with serial.serial_for_url(url, timeout=0.02) as port:
            client = RawClient(port.write)
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                client.feed(port.read(4096))
            assert client.last_status().state == DeviceState.STOPPED
        _finish(proc, trace)
    finally:
        proc.kill()


def test_bad_arguments_give_one_clear_line() -> None:
    out = subprocess.run([*SIM, "serve", "--pty", "--faults", "explode@3s"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "massage-sim: error: bad fault 'explode@3s'" in out.stderr
    assert "Traceback" not in out.stderr
    out = subprocess.run([*SIM, "serve", "--tcp", "0", "--profile", "sofa"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "unknown device profile 'sofa'" in out.stderr


def test_profiles_lists_the_builtins() -> None:
    out = subprocess.run([*SIM, "profiles"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert [line.split()[0] for line in out.stdout.splitlines()] == ["chair", "bed", "pad"]
