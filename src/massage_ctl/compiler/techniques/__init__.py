"""One expansion module per technique, found by :func:`~massage_ctl.compiler.technique.discover`.

Each module declares ``TECHNIQUES`` (:class:`~massage_ctl.compiler.technique.Technique`
records); each ``expand(ctx, phase)`` fills ``[ctx.start_ms, ctx.end_ms)`` with commands
through the tracks of :class:`~massage_ctl.compiler.expansion.PhaseCtx`, which enforce caps, ramp
limits and the frame budget. A phase leaves every intensity channel at zero when it ends.
Shared building blocks (presses, strokes) live in :mod:`massage_ctl.compiler.blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from massage_ctl.compiler.technique import Technique, discover

#: technique name → its record, from every module of this package.
TECHNIQUES: dict[str, Technique[Any]] = discover(__name__, __path__)
#: technique name → expansion function (what the compiler calls for each phase).
EXPANDERS: dict[str, Callable[[Any, Any], None]] = {n: t.expand for n, t in TECHNIQUES.items()}
