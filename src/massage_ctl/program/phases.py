"""One model per technique (see programs/README.md); ``technique`` tells them apart.

Every phase says where (``zones``: zones or points with sides), how strong (``intensity``,
0..1 of the device's full strength before caps), how long (``duration``, or ``repeats`` of the
technique's own cycle), how fast (``tempo``) and the technique's own parameters. Unknown keys
are errors, so a typo is never silently ignored.
"""

from __future__ import annotations

import difflib
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from massage_ctl.program.durations import Duration, StepDuration, StrokeDuration
from massage_ctl.zones import SIDES, ZONES, Point

Tempo = Literal["slow", "medium", "fast"]
#: Multiplier on stroke/cycle periods for each tempo (slow = longer strokes).
TEMPO_PERIOD_FACTOR: dict[str, float] = {"slow": 1.5, "medium": 1.0, "fast": 0.7}


def _check_zone(text: str) -> str:
    zone, dot, side = text.strip().partition(".")
    if zone not in ZONES or (dot and side not in SIDES):
        close = difflib.get_close_matches(zone, ZONES, n=1)
        raise PydanticCustomError(
            "unknown_zone",
            "unknown zone {zone}{suggest}",
            {"zone": repr(text), "suggest": f" (did you mean {close[0]!r}?)" if close else ""},
        )
    return text.strip()


class _Phase(BaseModel):
    """Fields every phase has."""

    # strict: TOML has real booleans, numbers and strings, so `true` is not an intensity of 1,
    # "0.5" (a string) is not 0.5 and "yes" is not a boolean — each is an error naming the key.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str | None = Field(None, description="optional label shown in previews and progress")
    duration: Duration | None = Field(
        None, description="how long the phase lasts; give this or `repeats`"
    )
    repeats: int | None = Field(
        None, ge=1, le=200, description="how many technique cycles; give this or `duration`"
    )

    #: Techniques whose length can only be given as a duration.
    duration_only: ClassVar[bool] = False

    @model_validator(mode="after")
    def _length_given(self) -> _Phase:
        if self.duration is not None and self.repeats is not None:
            raise PydanticCustomError("length", "give either `duration` or `repeats`, not both")
        if self.duration is None and self.repeats is None:
            raise PydanticCustomError("length", "missing `duration` (or `repeats`)")
        if self.duration_only and self.repeats is not None:
            raise PydanticCustomError("length", "this technique takes `duration`, not `repeats`")
        return self

    def cycle_ms(self) -> int:
        """Length of one cycle of the technique (what ``repeats`` counts)."""
        return 10_000

    def natural_ms(self) -> int:
        """The phase's length as written (``duration``, or ``repeats`` × cycle)."""
        if self.duration is not None:
            return self.duration
        return (self.repeats or 1) * self.cycle_ms()


class _ActivePhase(_Phase):
    """A phase that acts on the body: zones, intensity and tempo."""

    zones: list[str] = Field(
        min_length=1,
        description="body zones or points, head to feet: " + ", ".join(ZONES)
        + "; a point may carry a side, e.g. 'lower-back.left'",
    )
    intensity: float = Field(ge=0, le=1, description="strength 0..1 before safety caps")
    tempo: Tempo = Field("medium", description="slow, medium or fast strokes / rhythm")

    @field_validator("zones")
    @classmethod
    def _zones_known(cls, zones: list[str]) -> list[str]:
        return [_check_zone(z) for z in zones]

    def points(self) -> list[Point]:
        """The zones as :class:`~massage_ctl.zones.Point` objects, in the order written."""
        return [Point.parse(z) for z in self.zones]

    def period_factor(self) -> float:
        """Stroke/cycle period multiplier for this phase's tempo."""
        return TEMPO_PERIOD_FACTOR[self.tempo]


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


class SwedishPhase(_ActivePhase):
    """Flowing Swedish massage: effleurage strokes, petrissage kneading or tapotement tapping."""

    technique: Literal["swedish"]
    stroke: Literal["effleurage", "petrissage", "tapotement"] = Field(
        "effleurage", description="long gliding strokes, kneading, or light rhythmic tapping"
    )
    stroke_period: StrokeDuration | None = Field(
        None, description="time of one stroke end to end (default from tempo: about 12 s)"
    )
    direction: Literal["up", "down", "both"] = Field(
        "up", description="stroke direction: up = towards the head, down = towards the feet"
    )
    rate_hz: float | None = Field(
        None, gt=0, le=10, description="kneading/tapping rhythm in Hz (default from tempo)"
    )

    def stroke_ms(self) -> int:
        """Length of one stroke."""
        return self.stroke_period or round(12_000 * self.period_factor())

    def cycle_ms(self) -> int:
        """One stroke."""
        return self.stroke_ms()


