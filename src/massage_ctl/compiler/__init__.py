"""The compiler: program + device profile + safety profile → a ``Timeline``.

See :func:`compile_program` (hard rules, limits, fitting, expanding each phase with its
technique from :mod:`massage_ctl.techniques`, parking, the release gate), ``fitting.py`` for
warm-up/cool-down and lengths, and ``docs/SAFETY.md`` for how each safety rule is enforced.
"""

from massage_ctl.compiler.compile import channel_gap_ms, compile_program, frame_budget

__all__ = ["channel_gap_ms", "compile_program", "frame_budget"]
