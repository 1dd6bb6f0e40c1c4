"""Devices the conformance suite is run against: C host builds on a pty (good and broken)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

C_DIR = Path(__file__).resolve().parents[2] / "firmware_protocol" / "c"


def make_c(target: str) -> None:
    """``make -C firmware_protocol/c TARGET``; the test fails with make's output otherwise."""
    result = subprocess.run(
        ["make", "-C", str(C_DIR), target], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"make {target} failed:\n{result.stdout}{result.stderr}", pytrace=False)


@pytest.fixture(scope="session")
def c_host_builds(require_tools: Callable[..., None]) -> Path:
    """The build folder with massage-device-host and its broken variants (built once)."""
    require_tools("gcc", "make")
    make_c("host")
    make_c("broken-host")
    return C_DIR / "build"


@pytest.fixture
def start_c_host(c_host_builds: Path) -> Iterator[Callable[..., str]]:
    """Start ``massage-device-host[-broken-KIND]`` with a profile (and ``trace=PATH``, its
    JSON-Lines trace: a sample every 50 ms); returns its serial URL."""
    started: list[subprocess.Popen[str]] = []

    def start(binary: str, profile: str, trace: Path | None = None) -> str:
        extra = ["--trace", str(trace)] if trace is not None else []
        proc = subprocess.Popen(
            [str(c_host_builds / binary), "--profile", profile, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(proc)
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        if not port.startswith("/dev/"):
            pytest.fail(f"{binary} printed no pty path", pytrace=False)
        return f"serial://{port}"

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
