"""What the mutation runner mutates, and the tests each target is judged by.

A target is one safety module (or the STOP/watchdog functions of one) and the narrow set of
tests that cover it — the tests a developer changing that code would run. Paths are relative
to the repository root.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One file to mutate (only ``functions`` in it, when given) and its tests (for C, the
    Python tests run after ``make test``)."""

    name: str
    path: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()
    language: str = "python"


_GUARD_TESTS = (
    "tests/player/test_guard.py",
    "tests/player/test_guard_band.py",
    "tests/player/test_guard_span.py",
    "tests/player/test_guard_rules.py",
    "tests/player/test_guard_limits.py",
    "tests/player/test_guard_lost_frame.py",
    "tests/player/test_guard_drift.py",
)
_SIM_TESTS = ("tests/sim/test_latches.py", "tests/sim/test_stop_watchdog_rules.py")
#: Besides ``make test`` (the core's own C tests, always run first for a C target).
_C_TESTS = ("tests/interop/test_c_stop_watchdog_rules.py",)

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("guard", "src/massage_ctl/player/guard.py", _GUARD_TESTS),
        Target(
            "profile",
            "src/massage_ctl/safety/profile.py",
            ("tests/safety/",),
        ),
        Target(
            "identity",
            "src/massage_ctl/safety/identity.py",
            ("tests/safety/test_profile_identity.py",),
        ),
        Target(
            "checks",
            "src/massage_ctl/safety/checks.py",
            ("tests/safety/test_final_checks.py", "tests/safety/test_rules_table.py"),
        ),
        Target(
            "limits",
            "src/massage_ctl/safety/limits.py",
            (*_GUARD_TESTS, "tests/compiler/test_compile.py", "tests/safety/"),
        ),
        Target(
            "rules",
            "src/massage_ctl/safety/rules.py",
            ("tests/safety/test_rules_table.py",),
        ),
        Target(
            "sim-core",
            "sim/massage_sim/device_core.py",
            _SIM_TESTS,
            functions=(
                "hello", "session_start", "session_end", "clear", "stop", "heartbeat",
                "_start", "_end", "_clear", "_halt", "fault_cause_present",
            ),
        ),
        Target(
            "sim-timing",
            "sim/massage_sim/device_timing.py",
            _SIM_TESTS,
            functions=("advance", "_next_due", "_fire_due", "_watchdog_fired"),
        ),
        Target(
            "c-session",
            "firmware_protocol/c/src/mp_session.c",
            _C_TESTS,
            functions=(
                "mp_session_stop_now", "mp_session_link_lost", "execute", "handle_command",
                "handle_hello", "mp_session_handle",
            ),
            language="c",
        ),
        Target(
            "c-device",
            "firmware_protocol/c/src/mp_device.c",
            _C_TESTS,
            functions=(
                "mp_device_tick", "mp_device_stop", "mp_device_raise_fault", "mp_device_fault_gone",
            ),
            language="c",
        ),
    )
}
