"""Interop with the reference C device: build it, run it on a pty, talk to it with our codec.

The C program (``firmware_protocol/c/build/massage-device-host``) prints its pty path on its
first stdout line, like a board that appears as a USB serial port; the tests open that port
with pyserial and speak the wire protocol through :mod:`massage_ctl.protocol`.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import serial

from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Ack,
    Clear,
    FrameDecoder,
    FrameError,
    Heartbeat,
    Hello,
    Message,
    SessionStart,
)

C_DIR = Path(__file__).resolve().parents[2] / "firmware_protocol" / "c"
HOST_BINARY = C_DIR / "build" / "massage-device-host"


def build_c(target: str, output: Path) -> Path:
    """``make -C firmware_protocol/c TARGET`` (call ``require_tools("gcc", "make")`` first)."""
    result = subprocess.run(
        ["make", "-C", str(C_DIR), target], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"building {output.name} failed:\n" + result.stdout + result.stderr, pytrace=False
        )
    return output


@pytest.fixture(scope="session")
def device_host_binary(require_tools: Callable[..., None]) -> Path:
    """The host device program, built once per test session (skipped without gcc/make)."""
    require_tools("gcc", "make")
    return build_c("host", HOST_BINARY)


@pytest.fixture(scope="session")
def sim_cli_binary(require_tools: Callable[..., None]) -> Path:
    """The test-only device core on a virtual clock (stdin commands), built once per session."""
    require_tools("gcc", "make")
    return build_c("sim-cli", C_DIR / "build" / "mp_sim_cli")


@pytest.fixture(scope="session")
def decode_cli_binary(require_tools: Callable[..., None]) -> Path:
    """The test-only C decoder filter (hex frame in, verdict out), built once per session."""
    require_tools("gcc", "make")
    return build_c("decode-cli", C_DIR / "build" / "mp_decode_cli")


class CDevice:
    """The running C device program, reached over its pty with pyserial and our codec."""

    def __init__(
        self, proc: subprocess.Popen[str], port: str, trace_path: Path, *, connect: bool = True
    ) -> None:
        self.proc = proc
        self.port_path = port
        self.trace_path = trace_path
        # connect=False leaves the port to another program (e.g. massage-ctl itself).
        self.serial = serial.Serial(port, 115200, timeout=0.02) if connect else None
        self.decoder = FrameDecoder()
        self.seq = 0
        self.received: list[Message] = []
        self.errors: list[FrameError] = []
        self._unseen: list[Message] = []  # received but not yet looked at by wait_for

    def send(self, message: Message, seq: int | None = None) -> int:
        """Send one frame; returns the sequence number used (next in line unless given)."""
        from massage_ctl.protocol import encode_frame

        if seq is None:
            self.seq = (self.seq + 1) & 0xFFFF
            seq = self.seq
        assert self.serial is not None, "started with connect=False"
        self.serial.write(encode_frame(message, seq))
        self.serial.flush()
        return seq

    def poll(self) -> list[Message]:
        """Read what has arrived (waits at most the port timeout); returns new messages."""
        assert self.serial is not None, "started with connect=False"
        data = self.serial.read(4096)
        new: list[Message] = []
        for item in self.decoder.feed(data):
            if isinstance(item, FrameError):
                self.errors.append(item)
            else:
                new.append(item.message)
        self.received.extend(new)
        self._unseen.extend(new)
        return new

    def wait_for(
        self, what: str, match: Callable[[Message], bool], timeout_s: float = 2.0
    ) -> Message:
        """The first newly received message ``match`` accepts; fails the test on timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            while self._unseen:
                msg = self._unseen.pop(0)
                if match(msg):
                    return msg
            if time.monotonic() >= deadline:
                break
            self.poll()
        pytest.fail(f"the C device sent no {what} within {timeout_s} s", pytrace=False)

    def wait_ack(self, seq: int, timeout_s: float = 2.0) -> Ack:
        """The ACK for our frame ``seq``."""
        msg = self.wait_for(
            f"ACK for seq {seq}",
            lambda m: isinstance(m, Ack) and m.acked_seq == seq,
            timeout_s,
        )
        assert isinstance(msg, Ack)
        return msg

    def keep_alive(self, seconds: float) -> list[Message]:
        """Send a HEARTBEAT every 100 ms for ``seconds``; returns the messages received."""
        self._unseen.clear()
        got: list[Message] = []
        end = time.monotonic() + seconds
        next_beat = time.monotonic()
        while time.monotonic() < end:
            if time.monotonic() >= next_beat:
                self.send(Heartbeat(stop_requested=False))
                next_beat += 0.1
            got.extend(self.poll())
        return got

    def listen(self, seconds: float) -> list[Message]:
        """Only read for ``seconds`` (the controller has gone quiet)."""
        self._unseen.clear()
        got: list[Message] = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            got.extend(self.poll())
        return got

    def hello(self) -> Ack:
        """HELLO with our version and schema hash; returns the device's ACK."""
        self._unseen.clear()
        return self.wait_ack(self.send(Hello(PROTOCOL_VERSION, SCHEMA_HASH)))

    def start_session(self, watchdog_ms: int = 500) -> Ack:
        """What the controller sends for every start (PROTOCOL.md §6.1): HELLO, CLEAR, then
        SESSION_START; returns the SESSION_START ACK."""
        self.hello()
        self.wait_ack(self.send(Clear()))
        return self.wait_ack(self.send(SessionStart(watchdog_ms)))

    def trace(self) -> list[dict[str, Any]]:
        """The JSON-Lines trace written so far."""
        lines = self.trace_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def close(self) -> None:
        if self.serial is not None:
            self.serial.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def c_device_factory(device_host_binary: Path, tmp_path: Path) -> Iterator[Callable[..., CDevice]]:
    """Start the C device with a profile (``pad``, ``chair``, ``bed``); stopped afterwards.

    ``connect=False`` starts it without opening its port here.
    """
    started: list[CDevice] = []

    def start(profile: str, *, connect: bool = True) -> CDevice:
        trace = tmp_path / f"trace-{profile}-{len(started)}.jsonl"
        proc = subprocess.Popen(
            [str(device_host_binary), "--profile", profile, "--trace", str(trace)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        if not port.startswith("/dev/"):
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"massage-device-host did not print its pty path: {err}", pytrace=False)
        device = CDevice(proc, port, trace, connect=connect)
        started.append(device)
        return device

    yield start
    for device in started:
        device.close()


@pytest.fixture
def pad(c_device_factory: Callable[[str], CDevice]) -> CDevice:
    """The C device running the 4-zone pad table."""
    return c_device_factory("pad")
