"""Hard safety rules checked before expansion: breaking one is a :class:`CompileError`.

* deep-tissue is refused when the profile does not allow it (``gentle``);
* percussion — swedish tapotement (the ``tap`` rhythm) or a vibration ``pulse`` faster than
  ``percussion_pulse_hz`` — is refused when the profile does not allow it;
* so is pre-activity sports massage: it taps, and its brisk presses cannot be played within
  a nerve-safe ramp limit (see :mod:`massage_ctl.techniques.sports`).
"""

from __future__ import annotations

from massage_ctl.errors import CompileError
from massage_ctl.program.definition import Program
from massage_ctl.safety import SafetyProfile
from massage_ctl.techniques.pressing import DeepTissuePhase
from massage_ctl.techniques.relaxation import RelaxationPhase
from massage_ctl.techniques.sports import SportsPhase
from massage_ctl.techniques.swedish import SwedishPhase

_OTHER_PROFILE = "choose a program without it, or the standard profile if this is not nerve pain"


def phase_label(index: int, technique: str) -> str:
    """``phase 3 (deep-tissue)`` — 1-based, as a person counts ``[[phases]]`` tables."""
    return f"phase {index + 1} ({technique})"


def check_hard_rules(program: Program, safety: SafetyProfile) -> None:
    """Raise :class:`CompileError` naming the first phase that breaks a hard rule."""
    for i, phase in enumerate(program.phases):
        label = phase_label(i, phase.technique)
        if isinstance(phase, DeepTissuePhase) and not safety.deep_tissue_allowed:
            raise CompileError(
                f"deep-tissue is not allowed under the {safety.id!r} safety profile "
                "(deep pressure is not recommended for nerve pain)",
                phase=label,
                hint=_OTHER_PROFILE,
            )
        if safety.percussion_allowed:
            continue
        if isinstance(phase, SwedishPhase) and phase.stroke == "tapotement":
            raise CompileError(
                f"tapotement (tapping) is percussion, not allowed under the {safety.id!r} profile",
                phase=label,
                hint=_OTHER_PROFILE,
            )
        if isinstance(phase, SportsPhase) and phase.stage == "pre-activity":
            raise CompileError(
                "pre-activity sports massage is brisk and taps (tapotement): percussion, "
                f"not allowed under the {safety.id!r} profile",
                phase=label,
                hint="use stage = \"post-activity\" (slow flushing strokes and holds), or "
                + _OTHER_PROFILE,
            )
        if (
            isinstance(phase, RelaxationPhase)
            and phase.mode == "vibration"
            and phase.rate_hz is not None
            and phase.rate_hz > safety.percussion_pulse_hz
        ):
            raise CompileError(
                f"vibration pulsing at {phase.rate_hz:g} Hz is percussion (above "
                f"{safety.percussion_pulse_hz:g} Hz), not allowed under the {safety.id!r} profile",
                phase=label,
                hint=f"use rate_hz of {safety.percussion_pulse_hz:g} or less, or {_OTHER_PROFILE}",
            )
