"""The choices a user makes before starting: safety profile, intensity, length, zones to avoid."""

from __future__ import annotations

from dataclasses import dataclass, field

from massage_ctl.devices import DeviceProfile
from massage_ctl.program import Program
from massage_ctl.safety import BUILTIN_SAFETY
from massage_ctl.timeline import Timeline

#: Session lengths offered, in minutes (only those within the safety profile's limit are shown).
LENGTH_CHOICES: tuple[int, ...] = (10, 15, 20, 30)

#: The name shown on each safety profile's radio button.
SAFETY_LABELS: dict[str, str] = {"standard": "Standard", "gentle": "Gentle (nerve-safe)"}

#: One plain sentence per safety profile, shown under the choice.
SAFETY_EXPLAINED: dict[str, str] = {
    "standard": "Standard — firm pressure allowed, up to 80 % strength and 30 minutes.",
    "gentle": (
        "Gentle (nerve-safe) — for sciatica and nerve pain: light, slow, no tapping, "
        "at most 35 % strength and 20 minutes."
    ),
}


#: Program tags that mark a program written for the gentle (nerve-safe) profile. The program
#: format has no field naming a safety profile; these tags are how the shipped programs say it
#: (gentle-sciatica: "gentle", "nerve-pain", "sciatica"). See docs/TUI.md, "Decisions".
GENTLE_TAGS: frozenset[str] = frozenset({"gentle", "nerve-pain", "sciatica"})


def recommended_safety(program: Program, configured: str) -> str:
    """The safety profile the detail screen opens with: ``gentle`` for a program written for
    it (:data:`GENTLE_TAGS`) or when the user chose gentle; else the configured profile.
    Never looser than what the user configured."""
    if configured == "gentle" or GENTLE_TAGS & set(program.tags):
        return "gentle"
    return configured if configured in SAFETY_EXPLAINED else "standard"


@dataclass
class SessionSetup:
    """What the set-up panel holds; turned into compiler options by :func:`compile_setup`."""

    safety: str = "standard"
    intensity: float = 1.0
    minutes: int | None = None  # None = the program's own length
    exclude: list[str] = field(default_factory=list)

    def lengths(self) -> list[int]:
        """Lengths allowed under the chosen safety profile."""
        limit = BUILTIN_SAFETY[self.safety].max_session_min if self.safety in BUILTIN_SAFETY else 30
        return [m for m in LENGTH_CHOICES if m <= limit]


def compile_setup(program: Program, device: DeviceProfile, setup: SessionSetup) -> Timeline:
    """Compile ``program`` for ``device`` with the user's set-up (raises CompileError)."""
    from massage_ctl.compiler import compile_program
    from massage_ctl.safety import load_safety_profile

    return compile_program(
        program,
        device,
        load_safety_profile(setup.safety),
        intensity=setup.intensity,
        minutes=setup.minutes,
        exclude=tuple(setup.exclude),
    )
