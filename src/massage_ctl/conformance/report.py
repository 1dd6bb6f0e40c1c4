"""The report, by spec section: pass / fail / n/a with what was sent and seen."""

from __future__ import annotations

import json

from massage_ctl.conformance.model import CheckResult, Report, Verdict

_MARK = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.NOT_APPLICABLE: "n/a "}


def result_line(result: CheckResult) -> str:
    """One line: verdict, id, and the reason for a fail or n/a."""
    line = f"{_MARK[result.verdict]}  {result.id}"
    return f"{line} — {result.reason}" if result.reason else line


def render_text(report: Report, *, verbose: bool = False) -> str:
    """The human report; failures show the spec sentence and what was sent and seen."""
    lines = [f"Conformance of {report.device_url}"]
    if report.device:
        d = report.device
        lines.append(
            f"  device: {d.get('name')} (profile {d.get('profile_id')}, firmware "
            f"{d.get('firmware_version')}), {len(d.get('channels', []))} channels"
        )
    if report.protocol_version is not None:
        lines.append(f"  protocol version {report.protocol_version}")
    lines.extend(f"  note: {note}" for note in report.notes)
    for result in report.results:
        lines.append(result_line(result))
        if result.verdict is Verdict.FAIL or verbose:
            lines.append(f"      spec: {result.spec}")
            lines.extend(f"      sent {s}" for s in result.sent[-12:])
            lines.extend(f"      seen {s}" for s in result.seen[-12:])
    counts = report.counts()
    lines.append(
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['n/a']} not applicable"
    )
    if report.aborted:
        lines.append(f"run cut short: {report.aborted}")
    lines.append(
        "The device was left STOPPED; the next session clears it as usual "
        "(HELLO → CLEAR → SESSION_START)."
    )
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """The ``--json`` report (docs/CONFORMANCE.md)."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
