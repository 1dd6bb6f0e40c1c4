"""Fitting a session: warm-up, cool-down and the phases fitted to a length.

* Warm-up: added when the first massage phase does not start gently (gentle, relaxation, or
  intensity ≤ 0.3): light rocking over that phase's zones at 0.25.
* Cool-down: added when the last massage phase does not end gently: light rocking at 0.2.
  Each lasts 60 s, or 10 % of the session when that is shorter.
  (These numbers are safety rules: :mod:`massage_ctl.safety.limits`.)
* Fit: ``--minutes`` (else the program's ``duration``) sets the whole session length; the
  phases are scaled in proportion to fill what warm-up, cool-down and parking leave. A session
  longer than the safety profile's limit is fitted down to the limit, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from massage_ctl.durations import format_duration
from massage_ctl.errors import CompileError
from massage_ctl.program.definition import Program
from massage_ctl.safety import SafetyProfile
from massage_ctl.safety.limits import (
    COOL_DOWN_INTENSITY,
    ENVELOPE_MS,
    GENTLE_START_INTENSITY,
    WARM_UP_INTENSITY,
)
from massage_ctl.safety.rules import phase_label
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques.gentle_strokes import GentlePhase
from massage_ctl.techniques.heat import HeatPhase
from massage_ctl.techniques.relaxation import RelaxationPhase

MIN_PHASE_MS = 5_000
#: No phase gets a slot shorter than this (a few-ms phase would do nothing but add gaps).
MIN_SLOT_MS = 1_000


@dataclass(frozen=True, slots=True)
class Fitting:
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


def fill(naturals: list[int], body: int, floor: int) -> list[int]:
    """Lengths in proportion to ``naturals`` that sum to exactly ``body``, none below ``floor``.

    Phases that would fall below the floor get the floor and the others share the rest in
    proportion (so a program of many tiny phases cannot grow past ``body``). Needs
    ``len(naturals) * floor <= body``.
    """
    fixed: set[int] = set()
    while True:
        free = [i for i in range(len(naturals)) if i not in fixed]
        room = body - floor * len(fixed)
        weight = sum(naturals[i] for i in free)
        scale = room / weight if weight > 0 else 0.0
        low = [i for i in free if naturals[i] * scale < floor]
        if not low or not free:
            break
        fixed.update(low)
    lengths = [floor if i in fixed else int(naturals[i] * scale) for i in range(len(naturals))]
    # Whole ms: hand the rounding remainder to the longest phase.
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    lengths[longest] += body - sum(lengths)
    return lengths


def make_fitting(
    program: Program,
    safety: SafetyProfile,
    minutes: float | None,
    park_ms: int,
    shorten_ms: int = 0,
    dropped: frozenset[int] = frozenset(),
) -> Fitting:
    """Decide warm-up/cool-down and every phase's length (see module docstring).

    ``shorten_ms``: fit the session that much shorter than it would be; the compiler asks for
    it when the expanded phases ran past their slots and over the session limit. ``dropped``:
    indices of phases left out (length 0, with a warning) because at their fitted length they
    played nothing; their time goes to the others.
    """
    warnings: list[str] = [
        f"{phase_label(i, program.phases[i].technique)}: left out, too short at this session "
        "length to play anything; its time goes to the other phases"
        for i in sorted(dropped)
    ]
    natural = [0 if i in dropped else p.natural_ms() for i, p in enumerate(program.phases)]
    idx = [
        i for i, p in enumerate(program.phases) if not _background(p) and i not in dropped
    ]
    if not idx:
        # Only background heat: nothing to fit, nothing that would give the session a length.
        raise CompileError(
            "the program has only background phases (heat alongside nothing)",
            hint="add at least one massage or rest phase, or drop 'background = true'",
        )
    slotted = [natural[i] for i in idx]
    # As written, but no phase shorter than MIN_SLOT_MS: that is what the phases would take.
    body_natural = sum(max(n, MIN_SLOT_MS) for n in slotted)
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
    if shorten_ms:
        total = target if target is not None else body_natural + warm + cool + park_ms
        target = total - shorten_ms
    lengths = list(natural)
    scale = 1.0
    if target is None:
        for i in idx:
            lengths[i] = max(natural[i], MIN_SLOT_MS)
    else:
        warm = envelope(target) if need_warm else 0
        cool = envelope(target) if need_cool else 0
        body = target - warm - cool - park_ms
        if body < MIN_PHASE_MS * len(slotted):
            raise CompileError(
                f"{target / 60000:g} min is too short for this program's "
                f"{len(slotted)} phases",
                hint=f"allow at least {MIN_PHASE_MS * len(slotted) / 60000 + 2.5:.0f} minutes",
            )
        for i, n in zip(idx, fill(slotted, body, MIN_SLOT_MS), strict=True):
            lengths[i] = n
        scale = body / sum(slotted)
        if abs(scale - 1.0) > 0.01:
            warnings.append(f"phases scaled ×{scale:.2f} to fit {target / 60000:.1f} min")
    for i, p in enumerate(program.phases):
        if _background(p):
            # Background heat runs alongside: its length scales with the session's, never
            # beyond it (the compiler stops it at the session's end).
            lengths[i] = max(MIN_SLOT_MS, round(natural[i] * scale))
    first_zones = active[0].zones if active else []
    last_zones = active[-1].zones if active else []
    return Fitting(
        warm_up=_soft(first_zones, WARM_UP_INTENSITY, warm, "warm-up") if warm else None,
        cool_down=_soft(last_zones, COOL_DOWN_INTENSITY, cool, "cool-down") if cool else None,
        lengths=tuple(lengths),
        warnings=tuple(warnings),
    )


def _background(phase: object) -> bool:
    return isinstance(phase, HeatPhase) and phase.background

