"""The safety invariants of docs/SAFETY.md, judged on the simulator's record of actual outputs.

Each check returns a list of plain-words violations (empty = fine), so one failing session
reports everything that went wrong at once, with times in device seconds.

Bounds and why:

* **cap** — intensity channels: device ``hard_max`` ∩ safety ``max_intensity`` ∩ program
  ``limits.max_intensity`` (the live intensity may go back up to 1.0, never past these); heat:
  ``hard_max`` ∩ ``heat_max_c`` ∩ program ``limits.heat_max_c``; position: ``hard_max``.
* **ramp** — between two samples taken while the device runs, an output moves at most
  ramp limit × elapsed time (intensity channels: device ∩ safety ramp; heat, position: the
  device's). Ramp-downs for safety (STOP cut, watchdog fast fall) are not "running".
* **link loss** — after ``watchdog-fired`` every non-position output is zero within
  ``SAFE_RAMP_DOWN_S`` (1 s); a ``disconnected`` running device fires its watchdog within its
  period, so outputs are zero within watchdog period + 1 s of the cut.
* **STOP** — see :data:`STOP_BOUND_S`.
* **no restart** — the device enters ``running`` at most as often as the test started a
  session, and never after it left ``running`` unless a new session was started.

A stuck channel (injected hardware fault) keeps its frozen value: it is left out of the
"reaches zero" checks from the moment it sticks — what matters then is the FAULT the device
raises, which ends the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from massage_ctl.devices import DeviceProfile
from massage_ctl.program import Program
from massage_ctl.safety import SafetyProfile
from massage_sim.record import Record

INTENSITY_KINDS = ("vibration", "pressure", "roller")
#: Slack for float arithmetic and the wire's 16-bit value quantisation (1/65535 of range).
EPS = 1e-4
#: Slack for 10 Hz sampling when judging "zero by t": the first sample at or after t counts.
TICK_S = 0.1
#: A STOP pressed by the user is honoured — device latched stopped (or already not running)
#: and every output zero — within this time. Three STOP frames leave at once and every 100 ms
#: heartbeat repeats the stop flag, so with the link noise used here (≤ 8 % frames lost) all
#: of 3 STOPs + 2 heartbeats are lost with probability ≤ 0.08**5 ≈ 3e-6 per STOP.
STOP_BOUND_S = 0.25
#: If the link is cut before the STOP can arrive, the watchdog does the job instead.
SAFE_RAMP_DOWN_S = 1.0
NOT_RUNNING = ("stopped", "fault", "link-lost", "idle")


def active_caps(device: DeviceProfile, safety: SafetyProfile, program: Program) -> dict[str, float]:
    """Channel id → the highest actual value allowed (see module docstring)."""
    caps: dict[str, float] = {}
    for spec in device.channels:
        cap = spec.hard_max
        if spec.kind in INTENSITY_KINDS:
            cap = min(cap, safety.max_intensity, program.limits.max_intensity or 1.0)
        elif spec.kind == "heat":
            cap = min(cap, safety.heat_max_c, program.limits.heat_max_c or safety.heat_max_c)
        caps[spec.id] = cap
    return caps


def ramp_limits(device: DeviceProfile, safety: SafetyProfile) -> dict[str, float]:
    """Channel id → the fastest change allowed while running (units per second)."""
    return {
        s.id: min(s.max_ramp_per_s, safety.max_ramp_per_s) if s.kind in INTENSITY_KINDS
        else s.max_ramp_per_s
        for s in device.channels
    }


def stuck_since(record: Record) -> dict[str, float]:
    """Channel id → when an injected stuck fault froze it."""
    out: dict[str, float] = {}
    for e in record.events_of("fault-injected"):
        kind, _, name = e.detail.partition(" ")
        if kind == "stuck":
            out.setdefault(name, e.t_s)
    return out


def _force_ids(device: DeviceProfile) -> list[int]:
    return [i for i, s in enumerate(device.channels) if s.kind != "position"]


def check_caps(record: Record, caps: dict[str, float]) -> list[str]:
    """No actual output ever above its active cap."""
    bad: list[str] = []
    for i, cid in enumerate(record.channel_ids):
        worst = max((s for s in record.samples), key=lambda s: s.values[i], default=None)
        if worst is not None and worst.values[i] > caps[cid] + EPS:
            bad.append(f"{cid} reached {worst.values[i]:.4f} at {worst.t_s:.2f}s "
                       f"above its cap {caps[cid]:.4f}")
    return bad


def check_ramps(record: Record, limits: dict[str, float]) -> list[str]:
    """While running, no output changes faster than its ramp limit."""
    bad: list[str] = []
    for a, b in zip(record.samples, record.samples[1:], strict=False):
        if a.state != "running" or b.state != "running" or b.t_s <= a.t_s:
            continue
        dt = b.t_s - a.t_s
        for i, cid in enumerate(record.channel_ids):
            change = abs(b.values[i] - a.values[i])
            if change > limits[cid] * dt * 1.001 + EPS:
                bad.append(f"{cid} moved {change:.4f} in {dt:.3f}s ({change / dt:.3f}/s) at "
                           f"{b.t_s:.2f}s, faster than {limits[cid]:g}/s")
    return bad[:5]


def _zero_by(record: Record, device: DeviceProfile, deadline_s: float,
             stuck: dict[str, float], what: str) -> list[str]:
    """Every non-position, non-stuck output is zero in every sample from ``deadline_s`` on."""
    for s in record.samples:
        if s.t_s < deadline_s - 1e-9:
            continue
        if s.state == "running":
            return []  # a new session was started (checked by check_no_restart)
        for i in _force_ids(device):
            cid = record.channel_ids[i]
            if cid in stuck and stuck[cid] <= s.t_s:
                continue
            if s.values[i] > EPS:
                return [f"{what}: {cid} still {s.values[i]:.4f} at {s.t_s:.2f}s "
                        f"(due zero by {deadline_s:.2f}s)"]
    return []


def check_link_loss(record: Record, device: DeviceProfile, watchdog_ms: int | None) -> list[str]:
    """Zero within 1 s of the watchdog firing; the watchdog fires within its period of a cut."""
    stuck = stuck_since(record)
    bad: list[str] = []
    for e in record.events_of("watchdog-fired"):
        bad += _zero_by(record, device, e.t_s + SAFE_RAMP_DOWN_S, stuck, "link lost")
    period_s = (watchdog_ms or 500) / 1000.0
    for cut in record.events_of("disconnected"):
        was_running = _state_at(record, cut.t_s) == "running"
        if was_running:
            fired = [e for e in record.events_of("watchdog-fired") if e.t_s >= cut.t_s - 1e-9]
            # A device reset (or fault) inside the watchdog period already took every output
            # to zero and left the running state; the watchdog then has nothing to guard.
            left = [e for e in (*record.events_of("reset"), *record.events_of("fault"))
                    if cut.t_s - 1e-9 <= e.t_s <= cut.t_s + period_s + 1e-6]
            if left:
                pass
            elif not fired or fired[0].t_s > cut.t_s + period_s + 1e-6:
                bad.append(f"disconnect at {cut.t_s:.2f}s: watchdog did not fire within "
                           f"{period_s:g}s")
        bad += _zero_by(record, device, cut.t_s + period_s + SAFE_RAMP_DOWN_S, stuck,
                        "disconnect")
    return bad


def _state_at(record: Record, t_s: float) -> str:
    state = "idle"
    for s in record.samples:
        if s.t_s > t_s:
            break
        state = s.state
    return state


def check_stops(record: Record, device: DeviceProfile, stops_s: Iterable[float],
                watchdog_ms: int | None) -> list[str]:
    """Each user STOP: device not running and outputs zero within :data:`STOP_BOUND_S`
    (or, when the link was already cut, within the watchdog period + 1 s)."""
    stuck = stuck_since(record)
    period_s = (watchdog_ms or 500) / 1000.0
    cuts = [e.t_s for e in record.events_of("disconnected")]
    bad: list[str] = []
    for t in stops_s:
        bound = STOP_BOUND_S
        if any(c <= t for c in cuts):
            bound = period_s + SAFE_RAMP_DOWN_S
        honoured = next((s for s in record.samples if s.t_s >= t - 1e-9
                         and s.state in NOT_RUNNING), None)
        if honoured is None or honoured.t_s > t + bound + 1e-6:
            when = "never" if honoured is None else f"only at {honoured.t_s:.2f}s"
            bad.append(f"STOP at {t:.2f}s: device left running {when} (bound {bound:g}s)")
            continue
        bad += _zero_by(record, device, t + bound, stuck, f"STOP at {t:.2f}s")
    return bad


def check_no_restart(record: Record, starts_requested: int) -> list[str]:
    """The device runs at most once per requested start and never restarts on its own."""
    entries = 0
    previous = "idle"
    for s in record.samples:
        if s.state == "running" and previous != "running":
            entries += 1
        previous = s.state
    starts = len(record.events_of("session-start"))
    bad: list[str] = []
    if entries > starts_requested or starts > starts_requested:
        bad.append(f"device entered running {entries}× ({starts} session-start events) "
                   f"but only {starts_requested} start(s) were requested")
    return bad


def all_violations(
    record: Record, device: DeviceProfile, safety: SafetyProfile, program: Program, *,
    stops_s: Sequence[float], starts_requested: int, watchdog_ms: int | None,
) -> list[str]:
    """Every check above, together."""
    return [
        *check_caps(record, active_caps(device, safety, program)),
        *check_ramps(record, ramp_limits(device, safety)),
        *check_link_loss(record, device, watchdog_ms),
        *check_stops(record, device, stops_s, watchdog_ms),
        *check_no_restart(record, starts_requested),
    ]
