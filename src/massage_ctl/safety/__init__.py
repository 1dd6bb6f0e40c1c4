"""Safety profiles (docs/SAFETY.md): the numbers every layer enforces."""

from massage_ctl.safety.profile import (
    BUILTIN_SAFETY,
    GENTLE,
    STANDARD,
    SafetyProfile,
    load_safety_profile,
)

__all__ = ["BUILTIN_SAFETY", "GENTLE", "STANDARD", "SafetyProfile", "load_safety_profile"]
