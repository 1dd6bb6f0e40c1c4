"""The conformance suite against the in-process simulator: the real one passes everything
applicable; each deliberately broken one fails exactly the checks of the rule it breaks."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import cast

import pytest

import massage_sim.device
from massage_ctl.cli.main import main
from massage_ctl.conformance import (
    ALL_CHECKS,
    TEST_LEVEL,
    CheckResult,
    Verdict,
    render_text,
    run_conformance,
    select_checks,
)
from massage_ctl.devices import DeviceProfile
from massage_ctl.protocol import ChannelInfo, DeviceInfo
from massage_ctl.transports.sim import SimTransport
from massage_sim.device import SimDevice
from massage_sim.device_core import DeviceCore, SessionLimits
from massage_sim.device_timing import Reply

from .broken_sims import EXPECTED_FAILURES, NoWatchdogCore


def _failures(results: list[CheckResult]) -> set[str]:
    return {r.id for r in results if r.verdict is Verdict.FAIL}


@pytest.mark.parametrize("profile", ["chair", "bed", "pad"])
def test_the_simulator_conforms(profile: str) -> None:
    report = run_conformance(f"sim://{profile}")
    failed = [(r.id, r.reason, r.sent, r.seen) for r in report.results if r.verdict is Verdict.FAIL]
    assert failed == []
    assert report.ok and report.aborted is None
    assert report.device["profile_id"] == profile


@pytest.mark.parametrize("broken", list(EXPECTED_FAILURES), ids=lambda c: c.__name__)
def test_a_broken_simulator_fails_the_checks_of_its_rule_and_only_those(
    broken: type[DeviceCore], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(massage_sim.device, "DeviceCore", broken)
    report = run_conformance("sim://chair", transport=SimTransport("chair"))
    assert _failures(report.results) == EXPECTED_FAILURES[broken]
    assert not report.ok


def test_the_device_is_left_stopped_with_every_output_at_zero() -> None:
    transport = SimTransport("chair")
    report = run_conformance("sim://chair", ["5.5"], transport=transport)
    assert report.ok
    device = cast(SimDevice, transport.device)
    assert device.state.name == "STOPPED"
    assert not any(device.core.actual_values().values())


def test_cli_json_report_names_sections_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["conformance", "--device", "sim://pad", "--section", "5.8", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["ok"] is True
    assert {c["id"] for c in out["checks"]} == {"§5.8 STOP at once", "§5.8 STOP regardless of seq"}
    check = out["checks"][0]
    assert check["verdict"] == "pass" and check["spec"] and check["sent"] and check["seen"]


def test_cli_exits_1_and_shows_the_wire_when_a_check_fails(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(massage_sim.device, "DeviceCore", NoWatchdogCore)
    status = main(["conformance", "--device", "sim://chair", "--section", "7.1"])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL  §7.1 watchdog fires" in out
    assert "spec: If it expires in RUNNING" in out
    assert "sent +" in out and "SESSION_START(watchdog_ms=250)" in out


def test_cli_unknown_section_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--device", "sim://pad", "--section", "99"]) == 2
    assert "sections are PROTOCOL.md numbers" in capsys.readouterr().err


def test_cli_bad_device_is_one_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--device", "serial:///dev/nonexistent-port"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("massage-ctl: error:") and "Traceback" not in err


@pytest.mark.parametrize("profile", ["chair", "bed", "pad"])
def test_a_whole_run_never_drives_an_output_above_the_test_level(profile: str) -> None:
    """What the device really did (its own record): no output above 0.2 of its range — the
    hard-max creep stays below 0.06 — heat never on, a roller's position never moved."""
    transport = SimTransport(profile)
    assert run_conformance(f"sim://{profile}", transport=transport).ok
    device = cast(SimDevice, transport.device)
    for channel in device.profile.channels:
        peak = max(v for _, v in device.record.series(channel.id))
        if channel.kind in ("heat", "position"):
            assert peak == 0.0, channel.id
        else:
            assert peak <= TEST_LEVEL * channel.max + 1e-9, (channel.id, peak)


def test_sections_select_their_checks() -> None:
    assert {c.section for c in select_checks(["7"])} == {"7.1", "7.3", "7.5"}
    assert {c.id for c in select_checks(["§5.8"])} == {
        "§5.8 STOP at once",
        "§5.8 STOP regardless of seq",
    }
    assert select_checks([]) == list(ALL_CHECKS)


def test_a_device_declaring_too_few_frames_per_second_for_its_channels_fails_7_5(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The chair has 16 channels: 10 heartbeats + 16 setpoints a second need 26 frames/s
    # (PROTOCOL.md §7.5); 20 was enough for the old check (heartbeats alone).
    real = massage_sim.device.handshake_messages_for

    def slow(profile: DeviceProfile, **kw: str) -> tuple[DeviceInfo, tuple[ChannelInfo, ...]]:
        info, channels = real(profile, **kw)
        return dataclasses.replace(info, max_frame_rate_chz=2000), channels

    monkeypatch.setattr(massage_sim.device, "handshake_messages_for", slow)
    report = run_conformance("sim://chair", ["7.5"], transport=SimTransport("chair"))
    assert "§7.5 frame rate declared" in _failures(report.results)


def test_a_version_1_simulator_is_checked_in_version_1_and_the_user_is_told() -> None:
    # massage-sim serve --protocol 1: the suite falls back as massage_ctl does (§9.1); what
    # version 1 lacks is n/a with the reason, everything else must pass.
    transport = SimTransport("pad", device_factory=lambda: SimDevice("pad", protocol=1))
    report = run_conformance("sim://pad", transport=transport)
    failed = [(r.id, r.reason) for r in report.results if r.verdict is Verdict.FAIL]
    assert failed == []
    assert report.protocol_version == 1
    assert any("enforces only its own hard limits" in n for n in report.notes)
    verdicts = {r.id: r.verdict for r in report.results}
    assert verdicts["§5.4 session limits"] is Verdict.NOT_APPLICABLE
    assert verdicts["§9 foreign HELLO"] is Verdict.NOT_APPLICABLE
    assert "enforces only its own hard limits" in render_text(report)


def test_version_2_checks_pass_on_the_simulator_and_fail_on_a_device_ignoring_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = run_conformance("sim://chair", ["5.4", "9"])
    verdicts = {r.id: r.verdict for r in report.results}
    assert verdicts["§5.4 session limits"] is Verdict.PASS
    assert verdicts["§9 foreign HELLO"] is Verdict.PASS
    assert report.protocol_version == 2 and report.notes == []

    class IgnoresSessionLimits(DeviceCore):
        """Takes SESSION_START's limits and forgets them: hard limits only."""

        def _start(self, watchdog_ms: int, limits: Sequence[SessionLimits] = ()) -> Reply:
            return super()._start(watchdog_ms, ())

    monkeypatch.setattr(massage_sim.device, "DeviceCore", IgnoresSessionLimits)
    report = run_conformance("sim://chair", ["5.4"], transport=SimTransport("chair"))
    assert _failures(report.results) == {"§5.4 session limits"}
