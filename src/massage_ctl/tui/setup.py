"""The choices a user makes before starting: safety profile, intensity, length, zones to avoid."""

from __future__ import annotations

from dataclasses import dataclass, field

from massage_ctl.config import UserConfig
from massage_ctl.devices import DeviceProfile
from massage_ctl.history.preferences import SavedSetup
from massage_ctl.program import Program
from massage_ctl.safety import BUILTIN_SAFETY, STANDARD, SafetyProfile
from massage_ctl.session.options import SessionOptions
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


#: Program tags that mark a program written for the gentle (nerve-safe) profile, for programs
#: that do not say so with ``recommended_safety`` (a user's own file from before that field).
GENTLE_TAGS: frozenset[str] = frozenset({"gentle", "nerve-pain", "sciatica"})


def recommended_safety(program: Program, configured: str) -> str:
    """The safety profile a program opens with when the user has not chosen one for it:
    ``gentle`` when the program says it is written for it (``recommended_safety``, else
    :data:`GENTLE_TAGS`) or when the user configured gentle; else the configured profile.
    Never looser than what the user configured."""
    if configured == "gentle" or program.recommended_safety == "gentle" or (
        program.recommended_safety is None and GENTLE_TAGS & set(program.tags)
    ):
        return "gentle"
    return configured if configured in SAFETY_EXPLAINED else "standard"


def initial_setup(
    program: Program, config: UserConfig, device: DeviceProfile,
    remembered: SavedSetup | None = None,
) -> SessionSetup:
    """The set-up a program's detail screen opens with.

    The user's own last choice for this program (``remembered``) wins; without one: the
    recommended safety profile (:func:`recommended_safety`), the configured strength, and the
    configured zones to avoid that this device has (docs/TUI.md, "Remembered set-ups").
    """
    if remembered is not None and remembered.safety in BUILTIN_SAFETY:
        setup = SessionSetup(
            safety=BUILTIN_SAFETY[remembered.safety],
            intensity=remembered.intensity,
            exclude=[z for z in remembered.exclude if z in device.zones()],
        )
        minutes = round(remembered.minutes) if remembered.minutes is not None else None
        # Within the profile's own limit; a longer one falls back to the program's length.
        ok = minutes is not None and 0 < minutes <= setup.safety.max_session_min
        setup.minutes = minutes if ok else None
        return setup
    return SessionSetup(
        safety=BUILTIN_SAFETY[recommended_safety(program, config.safety)],
        intensity=config.intensity,
        exclude=[z for z in config.exclude if z in device.zones()],
    )


@dataclass
class SessionSetup:
    """What the set-up panel holds; :meth:`options` turns it into the session's options.

    The safety profile is held loaded (typed), never as a name to be looked up again.
    """

    safety: SafetyProfile = STANDARD
    intensity: float = 1.0
    minutes: int | None = None  # None = the program's own length
    exclude: list[str] = field(default_factory=list)

    def lengths(self) -> list[int]:
        """Lengths allowed under the chosen safety profile (its own limit, file or built-in)."""
        return [m for m in LENGTH_CHOICES if m <= self.safety.max_session_min]

    def saved(self, program: Program) -> SavedSetup:
        """This set-up as the history remembers it for ``program``."""
        return SavedSetup(program.id, self.safety.id, self.intensity,
                          None if self.minutes is None else float(self.minutes),
                          tuple(self.exclude))

    def options(self, program: Program, device_url: str, device: DeviceProfile) -> SessionOptions:
        """The options a session with this set-up plays with."""
        return SessionOptions(
            program=program,
            device_url=device_url,
            device=device,
            safety=self.safety,
            intensity=self.intensity,
            minutes=self.minutes,
            exclude=tuple(self.exclude),
        )


def compile_setup(program: Program, device: DeviceProfile, setup: SessionSetup) -> Timeline:
    """Compile ``program`` for ``device`` with the user's set-up (raises CompileError)."""
    # The URL plays no part in compiling; the device profile is given.
    return setup.options(program, "", device).compile()
