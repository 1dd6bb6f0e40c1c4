"""The scripted exchanges of firmware_protocol/vectors/exchanges.json, played against both
devices on the wire: the C core (its host program on a pty) and the Python simulator
(``massage-sim serve --pty``).

Each step sends one frame and checks exactly which ACKs it gets and the state (and fault bits)
the device then reports; how a step is read is in firmware_protocol/tools/exchanges.py. They pin
PROTOCOL.md §5.1, §5.4, §5.6, §5.8–§5.10, §5.12, §6, §6.1, §7.1 and §7.3 (each exchange names
its sections): sessions in a row, which frames clear which latch, a lost link needing a new
HELLO, LATCHED before BAD_STATE, the hard max compared in raw units, a rejected entry reported
before a clamped one, duplicates and late commands counted in last_seq but not applied.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from massage_ctl.protocol import Ack, AckResult, DeviceState, Status, message_from_fields

from .conftest import CDevice

EXCHANGES: list[dict[str, Any]] = json.loads(
    (
        Path(__file__).resolve().parents[2] / "firmware_protocol" / "vectors" / "exchanges.json"
    ).read_text(encoding="utf-8")
)


@pytest.fixture(params=["c-core", "python-sim"])
def device_for(
    request: pytest.FixtureRequest, c_device_factory: Callable[..., CDevice], tmp_path: Path
) -> Iterator[Callable[[str], CDevice]]:
    """Start a device with a profile on the C host program or on ``massage-sim serve --pty``,
    reached the same way; stopped afterwards."""
    started: list[CDevice] = []

    def start(profile: str) -> CDevice:
        if request.param == "c-core":
            return c_device_factory(profile)  # type: ignore[no-any-return]
        trace = tmp_path / "sim.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-m", "massage_sim.cli", "serve", "--pty", "--profile", profile,
             "--trace", str(trace)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/"), port
        dev = CDevice(proc, port, trace)
        started.append(dev)
        return dev

    try:
        yield start
    finally:
        for dev in started:
            dev.close()


def _statuses_after(device: CDevice, seq: int, acks: list[Ack], count: int = 2) -> Status:
    """Read until ``count`` STATUS frames show ``seq`` processed, collecting the ACKs of ``seq``
    on the way; returns the last of those STATUS frames."""
    seen = 0
    while True:
        msg = device.wait_for(
            f"STATUS after seq {seq}",
            lambda m: (
                (isinstance(m, Status) and m.last_seq == seq)
                or (isinstance(m, Ack) and m.acked_seq == seq)
            ),
        )
        if isinstance(msg, Ack):
            acks.append(msg)
            continue
        assert isinstance(msg, Status)
        seen += 1
        if seen == count:
            return msg


def _play(device: CDevice, exchange: dict[str, Any]) -> None:
    for i, step in enumerate(exchange["steps"]):
        where = f"{exchange['name']}, step {i}"
        if "silence_ms" in step:
            got = device.listen(step["silence_ms"] / 1000)
            statuses = [m for m in got if isinstance(m, Status)]
            assert statuses, f"{where}: no STATUS while the controller was silent"
            status = statuses[-1]
        else:
            msg = message_from_fields(step["send"], step["fields"])
            device._unseen.clear()
            device.send(msg, step["seq"])
            acks: list[Ack] = []
            status = _statuses_after(device, step["seq"], acks)
            where += f" ({step['send']} seq {step['seq']})"
            got_acks = []
            for k, ack in enumerate(acks):
                want = step["acks"][k] if k < len(step["acks"]) else {}
                got_acks.append(
                    {"result": ack.result.name}
                    | ({"detail": ack.detail} if "detail" in want else {})
                )
            assert all(a.acked_type == msg.TYPE for a in acks), where
            assert got_acks == step["acks"], f"{where}: ACKs {got_acks}, expected {step['acks']}"
        assert DeviceState(status.state).name == step["state"], (
            f"{where}: state {DeviceState(status.state).name}, expected {step['state']}"
        )
        if "fault_bits" in step:
            assert int(status.fault_bits) == step["fault_bits"], where


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e["name"])
def test_scripted_exchange(device_for: Callable[[str], CDevice], exchange: dict[str, Any]) -> None:
    _play(device_for(exchange["profile"]), exchange)


def test_every_ack_result_in_the_exchanges_is_a_known_one() -> None:
    results = {a["result"] for e in EXCHANGES for s in e["steps"] for a in s.get("acks", [])}
    assert results <= set(AckResult.__members__)
