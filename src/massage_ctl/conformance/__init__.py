"""A conformance suite a hobbyist runs against their own device (docs/CONFORMANCE.md).

:func:`run_conformance` checks every testable rule of ``firmware_protocol/PROTOCOL.md``
against a live device — handshake and hash, frame validity, clamping and ramp limits, the STOP
latch and CLEAR, the watchdog, de-duplication, the frame-rate declaration, STATUS cadence,
sessions in a row — and returns a :class:`Report` by spec section. It drives outputs no higher
than :data:`TEST_LEVEL` of their range, never heat or a roller's position, and always leaves
the device stopped.

Modules: ``probe`` (raw frames on a transport), ``context`` (moves every check shares),
``checks_*`` (one per spec area), ``runner`` (order, clock, STOP on every exit), ``report``.
"""

from massage_ctl.conformance.model import TEST_LEVEL, CheckResult, Report, Verdict
from massage_ctl.conformance.report import render_json, render_text
from massage_ctl.conformance.runner import ALL_CHECKS, run_checks, run_conformance, select_checks

__all__ = [
    "ALL_CHECKS",
    "TEST_LEVEL",
    "CheckResult",
    "Report",
    "Verdict",
    "render_json",
    "render_text",
    "run_checks",
    "run_conformance",
    "select_checks",
]
