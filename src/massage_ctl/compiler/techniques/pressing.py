"""The press techniques, as data: each is whole rounds of presses (ramp, hold, release, rest)
over its points (:func:`~massage_ctl.compiler.blocks.presses.press_sequence`), differing only
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
from typing import Any

from massage_ctl.compiler.blocks.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import (
    AcupressurePhase,
    DeepTissuePhase,
    MyofascialPhase,
    NeuromuscularPhase,
    TriggerPointPhase,
)
from massage_ctl.timeline import Pattern


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
    Technique("trigger-point", TriggerPointPhase, PressStyle(alternate=None).expand),
    Technique("acupressure", AcupressurePhase, PressStyle(alternate=None).expand),
    Technique("deep-tissue", DeepTissuePhase, PressStyle(pattern="knead", rate_hz=0.3).expand),
    Technique("neuromuscular", NeuromuscularPhase, PressStyle().expand),
    Technique("myofascial", MyofascialPhase,
              PressStyle(alternate=False, pattern="roll", rate_hz=STRETCH_RATE_HZ).expand),
)
