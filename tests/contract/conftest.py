"""The ``peer`` fixture: every contract test runs once against each of the five device peers.

============== ======================================= ========= ======= ====================
id             device                                  transport clock   observed through
============== ======================================= ========= ======= ====================
sim-inprocess  ``massage_sim.SimDevice`` (chair)       ``sim://`` virtual ``SimDevice.record``
sim-pty        ``massage-sim serve --pty`` (pad)       serial    real    ``--trace`` JSONL
sim-tcp        ``massage-sim serve --tcp 0`` (pad)     socket:// real    ``--trace`` JSONL
ble-sim        ``SimDevice`` (bed) on the bleak        ble://    virtual ``SimDevice.record``
               backend ``massage_sim.ble_backend``
c-host-pty     ``massage-device-host`` (pad, C core)   serial    real    ``--trace`` JSONL
============== ======================================= ========= ======= ====================

Processes are started per test in their own process group and always ended (SIGTERM, then
SIGKILL of that group only).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .peers import BlePeer, InProcessSimPeer, Peer, ProcessPeer, sim_serve_argv

C_DIR = Path(__file__).resolve().parents[2] / "firmware_protocol" / "c"
C_HOST = C_DIR / "build" / "massage-device-host"

PEERS = ("sim-inprocess", "sim-pty", "sim-tcp", "ble-sim", "c-host-pty")
#: ``massage-sim serve`` flushes its trace once a second of device time.
SIM_TRACE_LAG_S = 1.1
#: The C host flushes every sample (every 50 ms).
C_TRACE_LAG_S = 0.1


@pytest.fixture(scope="session")
def c_host_binary(require_tools: Callable[..., None]) -> Path:
    """``make -C firmware_protocol/c host``, once per run; skipped with the install command
    when gcc or make is missing (CI installs them and fails instead)."""
    require_tools("gcc", "make")
    done = subprocess.run(
        ["make", "-C", str(C_DIR), "host"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"building massage-device-host failed:\n{done.stdout}{done.stderr}",
                    pytrace=False)
    return C_HOST


@pytest.fixture(params=PEERS)
def peer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Peer]:
    """One device peer, ready to be connected to; torn down after the test."""
    kind: str = request.param
    made: Peer
    if kind == "sim-inprocess":
        made = InProcessSimPeer("chair")
    elif kind == "ble-sim":
        made = BlePeer("bed")
    else:
        if kind == "sim-pty":
            argv = sim_serve_argv(["--pty"], "pad")
            lag = SIM_TRACE_LAG_S
        elif kind == "sim-tcp":
            argv = sim_serve_argv(["--tcp", "0"], "pad")
            lag = SIM_TRACE_LAG_S
        else:
            binary = request.getfixturevalue("c_host_binary")
            argv = [str(binary), "--profile", "pad"]
            lag = C_TRACE_LAG_S
        process = ProcessPeer(kind, "pad", argv, tmp_path, lag)
        process.start()
        made = process
    try:
        yield made
    finally:
        made.close()
