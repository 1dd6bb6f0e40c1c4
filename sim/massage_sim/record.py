"""What the simulated device did: a time series of state and actual values, plus events.

The record is filled by the device core at every status tick (10 Hz of simulated time) and at
every state change, and can be mirrored to a JSON Lines trace file. Each trace line is one
record::

    {"t_ms": 1200, "state": "running", "channels": {"vib.upper-back": 0.4, ...},
     "temps_c": {"heat.lower-back": 31.2}, "faults": 0}
    {"t_ms": 1234, "event": "stop-received", "detail": "seq 17"}

Sample lines always carry ``t_ms``, ``state`` and ``channels``; event lines carry ``t_ms`` and
``event``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Sample:
    """The device at one instant: state, fault bits, actual values (profile channel order)."""

    t_s: float
    state: str
    faults: int
    values: tuple[float, ...]
    temps_c: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened: ``stop-received``, ``watchdog-fired``, ``fault``, ..."""

    t_s: float
    kind: str
    detail: str = ""


@dataclass(slots=True)
class Record:
    """The simulator's recording; ``channel_ids`` gives the order of ``Sample.values``."""

    channel_ids: tuple[str, ...]
    heat_ids: tuple[str, ...] = ()
    samples: list[Sample] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    trace: TextIO | None = None

    def add_sample(self, sample: Sample) -> None:
        """Append a sample (and write it to the trace, if any)."""
        self.samples.append(sample)
        if self.trace is not None:
            line = {
                "t_ms": round(sample.t_s * 1000.0),
                "state": sample.state,
                "channels": {
                    cid: round(v, 5) for cid, v in zip(self.channel_ids, sample.values, strict=True)
                },
                "faults": sample.faults,
            }
            if self.heat_ids:
                line["temps_c"] = {
                    cid: round(v, 3) for cid, v in zip(self.heat_ids, sample.temps_c, strict=True)
                }
            self.trace.write(json.dumps(line, separators=(",", ":")) + "\n")

    def add_event(self, event: Event) -> None:
        """Append an event (and write it to the trace, if any)."""
        self.events.append(event)
        if self.trace is not None:
            line = {"t_ms": round(event.t_s * 1000.0), "event": event.kind}
            if event.detail:
                line["detail"] = event.detail
            self.trace.write(json.dumps(line, separators=(",", ":")) + "\n")

    def series(self, channel_id: str) -> list[tuple[float, float]]:
        """``(t_s, actual value)`` pairs of one channel."""
        i = self.channel_ids.index(channel_id)
        return [(s.t_s, s.values[i]) for s in self.samples]

    def events_of(self, kind: str) -> list[Event]:
        """Events of one kind, in time order."""
        return [e for e in self.events if e.kind == kind]

    def latest(self) -> Sample | None:
        """The most recent sample, if any."""
        return self.samples[-1] if self.samples else None

    def flush(self) -> None:
        """Push buffered trace lines to the file."""
        if self.trace is not None:
            self.trace.flush()
