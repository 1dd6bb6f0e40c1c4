"""Helpers for driving the device core directly (no wire, no event loop)."""

from __future__ import annotations

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol.enums import AckResult
from massage_sim.device_core import DeviceCore, SetpointRequest
from massage_sim.faults import FaultPlan


class Driver:
    """A controller stand-in: numbers its frames and keeps the core's clock moving."""

    def __init__(self, profile: str = "chair", faults: FaultPlan | None = None) -> None:
        self.core = DeviceCore(load_device_profile(profile), start_s=0.0, faults=faults)
        self.now = 0.0
        self.seq = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def start(self, watchdog_ms: int = 500) -> None:
        """What the controller sends for every new session: HELLO → CLEAR → SESSION_START."""
        assert self.core.hello(self.now, self.next_seq()).result == AckResult.OK
        cleared = self.core.clear(self.now, self.next_seq())
        assert cleared is not None and cleared.result == AckResult.OK, cleared
        reply = self.core.session_start(self.now, self.next_seq(), watchdog_ms)
        assert reply is not None and reply.result == AckResult.OK, reply

    def command(self, kind: str, ch: int = 0, frac: float = 0.0, ramp_ms: int = 0) -> None:
        """One scripted controller action: ``set`` (channel index ``ch`` modulo the channel
        count, target ``frac`` of its range), ``stop``, ``clear``, ``start``, ``end``, ``reset``;
        anything else (``silence``, ``wait``) sends nothing."""
        core = self.core
        if kind == "set":
            index = ch % len(core.channels)
            target = frac * core.channels[index].spec.max
            core.setpoint(self.now, self.next_seq(), [SetpointRequest(index, target, ramp_ms)])
        elif kind == "stop":
            core.stop(self.now, self.next_seq())
        elif kind == "clear":
            core.clear(self.now, self.next_seq())
        elif kind == "start":
            core.hello(self.now, self.next_seq())
            core.session_start(self.now, self.next_seq(), 500)
        elif kind == "end":
            core.session_end(self.now, self.next_seq())
        elif kind == "reset":
            core.reset(self.now)

    def set(self, channel: str, target: float, ramp_ms: int = 0, pattern: str = "steady") -> None:
        index = self.core.index[channel]
        self.core.setpoint(
            self.now, self.next_seq(), [SetpointRequest(index, target, ramp_ms, pattern)]
        )

    def run(self, seconds: float, *, heartbeat: bool = True, step: float = 0.1) -> None:
        """Let time pass in ``step`` s increments, with heartbeats unless told otherwise."""
        start = self.now
        end = start + seconds
        k = 0
        while self.now < end - 1e-9:
            # Times on a grid from ``start`` (not summed step by step): drivers stepping at
            # different rates then reach ``end`` — and a watchdog deadline there — identically.
            k += 1
            self.now = min(end, start + k * step)
            if heartbeat:
                self.core.heartbeat(self.now, self.next_seq())
            self.core.sample(self.now)

    def value(self, channel: str) -> float:
        return self.core.actual_values()[channel]

    def force_values(self) -> list[float]:
        """Values of every output that acts on the body (all but roller positions)."""
        return [c.actual for c in self.core.channels if c.kind != "position"]
