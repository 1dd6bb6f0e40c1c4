"""The conformance suite over BLE: bleak's real client on the simulated radio
(``massage_sim.ble_backend``), 20-byte writes and notifications, on a virtual clock."""

from __future__ import annotations

from massage_ctl.clock import new_event_loop
from massage_ctl.conformance import ALL_CHECKS, Report, Verdict, run_checks
from massage_ctl.transports.ble import BleOptions, BleTransport
from massage_sim.ble_backend import SimBleRadio
from massage_sim.device import SimDevice


def test_the_simulator_conforms_over_ble() -> None:
    async def main() -> tuple[Report, str]:
        device = SimDevice("pad")
        await device.start()
        radio = SimBleRadio()
        radio.add_peripheral(device, address="C0:FF:EE:00:00:15", name="Massage-pad")
        options = BleOptions(client_backend=radio.client_backend,
                             scanner_backend=radio.scanner_backend)  # fmt: skip
        transport = BleTransport("Massage-pad", options=options)
        report = await run_checks(transport, ALL_CHECKS, "ble://Massage-pad")
        state = device.state.name
        await device.close()
        return report, state

    loop = new_event_loop(None)
    try:
        report, state = loop.run_until_complete(main())
    finally:
        loop.close()
    failed = [(r.id, r.reason, r.seen) for r in report.results if r.verdict is Verdict.FAIL]
    assert failed == []
    assert report.ok and state == "STOPPED"
    watchdog = next(r for r in report.results if r.id == "§7.1 watchdog fires")
    assert any("SESSION_START(watchdog_ms=500)" in s for s in watchdog.sent)
