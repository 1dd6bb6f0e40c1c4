"""Progress events: what the player tells the CLI, the TUI and the history about a session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

#: Where a session is. ``connecting`` → ``playing`` ⇄ ``paused`` → one of the final states.
PlayerState = Literal[
    "connecting", "playing", "paused", "completed", "stopped", "stop", "fault", "disconnect",
    "interrupted",
]
#: Final states; they are also the history outcomes (``massage_ctl.history.records.Outcome``).
FINAL_STATES: frozenset[str] = frozenset(
    {"completed", "stopped", "stop", "fault", "disconnect", "interrupted"}
)

EventKind = Literal["progress", "state", "warning", "fault", "finished"]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One report from the player.

    ``kind``: ``progress`` (periodic), ``state`` (paused, resumed, phase skipped, intensity
    changed), ``warning`` (the guard clamped something), ``fault`` (device fault or link lost:
    ``message`` says so in plain words), ``finished`` (the last event; ``state`` is the outcome).
    ``actual`` holds the device's actual output per channel from telemetry (a heat channel's
    setpoint); ``measured_c`` what each heat pad's sensor measures, where the device reports it.
    """

    kind: EventKind
    state: PlayerState
    elapsed_ms: int
    duration_ms: int
    phase: str | None = None
    phase_index: int | None = None
    intensity: float = 1.0
    actual: Mapping[str, float] = field(default_factory=dict)
    device_state: str | None = None
    message: str = ""
    measured_c: Mapping[str, float] = field(default_factory=dict)

    @property
    def remaining_ms(self) -> int:
        """Time left in the program (pauses do not count)."""
        return max(0, self.duration_ms - self.elapsed_ms)


EventCallback = Callable[[ProgressEvent], None]
