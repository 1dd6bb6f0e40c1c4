"""rest: nothing moves; every channel the previous phase used is already back at zero."""

from __future__ import annotations

from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import RestPhase


def expand(ctx: PhaseCtx, phase: RestPhase) -> None:
    """Nothing to add: phases always end with their channels at zero."""
    del ctx, phase


TECHNIQUES = (Technique("rest", RestPhase, expand),)
