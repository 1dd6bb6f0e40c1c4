"""The probe's waits end on a virtual clock even when a deadline falls within float rounding
of the clock: asyncio runs a timer that close at once without moving the clock, so a wait
that only compared ``deadline - now > 0`` spun forever (seen in the simulator's conformance
run at t = 4.3999999999999995 s with a deadline of 4.4 s, 8.9e-16 s ahead)."""

from __future__ import annotations

import asyncio

from massage_ctl.clock import new_event_loop
from massage_ctl.conformance.probe import Probe
from massage_ctl.transports.sim import SimTransport


def test_a_wait_whose_deadline_is_below_the_clock_resolution_ends() -> None:
    async def main() -> object:
        transport = SimTransport("pad")
        await transport.open()
        probe = Probe(transport)
        await asyncio.sleep(4.4)
        # A deadline less than the loop's clock resolution (1 ns) ahead: 4.4 s + 1 ps.
        timeout = 1e-12
        got = await asyncio.wait_for(probe.wait_for(lambda r: False, timeout), 10.0)
        await transport.close()
        return got

    loop = new_event_loop(None)
    try:
        assert loop.run_until_complete(main()) is None
    finally:
        loop.close()
