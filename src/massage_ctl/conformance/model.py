"""What a conformance check is and what it reports (docs/CONFORMANCE.md).

A check has an id (``§7.1 watchdog fires``), the spec sentence it checks, and a verdict:
``pass``, ``fail`` or ``n/a`` (the device offers nothing the rule could be tried on, e.g. no
channel whose hard max is below its range max). Every check records the frames it sent and
what it saw, so a failing report tells a firmware author exactly what happened on the wire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from massage_ctl.conformance.context import Context

#: Highest envelope the suite ever asks for, as a fraction of a channel's range max. Heat and
#: position channels are never driven at all. The hard-max check asks for more, but only as a
#: slow creep (at most :data:`CREEP_PER_S` of range per second) that it cancels within 2 s.
TEST_LEVEL = 0.2
#: Fastest rise the suite allows itself above :data:`TEST_LEVEL` (fraction of range per second).
CREEP_PER_S = 0.05


class Verdict(StrEnum):
    """The outcome of one check."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "n/a"


class CheckFailed(Exception):
    """Raised inside a check: the device broke the rule; the message says how."""


class NotApplicable(Exception):
    """Raised inside a check: this device offers nothing to try the rule on; says why."""


@dataclass
class Recorder:
    """Collects what one check sent and saw, in order, with times relative to its start."""

    t0: float = 0.0
    sent: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def on_sent(self, t: float, text: str) -> None:
        """A frame the probe wrote."""
        self.sent.append(f"+{(t - self.t0) * 1000:.0f} ms {text}")

    def saw(self, t: float, text: str) -> None:
        """Something the check observed and judged."""
        self.seen.append(f"+{(t - self.t0) * 1000:.0f} ms {text}")


@dataclass(frozen=True)
class CheckSpec:
    """One check of the suite: id, section, the spec sentence, and the coroutine that runs it."""

    id: str
    section: str
    spec: str
    run: Callable[[Context, Recorder], Awaitable[None]]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check and the evidence for it."""

    id: str
    section: str
    spec: str
    verdict: Verdict
    reason: str
    sent: tuple[str, ...]
    seen: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` form of this result."""
        return {
            "id": self.id,
            "section": self.section,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "spec": self.spec,
            "sent": list(self.sent),
            "seen": list(self.seen),
        }


@dataclass
class Report:
    """Every result of one run, in the order run, plus what the device said it is."""

    device_url: str
    device: dict[str, Any] = field(default_factory=dict)
    results: list[CheckResult] = field(default_factory=list)
    aborted: str | None = None
    #: The protocol version the device speaks (PROTOCOL.md §9.1), and what the user must
    #: know about it (a version-1 device enforces only its hard limits).
    protocol_version: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every applicable check passed and the run was not cut short."""
        return self.aborted is None and all(r.verdict is not Verdict.FAIL for r in self.results)

    def counts(self) -> dict[str, int]:
        """How many checks ended with each verdict."""
        return {v.value: sum(r.verdict is v for r in self.results) for v in Verdict}

    def failed_ids(self) -> list[str]:
        """The ids of the failed checks, in order."""
        return [r.id for r in self.results if r.verdict is Verdict.FAIL]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` output (docs/CONFORMANCE.md)."""
        return {
            "device_url": self.device_url,
            "device": self.device,
            "protocol_version": self.protocol_version,
            "notes": list(self.notes),
            "ok": self.ok,
            "aborted": self.aborted,
            "counts": self.counts(),
            "checks": [r.to_json() for r in self.results],
        }
