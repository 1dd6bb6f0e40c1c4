"""``massage-ctl run`` end to end, as a user runs it (subprocesses, a real pty)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent


def _serve_pty(tmp_path: Path, profile: str = "pad") -> tuple[subprocess.Popen[str], str, Path]:
    trace = tmp_path / "trace.jsonl"
    sim = subprocess.Popen(
        [str(BIN / "massage-sim"), "serve", "--pty", "--profile", profile, "--trace", str(trace)],
        stdout=subprocess.PIPE, text=True,
    )
    assert sim.stdout is not None
    where = sim.stdout.readline().strip()
    assert where.startswith("/dev/"), where
    return sim, where, trace


def test_ctrl_c_stops_the_device_and_records_the_session(tmp_path: Path) -> None:
    sim, port, trace = _serve_pty(tmp_path)
    try:
        run = subprocess.Popen(
            [str(BIN / "massage-ctl"), "run", "quick-10-minute", "--device", f"serial://{port}?baud=115200"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ},
        )

        assert run.stdout is not None
        first = ""  # compile warnings ("  ! …"), then the first progress line: playback began
        while (line := run.stdout.readline()) and "%" not in line:
            first += line
        first += line
        assert "%" in line, first
        time.sleep(2.0)  # let it drive the device for a moment
        run.send_signal(signal.SIGINT)
        rest, err = run.communicate(timeout=20)
        out = first + rest
        assert run.returncode == 130, err
        assert "STOP sent — device confirmed all off" in out
        time.sleep(0.3)  # a few more status ticks into the trace
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    samples = [json.loads(x) for x in trace.read_text().splitlines()]
    samples = [s for s in samples if "state" in s]
    assert any(any(s["channels"].values()) for s in samples), "the device was never driven"
    last = samples[-1]
    assert last["state"] == "stopped"
    assert all(v == 0 for v in last["channels"].values())

    [record] = _history()["sessions"]
    assert (record["program_id"], record["outcome"]) == ("quick-10-minute", "stop")
    assert 0 < record["actual_ms"] < record["planned_ms"]


def _history() -> dict[str, Any]:
    """``massage-ctl history --json`` (the test's own MASSAGE_CTL_HOME)."""
    done = subprocess.run(
        [str(BIN / "massage-ctl"), "history", "--json"], capture_output=True, text=True,
        check=True, timeout=30,
    )
    data: dict[str, Any] = json.loads(done.stdout)
    return data


@pytest.mark.timeout(60)
def test_speed_max_plays_a_program_to_completion_quickly_and_records_it() -> None:
    done = subprocess.run(
        [str(BIN / "massage-ctl"), "run", "quick-10-minute", "--device", "sim://pad?speed=max",
         "--pain-before", "5", "--pain-after", "3"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=50, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Session completed" in done.stdout
    assert "100%" in done.stdout  # plain progress lines when stdout is not a terminal
    [record] = _history()["sessions"]
    assert (record["outcome"], record["pain_before"], record["pain_after"]) == ("completed", 5, 3)


def test_unknown_program_is_one_clear_line() -> None:
    done = subprocess.run(
        [str(BIN / "massage-ctl"), "run", "no-such-program"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30, check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("massage-ctl: error:")
