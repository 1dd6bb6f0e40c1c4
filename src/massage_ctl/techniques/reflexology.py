"""reflexology: short, firm presses on points of the feet, as a thumb "walks" over the sole.

In practice (Embong et al. 2015, *J Tradit Complement Med* 5:197-206; Kunz & Kunz,
*Reflexology: Health at Your Fingertips*) the practitioner works the sole point by point with
thumb-walking — small forward "bites" about once a second — and static pressure of a few
seconds on each reflex point, firm but never painful, one foot after the other. A device
cannot walk a thumb, so a point is one press of the foot's air cell (or foot roller): a quick
ramp, a hold of ``hold`` (5 s) with the cell pulsing at ``walk_hz`` (1 Hz: the bites) where
the channel has a ``pulse`` rhythm, a release and a short ``rest``; sided points
(``feet.left``, ``feet.right``) alternate, one foot then the other.

Only the feet: a device without a channel at the feet (feet air cells or a foot roller)
refuses the phase — pressing the calves instead would not be reflexology.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from massage_ctl.durations import StepDuration
from massage_ctl.errors import CompileError
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique

#: The one zone reflexology works on.
FEET = "feet"
#: Time a cell takes to fill or empty for one point: a firm 0.5 needs 2.5 s at the standard
#: ramp limit (0.2 of full scale per s); lengthened further where a profile needs it.
RAMP_MS = 2_500


class ReflexologyPhase(_ActivePhase):
    """Foot reflexology: short presses on points of the feet, one foot then the other."""

    technique: Literal["reflexology"]
    hold: StepDuration = Field(
        5_000, description="static pressure on one reflex point (practice: a few seconds)"
    )
    rest: StepDuration = Field(2_000, description="pause before the next point")
    walk_hz: float = Field(
        1.0, ge=0, le=2,
        description="thumb-walking rhythm while pressing, in Hz (0 = still pressure)",
    )

    @field_validator("zones")
    @classmethod
    def _feet_only(cls, zones: list[str]) -> list[str]:
        others = [z for z in zones if z.partition(".")[0] != FEET]
        if others:
            raise PydanticCustomError(
                "reflexology_zone",
                "reflexology works on points of the feet: use 'feet', 'feet.left' or "
                "'feet.right', not {zones}",
                {"zones": ", ".join(repr(z) for z in others)},
            )
        return zones

    def cycle_ms(self) -> int:
        """One press on every point (each foot once when sides are named)."""
        return (2 * RAMP_MS + self.hold + self.rest) * len(self.zones)


def has_feet_channel(ctx: PhaseCtx) -> bool:
    """True when the device can press the feet: an air cell, a motor or a roller there."""
    m = ctx.s.map
    return bool(m.pressure.get(FEET) or m.vibration.get(FEET)) or (
        m.roller is not None and FEET in m.roller.zones
    )


def expand(ctx: PhaseCtx, phase: ReflexologyPhase) -> None:
    """Whole rounds of point presses on the feet until the phase ends."""
    if FEET in ctx.s.map.excluded:
        raise CompileError(
            "every zone of this phase is excluded (reflexology works on the feet only)",
            hint="remove --exclude feet or choose another program",
        )
    if not has_feet_channel(ctx):
        raise CompileError(
            f"the {ctx.s.device.id} device has no massage channel at feet: reflexology "
            "presses points of the feet",
            hint="run it on a device with feet air cells or a foot roller (e.g. sim://chair)",
        )
    notes: list[str] = []
    points = ctx.s.map.map_points(phase.points(), {FEET}, "massage channel", notes)
    for note in notes:
        ctx.warn(note)
    press_sequence(
        ctx,
        points,
        ctx.level(phase.intensity),
        RAMP_MS,
        phase.hold,
        RAMP_MS,
        phase.rest,
        alternate=True,
        pattern="pulse" if phase.walk_hz > 0 else "steady",
        rate_hz=phase.walk_hz,
        prefer_cells=True,
        written_ms=phase.natural_ms(),
        min_hold_fraction=MIN_HOLD_FRACTION,
    )


TECHNIQUES = (Technique("reflexology", ReflexologyPhase, expand, rank=12),)
