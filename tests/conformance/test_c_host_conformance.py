"""The conformance suite against the reference C device on a pty (real time, ~15 s a run):
the real build passes everything applicable; each deliberately broken build
(``make broken-host``, firmware_protocol/c/tests/broken_device.c) fails exactly the checks of
the rule it breaks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from massage_ctl.conformance import Verdict, run_conformance

#: broken build → the checks it must fail (all others must pass or be n/a).
BROKEN_BUILDS = {
    "massage-device-host-broken-watchdog": {"§7.1 watchdog fires", "§6.1 LINK_LOST latch"},
    "massage-device-host-broken-latch": {"§6 STOP latch", "§7.3 late CLEAR after STOP"},
    "massage-device-host-broken-hardmax": {"§5.6 hard max clamped"},
}


def test_the_c_host_device_conforms(start_c_host: Callable[[str, str], str]) -> None:
    url = start_c_host("massage-device-host", "chair")
    report = run_conformance(url)
    failed = [(r.id, r.reason, r.seen) for r in report.results if r.verdict is Verdict.FAIL]
    assert failed == []
    assert report.ok and report.device["firmware_version"] == "massage-device-host 1.0"


@pytest.mark.parametrize("binary", list(BROKEN_BUILDS))
def test_a_broken_c_build_fails_the_checks_of_its_rule_and_only_those(
    binary: str, start_c_host: Callable[[str, str], str]
) -> None:
    report = run_conformance(start_c_host(binary, "chair"))
    assert {r.id for r in report.results if r.verdict is Verdict.FAIL} == BROKEN_BUILDS[binary]


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_leaves_the_device_stopped(
    sig: signal.Signals, status: int, start_c_host: Callable[..., str], tmp_path: Path
) -> None:
    trace = tmp_path / "device.jsonl"
    url = start_c_host("massage-device-host", "chair", trace)
    run = subprocess.Popen(
        [sys.executable, "-m", "massage_ctl", "conformance", "--device", url, "--section", "5.10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A shell's background job inherits SIGINT ignored; a user's terminal does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    # §5.10 holds a session RUNNING for seconds (the cadence check): interrupt it there.
    deadline = time.monotonic() + 30
    while _device_state(trace) != "running":
        assert time.monotonic() < deadline, "the suite never started a session"
        time.sleep(0.05)
    run.send_signal(sig)
    _, err = run.communicate(timeout=30)
    assert run.returncode == status, err
    assert "Traceback" not in err
    time.sleep(0.2)  # two trace samples
    assert _device_state(trace) == "stopped"


def _device_state(trace: Path) -> str | None:
    """The device's state in its latest trace sample (the device's own record)."""
    if not trace.exists():
        return None
    states = []
    for line in trace.read_text().splitlines():
        try:
            sample = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line being written right now
        if "channels" in sample:
            states.append(sample["state"])
    return states[-1] if states else None
