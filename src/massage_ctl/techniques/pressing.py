"""The press techniques, as data: each is whole rounds of presses (ramp, hold, release, rest)
over its points (:func:`~massage_ctl.motion.presses.press_sequence`), differing only
in the rhythm a roller or cell plays while pressing and whether sided points alternate.
Deep-tissue, neuromuscular, myofascial and acupressure are one press model with their own
defaults (a :class:`PressTechnique` row each in :data:`PRESS_TECHNIQUES`); trigger-point keeps
its own model class (its keys come in another order in the program schema, which tools read).
Another press technique is one more row.

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
from typing import Any, Literal, cast

from pydantic import Field, create_model

from massage_ctl.durations import StepDuration
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.techniques._phase import _ActivePhase, _PressPhase
from massage_ctl.techniques._table import Technique
from massage_ctl.vocabulary import Pattern


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


@dataclass(frozen=True, slots=True)
class PressTechnique:
    """One press technique as data: its program model's defaults and how it presses.

    ``step_defaults`` are (default ms, description) of ramp, hold, release and rest;
    ``max_zones`` limits the points a phase may name (deep-tissue: one or two);
    ``choose_alternation`` is the description of an ``alternate_sides`` key when the program
    may choose (otherwise the style decides).
    """

    name: str
    model_name: str
    doc: str
    step_defaults: tuple[tuple[int, str], tuple[int, str], tuple[int, str], tuple[int, str]]
    style: PressStyle
    rank: int
    max_zones: tuple[int, str] | None = None
    choose_alternation: str | None = None

    def model(self) -> type[_PressPhase]:
        """The program model of this technique's phases (one shared shape, these defaults)."""
        fields: dict[str, Any] = {"technique": (cast(Any, Literal)[self.name], ...)}
        if self.max_zones is not None:
            most, words = self.max_zones
            fields["zones"] = (list[str], Field(min_length=1, max_length=most, description=words))
        for key, (default_ms, words) in zip(
            ("ramp", "hold", "release", "rest"), self.step_defaults, strict=True
        ):
            fields[key] = (StepDuration, Field(default_ms, description=words))
        if self.choose_alternation is not None:
            fields["alternate_sides"] = (bool, Field(True, description=self.choose_alternation))
        return create_model(
            self.model_name, __base__=_PressPhase, __doc__=self.doc, __module__=__name__,
            **fields,
        )


#: A slow rolling rhythm reads as a stretch rather than a poke (roller channels only).
STRETCH_RATE_HZ = 0.25

#: The four techniques that are one press model with different defaults and rhythms.
PRESS_TECHNIQUES: tuple[PressTechnique, ...] = (
    PressTechnique(
        "deep-tissue", "DeepTissuePhase",
        "Slow, heavy pressure concentrated on one or two zones. A compile error under "
        "``gentle``.",
        ((20_000, "slow ramp onto the pressure"), (45_000, "sustained heavy pressure"),
         (20_000, "slow release"), (15_000, "rest between presses")),
        PressStyle(pattern="knead", rate_hz=0.3), rank=3,
        max_zones=(2, "one or two zones/points"),
    ),
    PressTechnique(
        "neuromuscular", "NeuromuscularPhase",
        "Concentrated pressure on spasm areas, moving from point to point.",
        ((8_000, "ramp onto the point"), (20_000, "pressure on the spasm point"),
         (8_000, "release"), (8_000, "rest before the next point")),
        PressStyle(), rank=4,
    ),
    PressTechnique(
        "myofascial", "MyofascialPhase",
        "Slow, sustained stretch-like pressure that creeps from zone to adjacent zone.",
        ((30_000, "very slow ramp in"), (45_000, "sustained stretch"),
         (30_000, "very slow release"), (10_000, "rest between stretches")),
        PressStyle(alternate=False, pattern="roll", rate_hz=STRETCH_RATE_HZ), rank=5,
    ),
    PressTechnique(
        "acupressure", "AcupressurePhase",
        "Firm holds on points, one after another; sided points may alternate.",
        ((5_000, "ramp onto the point"), (20_000, "point hold"), (5_000, "release"),
         (10_000, "rest before the next point")),
        PressStyle(alternate=None), rank=6,
        choose_alternation="alternate left/right points",
    ),
)
_MODELS = {row.name: row.model() for row in PRESS_TECHNIQUES}
# Named for the rules that single a technique out (safety/rules.py) and for readers.
DeepTissuePhase = _MODELS["deep-tissue"]
NeuromuscularPhase = _MODELS["neuromuscular"]
MyofascialPhase = _MODELS["myofascial"]
AcupressurePhase = _MODELS["acupressure"]

TECHNIQUES: tuple[Technique[Any], ...] = (
    Technique("trigger-point", TriggerPointPhase, PressStyle(alternate=None).expand, rank=0),
    *(Technique(row.name, _MODELS[row.name], row.style.expand, rank=row.rank)
      for row in PRESS_TECHNIQUES),
)
