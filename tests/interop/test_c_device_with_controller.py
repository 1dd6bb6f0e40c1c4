"""The whole controller (``massage-ctl run``) against the reference C device on a pty."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def wait_until(what: str, check: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {what}")


def test_massage_ctl_runs_the_c_device_and_ctrl_c_stops_it(
    c_device_factory: Callable[..., Any],
) -> None:
    device = c_device_factory("pad", connect=False)
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "massage_ctl",
            "run",
            "quick-10-minute",
            "--device",
            f"serial://{device.port_path}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # The controller handshakes (the device describes itself as the pad), starts a session
        # and the program's warm-up moves the motors.
        wait_until(
            "a motor running under massage-ctl",
            lambda: any(
                r.get("state") == "running" and any(v > 0.01 for v in r["channels"].values())
                for r in device.trace()
            ),
            timeout_s=20,
        )
        run.send_signal(signal.SIGINT)  # the user presses Ctrl-C
        output, _ = run.communicate(timeout=15)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    samples = [r for r in device.trace() if "state" in r]
    assert samples[-1]["state"] == "stopped", output
    assert all(v == 0 for v in samples[-1]["channels"].values())
    # STOP, not a lost link: the controller stopped the device before it let go.
    assert not any(r["state"] == "link-lost" for r in samples)
