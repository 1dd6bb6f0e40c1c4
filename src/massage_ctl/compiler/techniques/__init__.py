"""One expansion module per technique (CONTRACTS §1); :data:`EXPANDERS` maps name → function.

Each ``expand(ctx, phase)`` fills ``[ctx.start_ms, ctx.end_ms)`` with commands through the
tracks of :class:`~massage_ctl.compiler.context.PhaseCtx`, which enforce caps, ramp limits and
the frame budget. A phase leaves every intensity channel at zero when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from massage_ctl.compiler.techniques import (
    acupressure,
    compression,
    deep_tissue,
    gentle,
    heat,
    myofascial,
    neuromuscular,
    relaxation,
    rest,
    swedish,
    trigger_point,
)

EXPANDERS: dict[str, Callable[[Any, Any], None]] = {
    "trigger-point": trigger_point.expand,
    "swedish": swedish.expand,
    "gentle": gentle.expand,
    "deep-tissue": deep_tissue.expand,
    "neuromuscular": neuromuscular.expand,
    "myofascial": myofascial.expand,
    "acupressure": acupressure.expand,
    "relaxation": relaxation.expand,
    "compression": compression.expand,
    "heat": heat.expand,
    "rest": rest.expand,
}