class GentlePhase(_ActivePhase):
    """Nerve-safe strokes: low pressure, short strokes over one or two adjacent zones."""

    technique: Literal["gentle"]
    stroke_span: int = Field(2, ge=1, le=len(ZONES), description="zones one stroke covers")
    stroke_period: StrokeDuration | None = Field(
        None, description="time of one stroke (default from tempo: about 16 s)"
    )

    def stroke_ms(self) -> int:
        """Length of one stroke."""
        return self.stroke_period or round(16_000 * self.period_factor())

    def cycle_ms(self) -> int:
        """One stroke."""
        return self.stroke_ms()


class _PressPhase(_ActivePhase):
    """A technique built of presses: ramp on, hold, release, rest."""

    ramp: StepDuration = Field(10_000, description="ramp onto the pressure")
    hold: StepDuration = Field(30_000, description="sustained pressure")
    release: StepDuration = Field(10_000, description="release")
    rest: StepDuration = Field(10_000, description="rest between presses")

    def cycle_ms(self) -> int:
        """One press on every zone/point of the phase."""
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


class RelaxationPhase(_ActivePhase):
    """Calming work: rocking, holding, vibration or circular friction."""

    technique: Literal["relaxation"]
    mode: Literal["rocking", "holding", "vibration", "circular"] = Field(
        "rocking", description="rocking waves, soft holding, vibration, or circular friction"
    )
    rate_hz: float | None = Field(
        None, gt=0, le=10, description="rhythm of vibration/rocking in Hz (default from tempo)"
    )

    def cycle_ms(self) -> int:
        """One rocking/holding cycle."""
        return round(10_000 * self.period_factor())


class CompressionPhase(_ActivePhase):
    """Air-cell compression: squeeze and release, zone after zone or all together."""

    technique: Literal["compression"]
    squeeze: StepDuration = Field(6_000, description="time the cells stay inflated")
    release: StepDuration = Field(6_000, description="time the cells stay deflated")
    sequential: bool = Field(True, description="squeeze zones one after another (a wave)")

    def cycle_ms(self) -> int:
        """One squeeze + release (of every zone in turn when sequential)."""
        per = self.squeeze + self.release
        return per * len(self.zones) if self.sequential else per


class HeatPhase(_Phase):
    """Warm the zones to ``target_c``; with ``background`` it runs alongside later phases."""

    technique: Literal["heat"]
    zones: list[str] = Field(min_length=1, description="zones to warm")
    target_c: float = Field(ge=30, le=45, description="target temperature in °C")
    background: bool = Field(
        False,
        description="true: heat alongside the following phases for `duration` instead of "
        "taking its own slot in the sequence",
    )
    duration_only: ClassVar[bool] = True

    @field_validator("zones")
    @classmethod
    def _zones_known(cls, zones: list[str]) -> list[str]:
        return [_check_zone(z) for z in zones]


class RestPhase(_Phase):
    """Nothing moves: every channel eases to zero and stays there."""

    technique: Literal["rest"]
    duration_only: ClassVar[bool] = True


Phase = Annotated[
    TriggerPointPhase
    | SwedishPhase
    | GentlePhase
    | DeepTissuePhase
    | NeuromuscularPhase
    | MyofascialPhase
    | AcupressurePhase
    | RelaxationPhase
    | CompressionPhase
    | HeatPhase
    | RestPhase,
    Field(discriminator="technique"),
]

#: technique name → phase model, in the order programs/README.md describes them.
PHASE_MODELS: dict[str, type[_Phase]] = {
    "trigger-point": TriggerPointPhase,
    "swedish": SwedishPhase,
    "gentle": GentlePhase,
    "deep-tissue": DeepTissuePhase,
    "neuromuscular": NeuromuscularPhase,
    "myofascial": MyofascialPhase,
    "acupressure": AcupressurePhase,
    "relaxation": RelaxationPhase,
    "compression": CompressionPhase,
    "heat": HeatPhase,
    "rest": RestPhase,
}
TECHNIQUES: tuple[str, ...] = tuple(PHASE_MODELS)
