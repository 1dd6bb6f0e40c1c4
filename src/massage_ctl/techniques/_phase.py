"""What every phase model shares; each technique's own model is in its module (``techniques/``).

``technique`` tells the models apart (see programs/README.md). Every phase says where
(``zones``: zones or points with sides), how strong (``intensity``, 0..1 of the device's full
strength before caps), how long (``duration``, or ``repeats`` of the technique's own cycle), how
fast (``tempo``) and the technique's own parameters. Unknown keys are errors, so a typo is never
silently ignored.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from massage_ctl.durations import Duration, StepDuration
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

    if TYPE_CHECKING:
        # Each technique's model declares it as its own Literal (the union's discriminator);
        # declared here for type checkers only, so the models' field order stays as written.
        technique: str

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





class _PressPhase(_ActivePhase):
    """A technique built of presses: ramp on, hold, release, rest."""

    ramp: StepDuration = Field(10_000, description="ramp onto the pressure")
    hold: StepDuration = Field(30_000, description="sustained pressure")
    release: StepDuration = Field(10_000, description="release")
    rest: StepDuration = Field(10_000, description="rest between presses")

    def cycle_ms(self) -> int:
        """One press on every zone/point of the phase."""
        return (self.ramp + self.hold + self.release + self.rest) * len(self.zones)
