"""Session planning: warm-up, cool-down and fitting the phases to a length.

* Warm-up: added when the first massage phase does not start gently (gentle, relaxation, or
  intensity ≤ 0.3): light rocking over that phase's zones at 0.25.
* Cool-down: added when the last massage phase does not end gently: light rocking at 0.2.
  Each lasts 60 s, or 10 % of the session when that is shorter.
* Fit: ``--minutes`` (else the program's ``duration``) sets the whole session length; the
  phases are scaled in proportion to fill what warm-up, cool-down and parking leave. A session
  longer than the safety profile's limit is fitted down to the limit, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from massage_ctl.errors import CompileError
from massage_ctl.program.durations import format_duration
from massage_ctl.program.model import Program
from massage_ctl.program.phases import (
    GentlePhase,
    HeatPhase,
    RelaxationPhase,
    _ActivePhase,
)
from massage_ctl.safety import SafetyProfile

ENVELOPE_MS = 60_000
GENTLE_START_INTENSITY = 0.3
WARM_UP_INTENSITY = 0.25
COOL_DOWN_INTENSITY = 0.2
MIN_PHASE_MS = 5_000


@dataclass(frozen=True, slots=True)
class Plan:
    """Lengths in ms: warm-up, each phase (background heat: its own run), cool-down, park."""

    warm_up: RelaxationPhase | None
    cool_down: RelaxationPhase | None
    lengths: tuple[int, ...]
    warnings: tuple[str, ...]


def _active(program: Program) -> list[_ActivePhase]:
    return [p for p in program.phases if isinstance(p, _ActivePhase)]


def _is_gentle(phase: _ActivePhase) -> bool:
    return isinstance(phase, GentlePhase | RelaxationPhase) or (
        phase.intensity <= GENTLE_START_INTENSITY
    )


def _soft(zones: list[str], intensity: float, ms: int, name: str) -> RelaxationPhase:
    return RelaxationPhase.model_validate(
        {
            "technique": "relaxation",
            "name": name,
            "zones": sorted({z.partition(".")[0] for z in zones}),
            "intensity": intensity,
            "mode": "rocking",
            "tempo": "slow",
            "duration": format_duration(ms),
        }
    )


def make_plan(
    program: Program, safety: SafetyProfile, minutes: float | None, park_ms: int
) -> Plan:
    """Decide warm-up/cool-down and every phase's length (see module docstring)."""
    warnings: list[str] = []
    natural = [p.natural_ms() for p in program.phases]
    slotted = [
        n for p, n in zip(program.phases, natural, strict=True) if not _background(p)
    ]
    body_natural = sum(slotted)
    limit = round(safety.max_session_min * 60_000)
    target: int | None = round(minutes * 60_000) if minutes is not None else program.duration
    active = _active(program)
    need_warm = bool(active) and not _is_gentle(active[0])
    need_cool = bool(active) and not _is_gentle(active[-1])

    def envelope(total: int) -> int:
        return min(ENVELOPE_MS, total // 10)

    estimate = target or body_natural + park_ms
    warm = envelope(estimate) if need_warm else 0
    cool = envelope(estimate) if need_cool else 0
    if target is None and body_natural + warm + cool + park_ms > limit:
        target = limit
        warnings.append(
            f"the session would last {(body_natural + warm + cool + park_ms) / 60000:.1f} min, "
            f"over the {safety.id!r} limit of {safety.max_session_min:g} min: fitted down to it"
        )
    elif target is not None and target > limit:
        warnings.append(
            f"{target / 60000:g} min is over the {safety.id!r} limit of "
            f"{safety.max_session_min:g} min: fitted down to it"
        )
        target = limit
    scale = 1.0
    if not slotted:
        # Only background heat: nothing to fit, nothing that would give the session a length.
        raise CompileError(
            "the program has only background phases (heat alongside nothing)",
            hint="add at least one massage or rest phase, or drop 'background = true'",
        )
    if target is not None:
        warm = envelope(target) if need_warm else 0
        cool = envelope(target) if need_cool else 0
        body = target - warm - cool - park_ms
        if body < MIN_PHASE_MS * max(1, len(slotted)):
            raise CompileError(
                f"{target / 60000:g} min is too short for this program's "
                f"{len(slotted)} phases",
                hint=f"allow at least {MIN_PHASE_MS * len(slotted) / 60000 + 2.5:.0f} minutes",
            )
        scale = body / body_natural
    lengths = [max(1_000, round(n * scale)) for n in natural]
    if target is not None:
        # Rounding: give the slotted phases exactly the body length.
        idx = [i for i, p in enumerate(program.phases) if not _background(p)]
        diff = (target - warm - cool - park_ms) - sum(lengths[i] for i in idx)
        lengths[idx[-1]] += diff
    if target is not None and abs(scale - 1.0) > 0.01:
        warnings.append(f"phases scaled ×{scale:.2f} to fit {target / 60000:.1f} min")
    first_zones = active[0].zones if active else []
    last_zones = active[-1].zones if active else []
    return Plan(
        warm_up=_soft(first_zones, WARM_UP_INTENSITY, warm, "warm-up") if warm else None,
        cool_down=_soft(last_zones, COOL_DOWN_INTENSITY, cool, "cool-down") if cool else None,
        lengths=tuple(lengths),
        warnings=tuple(warnings),
    )


def _background(phase: object) -> bool:
    return isinstance(phase, HeatPhase) and phase.background

