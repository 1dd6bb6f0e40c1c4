"""The program format (issue 2): pydantic models of a massage program file.

A program is metadata (who it is for, tags), an optional default ``duration`` and optional
``limits``, then an ordered list of ``[[phases]]``, each one technique (see
:mod:`massage_ctl.techniques`: one module per technique, with its phase model). Example::

    id = "trigger-point-lower-back"
    name = "Trigger points, lower back"
    description = "Slow sustained presses on the lower back, alternating sides."
    suitable_for = ["knotted lower-back muscles after sitting"]
    not_for = ["acute injury", "sciatica (use a gentle program)"]
    tags = ["lower-back", "trigger-points"]
    duration = "20m"

    [limits]
    max_intensity = 0.7

    [[phases]]
    technique = "trigger-point"
    zones = ["lower-back.left", "lower-back.right"]
    intensity = 0.6
    hold = "60s"
    repeats = 2

Unknown keys anywhere are errors. ``program_json_schema()`` describes the whole format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from massage_ctl.durations import Duration
from massage_ctl.techniques import PHASE_MODELS
from massage_ctl.techniques._phase import _Phase

#: The technique names a program may use, in listing order.
TECHNIQUES: tuple[str, ...] = tuple(PHASE_MODELS)

if TYPE_CHECKING:
    Phase = _Phase
else:
    # One model per technique module, told apart by ``technique`` (built from the table, so a
    # new technique module needs no edit here).
    Phase = Annotated[Union[tuple(PHASE_MODELS.values())], Field(discriminator="technique")]  # noqa: UP007

_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class ProgramLimits(BaseModel):
    """Program-level limits. They can only tighten the device and safety limits, never loosen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    max_intensity: float | None = Field(
        None, gt=0, le=1, description="highest envelope value 0..1 anywhere in this program"
    )
    heat_max_c: float | None = Field(None, ge=30, le=45, description="highest heat in °C")


class Program(BaseModel):
    """A massage program: metadata, optional limits and an ordered list of phases."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,  # as for phases: no booleans or strings where numbers belong
        title="massage_ctl program",
        json_schema_extra={"description": "A massage program for massage-ctl (TOML file)."},
    )

    id: str = Field(
        min_length=1,
        max_length=64,
        pattern=_SLUG,
        description="short id, lowercase with dashes; the file stem for built-in programs",
    )
    name: str = Field(min_length=1, max_length=80, description="title shown in the library")
    description: str = Field(
        min_length=1, description="plain-language description of what the session does"
    )
    suitable_for: list[str] = Field(
        default_factory=list, description="who and what the program is meant for"
    )
    not_for: list[str] = Field(
        default_factory=list, description="who should not use it (contra-indications)"
    )
    tags: list[str] = Field(
        default_factory=list,
        description="body areas and conditions, e.g. 'lower-back', 'neck', 'sciatica', 'stress'",
    )
    duration: Duration | None = Field(
        None,
        description="default session length; the compiler fits the phases to it "
        "(absent: the phases' own lengths plus warm-up/cool-down)",
    )
    limits: ProgramLimits = Field(
        default_factory=ProgramLimits, description="limits that tighten the safety profile"
    )
    recommended_safety: Literal["standard", "gentle"] | None = Field(
        None,
        description="the safety profile the program is written for; the terminal UI opens "
        "with it (a set-up the user chose for this program before wins)",
    )
    phases: list[Phase] = Field(min_length=1, description="the session, in order")

    #: The file the program was loaded from (not part of the format; errors name it).
    _source_path: str | None = PrivateAttr(None)

    @property
    def source_path(self) -> str | None:
        """The program file this was loaded from, when it came from one."""
        return self._source_path

    def with_source(self, path: str | None) -> Program:
        """This program, remembering that it was loaded from ``path``."""
        self._source_path = path
        return self

    def natural_ms(self) -> int:
        """Sum of the phases' written lengths (background heat takes no slot)."""
        return sum(
            p.natural_ms() for p in self.phases if not getattr(p, "background", False)
        )

    def techniques(self) -> list[str]:
        """Techniques used, in first-use order."""
        seen: list[str] = []
        for p in self.phases:
            if p.technique not in seen:
                seen.append(p.technique)
        return seen


def program_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the program format, as ``massage-ctl schema`` prints it."""
    return Program.model_json_schema(mode="validation")
