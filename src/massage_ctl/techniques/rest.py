"""rest: nothing moves; every channel the previous phase used is already back at zero."""

from __future__ import annotations

from typing import ClassVar, Literal

from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.techniques._phase import _Phase
from massage_ctl.techniques._table import Technique


class RestPhase(_Phase):
    """Nothing moves: every channel eases to zero and stays there."""

    technique: Literal["rest"]
    duration_only: ClassVar[bool] = True


def expand(ctx: PhaseCtx, phase: RestPhase) -> None:
    """Nothing to add: phases always end with their channels at zero."""
    del ctx, phase


TECHNIQUES = (Technique("rest", RestPhase, expand, rank=10),)
