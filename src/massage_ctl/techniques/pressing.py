"""The press techniques, as data: each is whole rounds of presses (ramp, hold, release, rest)
over its points (:func:`~massage_ctl.motion.presses.press_sequence`), differing only
in the rhythm a roller or cell plays while pressing and whether sided points alternate.

* trigger-point (ischemic compression): slow ramp onto a point, sustained hold, slow release,
  rest; sided points alternate left/right. On a device with sided air cells the presses
  alternate between the cells; otherwise the roller travels to the point (intensity at zero)
  and presses; otherwise the zone's air cell or vibration motor is used.
* acupressure: firm point holds, one after another; sided points alternate.
* deep-tissue: slow, heavy pressure on one or two zones (refused under ``gentle``); on a roller
  a very slow knead deepens the pressure.
* neuromuscular: concentrated pressure on spasm points, in the order written.
* myofascial: very slow, sustained stretch-like pressure zone by zone; a slow rolling rhythm
  reads as a stretch rather than a poke (roller channels only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from massage_ctl.durations import StepDuration
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.techniques._phase import _ActivePhase, _PressPhase
from massage_ctl.techniques._table import Technique
from massage_ctl.timeline import Pattern


class TriggerPointPhase(_ActivePhase):
    """Ischemic compression: slow ramp onto a point, sustained hold, slow release, rest; repeat.

    With sided points (``lower-back.left``, ``lower-back.right``) and ``alternate_sides`` the
    presses alternate left/right. ``repeats`` counts press cycles per point.
    """

    technique: Literal["trigger-point"]
    ramp: StepDuration = Field(15_000, description="slow ramp onto the point")
    hold: StepDuration = Field(60_000, description="sustained pressure (practice: 30–90 s)")
    release: StepDuration = Field(15_000, description="slow release")
    rest: StepDuration = Field(20_000, description="rest between presses")
    alternate_sides: bool = Field(True, description="alternate left/right points each press")

    def cycle_ms(self) -> int:
        """One press (ramp + hold + release + rest) on every point of the phase."""
        return (self.ramp + self.hold + self.release + self.rest) * len(self.zones)


class DeepTissuePhase(_PressPhase):
    """Slow, heavy pressure concentrated on one or two zones. A compile error under ``gentle``."""

    technique: Literal["deep-tissue"]
    zones: list[str] = Field(min_length=1, max_length=2, description="one or two zones/points")
    ramp: StepDuration = Field(20_000, description="slow ramp onto the pressure")
    hold: StepDuration = Field(45_000, description="sustained heavy pressure")
    release: StepDuration = Field(20_000, description="slow release")
    rest: StepDuration = Field(15_000, description="rest between presses")


class NeuromuscularPhase(_PressPhase):
    """Concentrated pressure on spasm areas, moving from point to point."""

    technique: Literal["neuromuscular"]
    ramp: StepDuration = Field(8_000, description="ramp onto the point")
    hold: StepDuration = Field(20_000, description="pressure on the spasm point")
    release: StepDuration = Field(8_000, description="release")
    rest: StepDuration = Field(8_000, description="rest before the next point")


class MyofascialPhase(_PressPhase):
    """Slow, sustained stretch-like pressure that creeps from zone to adjacent zone."""

    technique: Literal["myofascial"]
    ramp: StepDuration = Field(30_000, description="very slow ramp in")
    hold: StepDuration = Field(45_000, description="sustained stretch")
    release: StepDuration = Field(30_000, description="very slow release")
    rest: StepDuration = Field(10_000, description="rest between stretches")


class AcupressurePhase(_PressPhase):
    """Firm holds on points, one after another; sided points may alternate."""

    technique: Literal["acupressure"]
    ramp: StepDuration = Field(5_000, description="ramp onto the point")
    hold: StepDuration = Field(20_000, description="point hold")
    release: StepDuration = Field(5_000, description="release")
    rest: StepDuration = Field(10_000, description="rest before the next point")
    alternate_sides: bool = Field(True, description="alternate left/right points")


@dataclass(frozen=True, slots=True)
class PressStyle:
    """How one press technique presses.

    ``alternate``: sided points alternate each press; ``None`` takes the phase's own
    ``alternate_sides``. ``pattern``/``rate_hz``: the rhythm while pressing, where the channel
    supports it.
    """

    alternate: bool | None = True
    pattern: Pattern = "steady"
    rate_hz: float = 0.0

    def expand(self, ctx: PhaseCtx, phase: Any) -> None:
        """Whole rounds of presses on the phase's points until the phase ends."""
        alternate = phase.alternate_sides if self.alternate is None else self.alternate
        press_sequence(
            ctx,
            ctx.points(phase.points()),
            ctx.level(phase.intensity),
            phase.ramp,
            phase.hold,
            phase.release,
            phase.rest,
            written_ms=phase.natural_ms(),
            min_hold_fraction=MIN_HOLD_FRACTION,
            alternate=alternate,
            pattern=self.pattern,
            rate_hz=self.rate_hz,
        )


#: A slow rolling rhythm reads as a stretch rather than a poke (roller channels only).
STRETCH_RATE_HZ = 0.25

TECHNIQUES: tuple[Technique[Any], ...] = (
    Technique("trigger-point", TriggerPointPhase, PressStyle(alternate=None).expand, rank=0),
    Technique("deep-tissue", DeepTissuePhase, PressStyle(pattern="knead", rate_hz=0.3).expand,
              rank=3),
    Technique("neuromuscular", NeuromuscularPhase, PressStyle().expand, rank=4),
    Technique("myofascial", MyofascialPhase,
              PressStyle(alternate=False, pattern="roll", rate_hz=STRETCH_RATE_HZ).expand, rank=5),
    Technique("acupressure", AcupressurePhase, PressStyle(alternate=None).expand, rank=6),
)
