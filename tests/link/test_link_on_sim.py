"""The link on the in-process simulator, where received bytes arrive by callback."""

from __future__ import annotations

import asyncio

from massage_ctl.clock import new_event_loop
from massage_ctl.errors import LinkError
from massage_ctl.link import Link, LinkStatus
from massage_ctl.transports.sim import SimTransport


def test_a_failing_status_subscriber_ends_the_link_with_a_clear_error() -> None:
    # The simulator's STATUS is decoded inside its own tick: a bug in a subscriber must fail
    # the link loudly (the session then stops), not vanish or stall the device.
    async def go() -> LinkError | None:
        transport = SimTransport("pad")
        await transport.open()
        link = Link(transport)
        await link.connect()

        def broken(_status: LinkStatus) -> None:
            raise RuntimeError("subscriber bug")

        link.subscribe(broken)
        err = await asyncio.wait_for(link.wait_failed(), timeout=5.0)
        await link.close()
        await transport.close()
        return err if isinstance(err, LinkError) else None

    loop = new_event_loop(None)
    try:
        err = loop.run_until_complete(go())
    finally:
        loop.close()
    assert err is not None
    assert "subscriber bug" in str(err)


def test_statuses_reach_subscribers_in_order_over_a_minute() -> None:
    async def go() -> list[float]:
        transport = SimTransport("chair")
        await transport.open()
        link = Link(transport)
        await link.connect()
        times: list[float] = []
        link.subscribe(lambda st: times.append(st.t))
        await asyncio.sleep(60.0)
        await link.close()
        await transport.close()
        return times

    loop = new_event_loop(None)
    try:
        times = loop.run_until_complete(go())
    finally:
        loop.close()
    assert 595 <= len(times) <= 605  # 10 Hz
    assert times == sorted(times)
