"""Reliability on the virtual clock: 1,000 random sessions under random faults (issue 4).

Each session is a random short program (10–30 s, compiled for a random device and safety
profile), random injected faults (corrupt, drop, delay, disconnect, reset, stuck channel,
over-temperature) and random user actions (pause/resume, intensity ±, skip, STOP), played
through the real Session → Link → sim transport → SimDevice on a virtual-time loop. The
simulator's record of **actual** outputs is then judged by ``invariants.py``: caps, ramp
limits while running, zero within 1 s of link loss, STOP honoured within its bound, and no
restart the test did not ask for.

A failure names the seed; ``make_scenario(seed)`` replays it exactly. Runtime: see
docs in the lead's report (≈ 1,000 sessions in about a minute on the 2-core CI machine);
sessions were shortened, not the count, to fit.
"""

from __future__ import annotations

from collections import Counter

import pytest

from massage_ctl.program import Program
from massage_ctl.safety import GENTLE, STANDARD
from massage_sim.record import Event, Record, Sample

from .harness import ScenarioRun, run_scenario
from .invariants import (
    STOP_BOUND_S,
    active_caps,
    all_violations,
    check_caps,
    check_link_loss,
    check_no_restart,
    check_ramps,
    check_stops,
    ramp_limits,
)
from .scenarios import DEVICES, Scenario, make_scenario

SESSIONS = 1000
CHUNKS = 10
PER_CHUNK = SESSIONS // CHUNKS
MIN_S, MAX_S = 10.0, 30.0


def violations(sc: Scenario, run: ScenarioRun) -> list[str]:
    """Everything wrong with one run (empty when it was safe)."""
    log = run.log
    stops = [t for t, a in log.actions_s if a.kind == "stop"]
    bad = all_violations(run.record, sc.device, sc.safety, sc.program, stops_s=stops,
                         starts_requested=1, watchdog_ms=log.watchdog_ms)
    if log.hung:
        bad.append("the session did not end by itself (program + pauses + 30 s)")
    if log.error is not None and log.play_start_s is not None:
        bad.append(f"an error escaped after playback began: {log.error}")
    caps = active_caps(sc.device, sc.safety, sc.program)
    for t, sp in log.sent:  # layer 2: what the guard let through, before the device clamps
        if sp.value > caps[sp.channel] + 1e-9:
            bad.append(f"sent {sp.channel}={sp.value:.4f} at {t:.2f}s above cap "
                       f"{caps[sp.channel]:.4f}")
            break
    return bad


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_sessions_keep_the_safety_invariants(chunk: int) -> None:
    failures: list[str] = []
    outcomes: Counter[str] = Counter()
    for seed in range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK):
        sc = make_scenario(seed, min_s=MIN_S, max_s=MAX_S)
        run = run_scenario(sc)
        result = run.log.result
        outcomes[result.outcome if result else "refused"] += 1
        bad = violations(sc, run)
        if bad:
            failures.append(sc.describe() + "\n    " + "\n    ".join(bad))
    assert not failures, f"{len(failures)} unsafe session(s):\n" + "\n".join(failures[:10])
    # The chunk really exercised the stack: most sessions played, endings are varied.
    assert outcomes["completed"] + outcomes["stop"] >= PER_CHUNK // 2, outcomes
    assert len(outcomes) >= 3, outcomes


# --- the checks themselves must catch what they are there to catch ----------------------------

PAD = DEVICES["pad"]
PROGRAM = Program.model_validate(
    {"id": "p", "name": "P", "description": "d",
     "phases": [{"technique": "rest", "duration": "10s"}]}
)


def _record(rows: list[tuple[float, str, float]], events: list[Event] | None = None) -> Record:
    """A pad record where every channel has the given value."""
    rec = Record(tuple(c.id for c in PAD.channels))
    for t, state, v in rows:
        rec.add_sample(Sample(t, state, 0, (v,) * len(PAD.channels)))
    rec.events.extend(events or [])
    return rec


def test_checks_catch_an_output_above_the_cap() -> None:
    caps = active_caps(PAD, GENTLE, PROGRAM)
    assert caps["vib.hips"] == pytest.approx(0.35)
    ok = _record([(0.0, "running", 0.0), (10.0, "running", 0.35)])
    over = _record([(0.0, "running", 0.0), (10.0, "running", 0.36)])
    assert check_caps(ok, caps) == []
    assert "above its cap" in check_caps(over, caps)[0]


def test_checks_catch_a_ramp_too_fast_only_while_running() -> None:
    limits = ramp_limits(PAD, STANDARD)  # 0.2 per second
    fast = _record([(0.0, "running", 0.0), (0.1, "running", 0.05)])
    slow = _record([(0.0, "running", 0.0), (0.1, "running", 0.02)])
    stop_cut = _record([(0.0, "running", 0.5), (0.1, "stopped", 0.0)])
    assert check_ramps(fast, limits) and not check_ramps(slow, limits)
    assert check_ramps(stop_cut, limits) == []  # an emergency cut is not a comfort ramp


def test_checks_catch_outputs_left_on_after_link_loss_or_stop() -> None:
    lost = [Event(5.0, "watchdog-fired")]
    late = _record([(5.0, "link-lost", 0.4), (6.0, "link-lost", 0.1), (6.1, "link-lost", 0.0)],
                   lost)
    timely = _record([(5.0, "link-lost", 0.4), (5.9, "link-lost", 0.0),
                      (6.1, "link-lost", 0.0)], lost)
    assert check_link_loss(late, PAD, 500) and not check_link_loss(timely, PAD, 500)
    slow_stop = _record([(1.0, "running", 0.3), (1.0 + STOP_BOUND_S + 0.1, "stopped", 0.0)])
    quick_stop = _record([(1.0, "running", 0.3), (1.0, "stopped", 0.0)])
    assert check_stops(slow_stop, PAD, [1.0], 500)
    assert check_stops(quick_stop, PAD, [1.0], 500) == []


def test_checks_catch_a_restart_nobody_asked_for() -> None:
    restart = _record([(0.0, "running", 0.1), (1.0, "stopped", 0.0), (2.0, "running", 0.0)])
    once = _record([(0.0, "idle", 0.0), (1.0, "running", 0.1), (2.0, "stopped", 0.0)])
    assert check_no_restart(restart, 1) and not check_no_restart(once, 1)
    assert check_no_restart(restart, 2) == []
