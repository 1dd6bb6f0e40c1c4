"""massage_ctl — a safety-first controller for home massage devices.

Pipeline (see docs/ARCHITECTURE.md): program (TOML) → compiler → timeline → player → link →
transport → device (firmware or the simulator in ``massage_sim``).
"""

__version__ = "0.1.0"
