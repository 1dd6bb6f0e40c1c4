"""Issue 11, the user's reproduction: ``massage-sim serve --tcp`` and two ``massage-ctl run``
processes one after the other against it. The second used to end ``Session ended (fault): the
device refused SESSION_START: latched`` (exit 1) until the device was power-cycled."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
SHORT = Path(__file__).resolve().parents[1] / "contract" / "data" / "contract-short.toml"


def _run(where: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "massage-ctl"), "run", str(SHORT), "--device", where],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )


def test_two_runs_in_a_row_against_one_served_device(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    sim = subprocess.Popen(
        [str(BIN / "massage-sim"), "serve", "--tcp", "0", "--profile", "chair",
         "--trace", str(trace)],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        assert sim.stdout is not None
        where = sim.stdout.readline().strip()
        assert where.startswith("socket://"), where
        first, second = _run(where), _run(where)
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=10)
    for done in (first, second):
        assert done.returncode == 0, done.stderr
        assert "Session completed — device confirmed all off." in done.stdout
    rows = [json.loads(line) for line in trace.read_text().splitlines()]
    events = [r["event"] for r in rows if "event" in r]
    # Each run ended with the program's own SESSION_END, never a STOP.
    assert events.count("session-start") == 2 and events.count("session-end") == 2
    assert "stop-received" not in events
    records: list[dict[str, Any]] = json.loads(subprocess.run(
        [str(BIN / "massage-ctl"), "history", "--json"], capture_output=True, text=True,
        check=True, timeout=30,
    ).stdout)["sessions"]
    assert [r["outcome"] for r in records] == ["completed", "completed"]
