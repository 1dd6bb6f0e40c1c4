"""One module per technique: its program model and its expansion, found from the files.

Each module declares ``TECHNIQUES`` (:class:`~massage_ctl.techniques._table.Technique`
records); each ``expand(ctx, phase)`` fills ``[ctx.start_ms, ctx.end_ms)`` with commands
through the tracks of :class:`~massage_ctl.motion.expansion.PhaseCtx`, which enforce caps, ramp
limits and the frame budget. A phase leaves every intensity channel at zero when it ends.
Shared building blocks (presses, strokes) live in :mod:`massage_ctl.motion`; what every phase
model shares in :mod:`._phase`. The program layer builds its phase union from
:data:`PHASE_MODELS`, so adding a technique is adding one file here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from massage_ctl.techniques._phase import _Phase
from massage_ctl.techniques._table import Technique, discover

#: technique name → its record, from every module's ``TECHNIQUES``, in listing order.
TABLE: dict[str, Technique[Any]] = discover(__name__, __path__)
#: technique name → expansion function (what the compiler calls for each phase).
EXPANDERS: dict[str, Callable[[Any, Any], None]] = {n: t.expand for n, t in TABLE.items()}
#: technique name → phase model (what a program file's phase is validated against).
PHASE_MODELS: dict[str, type[_Phase]] = {n: t.model for n, t in TABLE.items()}
