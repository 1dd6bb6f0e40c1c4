"""The compiler: program + device profile + safety profile → a ``Timeline``.

See :func:`compile_program`, ``docs/SAFETY.md`` for how each safety rule is enforced, and
``techniques/`` for one expansion module per technique.
"""

from massage_ctl.compiler.compile import channel_gap_ms, compile_program, frame_budget

__all__ = ["channel_gap_ms", "compile_program", "frame_budget"]
