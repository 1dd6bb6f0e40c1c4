"""The C core passes the scripted version exchanges of PROTOCOL.md §9 / §9.1
(``vectors/version_exchanges.json``): built as version 2 (``make host``) and as version 1 as it
shipped (``make host-v1``: a foreign HELLO goes unanswered), over its pty, frame by frame. (The one
exchange for a version-1 device that *answers* foreign HELLOs has no C build; the simulator
plays it, tests/sim/test_exchanges.py.)"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import serial

from ..protocol.exchanges import check_step, load_exchanges
from .conftest import C_DIR, build_c

PLAYABLE = [
    e for e in load_exchanges() if e["device_version"] == 2 or not e["answers_foreign_hello"]
]


@pytest.fixture(scope="module")
def binaries(require_tools: Callable[..., None]) -> dict[int, Path]:
    require_tools("gcc", "make")
    return {
        2: build_c("host", C_DIR / "build" / "massage-device-host"),
        1: build_c("host-v1", C_DIR / "build" / "massage-device-host-v1"),
    }


def _read_for(port: serial.Serial, seconds: float) -> bytes:
    data = bytearray()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        data += port.read(4096)
    return bytes(data)


@pytest.mark.parametrize("exchange", PLAYABLE, ids=lambda e: e["name"])
def test_the_c_core_passes_the_exchange(
    binaries: dict[int, Path], exchange: dict[str, Any]
) -> None:
    proc = subprocess.Popen(
        [str(binaries[exchange["device_version"]]), "--profile", "pad"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    try:
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/"), path
        with serial.Serial(path, 115200, timeout=0.02) as port:
            for step in exchange["steps"]:
                _read_for(port, 0.05)  # what came before this step is not its answer
                port.write(bytes.fromhex(step["send"]))
                port.flush()
                # The answer, and STATUS (10 Hz once a HELLO came) to show the state.
                received = _read_for(port, 0.35)
                # A frame cut at the window's end is completed by the next read.
                if not received.endswith(b"\x00"):
                    received += _read_for(port, 0.05)
                    received = received[: received.rfind(b"\x00") + 1]
                check_step(step, received)
    finally:
        proc.terminate()
        proc.wait(timeout=5)
