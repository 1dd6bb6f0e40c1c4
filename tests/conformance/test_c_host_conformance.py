"""The conformance suite against the reference C device on a pty (real time, ~15 s a run):
the real build passes everything applicable; each deliberately broken build
(``make broken-host``, firmware_protocol/c/tests/broken_device.c) fails exactly the checks of
the rule it breaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from massage_ctl.conformance import Verdict, run_conformance

#: broken build → the checks it must fail (all others must pass or be n/a).
BROKEN_BUILDS = {
    "massage-device-host-broken-watchdog": {"§7.1 watchdog fires", "§6.1 LINK_LOST latch"},
    "massage-device-host-broken-latch": {"§6 STOP latch"},
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
