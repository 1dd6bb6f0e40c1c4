"""The simulator, in each protocol version, passes the scripted version exchanges of
PROTOCOL.md §9 / §9.1 (``vectors/version_exchanges.json``) frame by frame."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from massage_ctl.clock import new_event_loop
from massage_sim import SimDevice

from ..protocol.exchanges import check_step, load_exchanges


@pytest.mark.parametrize("exchange", load_exchanges(), ids=lambda e: e["name"])
def test_the_simulator_passes_the_exchange(exchange: dict[str, Any]) -> None:
    async def go() -> None:
        device = SimDevice("pad", protocol=exchange["device_version"])
        device.answers_foreign_hello = exchange["answers_foreign_hello"]
        out = bytearray()
        device.set_output(out.extend)
        await device.start()
        try:
            for step in exchange["steps"]:
                out.clear()
                device.receive(bytes.fromhex(step["send"]))
                await asyncio.sleep(0.25)  # answers, and STATUS ticks to show the state
                check_step(step, bytes(out))
        finally:
            await device.close()

    loop = new_event_loop(None)
    try:
        loop.run_until_complete(go())
    finally:
        loop.close()
