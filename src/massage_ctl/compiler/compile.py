"""``compile_program``: program + device profile + safety profile → :class:`Timeline`.

Order of work: hard rules (errors) → limits and tracks → plan (warm-up, fit, cool-down) →
expand each phase with its technique → park (roller home, everything at zero) → sort → a final
self-check of the safety invariants (see :mod:`massage_ctl.safety.checks`).

Frame budget: the link sends 10 heartbeats a second, so setpoints may use
``max_frame_rate_hz - 10`` frames in any 1-second window. Each command is one setpoint frame;
every channel keeps a minimum gap between its own commands so that all channels together stay
within the budget (see :func:`channel_gap_ms`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from massage_ctl.compiler.fitting import make_fitting
from massage_ctl.devices import ChannelSpec, DeviceProfile
from massage_ctl.errors import CompileError, names_program_file
from massage_ctl.motion.builder import Track
from massage_ctl.motion.devicemap import DeviceMap
from massage_ctl.motion.expansion import HEARTBEAT_FRAMES_PER_S, Compilation, PhaseCtx
from massage_ctl.program.definition import Program
from massage_ctl.safety import SafetyProfile
from massage_ctl.safety.checks import verify_timeline
from massage_ctl.safety.rules import check_hard_rules, phase_label
from massage_ctl.techniques import EXPANDERS
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques.heat import HeatPhase
from massage_ctl.timeline import Command, PhaseSpan, Timeline, TimelineChannel
from massage_ctl.zones import ZONES

INTENSITY_RANGE = (0.1, 1.0)
#: Plans tried when the expanded phases overran the session limit (each one shorter).
FIT_ATTEMPTS = 3


def frame_budget(device: DeviceProfile) -> int:
    """Setpoint frames per 1-second window: the device's rate minus the heartbeats."""
    return math.floor(device.max_frame_rate_hz) - HEARTBEAT_FRAMES_PER_S


def channel_gap_ms(device: DeviceProfile) -> int:
    """Minimum time between two commands on one channel so all channels fit the budget.

    With gap G a channel has at most ``1 + floor(1000 / G)`` commands in any closed 1-second
    window; with n channels we need ``n * that <= budget``.
    """
    budget = frame_budget(device)
    n = len(device.channels)
    per_channel = budget // n if budget > 0 else 0
    if per_channel < 1:
        raise CompileError(
            f"the {device.id} device accepts {device.max_frame_rate_hz:g} frames/s, too few "
            f"for {n} channels plus the {HEARTBEAT_FRAMES_PER_S}/s heartbeat",
            hint="raise max_frame_rate_hz in the device descriptor, or use fewer channels",
        )
    return 1001 if per_channel == 1 else math.ceil(1000 / (per_channel - 1))


def _caps(
    ch: ChannelSpec, safety: SafetyProfile, program: Program, scale: float
) -> tuple[float, float]:
    """(effective cap, ramp limit per second) of one channel."""
    if ch.kind == "position":
        return ch.hard_max, ch.max_ramp_per_s
    if ch.kind == "heat":
        heat = min(ch.hard_max, safety.heat_max_c, program.limits.heat_max_c or ch.hard_max)
        return heat, ch.max_ramp_per_s
    cap = min(ch.hard_max, safety.max_intensity, program.limits.max_intensity or 1.0)
    return cap * scale, min(ch.max_ramp_per_s, safety.max_ramp_per_s)


def _check_options(
    intensity: float, minutes: float | None, exclude: Iterable[str]
) -> frozenset[str]:
    lo, hi = INTENSITY_RANGE
    if not lo <= intensity <= hi:
        raise CompileError(
            f"intensity scale {intensity:g} is outside {lo}–{hi}",
            hint="--intensity scales the whole program: 0.1 (very light) to 1.0 (as written)",
        )
    if minutes is not None and not (0 < minutes <= 24 * 60):
        raise CompileError(
            f"--minutes {minutes:g} is not a usable length", hint="e.g. --minutes 15"
        )
    zones = set()
    for z in exclude:
        name = z.strip().partition(".")[0]
        if name not in ZONES:
            raise CompileError(
                f"unknown zone {z!r} to exclude", hint="zones are: " + ", ".join(ZONES)
            )
        zones.add(name)
    return frozenset(zones)


@names_program_file
def compile_program(
    program: Program,
    device: DeviceProfile,
    safety: SafetyProfile,
    *,
    intensity: float = 1.0,
    minutes: float | None = None,
    exclude: Iterable[str] = (),
    source: str | None = None,
) -> Timeline:
    """Compile ``program`` for ``device`` under ``safety``.

    ``intensity`` scales every intensity channel (0.1–1.0); ``minutes`` fits the whole session
    to that length; ``exclude`` names zones that must not be touched. Raises
    :class:`CompileError` for hard-rule violations and impossible requests; softer overreach
    is clamped and reported in ``Timeline.warnings``. ``source`` (the program's file) is
    named in errors about the program as a whole.
    """
    excluded = _check_options(intensity, minutes, exclude)
    check_hard_rules(program, safety)
    limit = _limit_ms(safety)
    fitted = minutes is not None or program.duration is not None
    shorten = 0
    dropped: frozenset[int] = frozenset()
    attempts = FIT_ATTEMPTS + len(program.phases)
    for _attempt in range(attempts):
        timeline, session, silent = _build(
            program, device, safety, intensity, minutes, excluded, shorten, dropped
        )
        if fitted and silent - dropped and len(dropped | silent) < _foreground_count(program):
            # A phase squeezed so short that it plays nothing would leave the session dead for
            # its whole slot (issue 11 §3): plan again without it, its time given to the rest.
            dropped |= silent
            continue
        over = timeline.duration_ms - limit
        if over <= 0:
            break
        # Ramps and frame gaps let the last phases run a little past their slots: plan again,
        # shorter by the overrun (and a second of margin).
        shorten += over + 1_000
    _check_released(timeline, session, source)
    verify_timeline(
        timeline,
        {tid: tr.rate_per_ms * 1000 for tid, tr in session.tracks.items()},
        frame_budget(device),
        max_duration_ms=limit,
        heat_max_c=safety.heat_max_c,
    )
    return timeline


def _build(
    program: Program,
    device: DeviceProfile,
    safety: SafetyProfile,
    intensity: float,
    minutes: float | None,
    excluded: frozenset[str],
    shorten_ms: int,
    dropped: frozenset[int] = frozenset(),
) -> tuple[Timeline, Compilation, frozenset[int]]:
    """Plan and expand once (``shorten_ms``, ``dropped``: see :func:`make_fitting`); also the
    indices of the program's phases that got a slot and played nothing in it."""
    gap = channel_gap_ms(device)
    tracks: dict[str, Track] = {}
    infos: list[TimelineChannel] = []
    for ch in device.channels:
        cap, ramp = _caps(ch, safety, program, intensity)
        tracks[ch.id] = Track(
            ch,
            cap=cap,
            ramp_per_s=ramp,
            gap_ms=gap,
            percussion_allowed=safety.percussion_allowed,
            percussion_pulse_hz=safety.percussion_pulse_hz,
        )
        infos.append(TimelineChannel(ch.id, ch.zone, ch.kind, cap))
    intensity_cap = min(safety.max_intensity, program.limits.max_intensity or 1.0)
    heat_cap = min(safety.heat_max_c, program.limits.heat_max_c or safety.heat_max_c)
    session = Compilation(
        program, device, safety, intensity, DeviceMap.build(device, excluded), tracks,
        intensity_cap, heat_cap,
    )
    _check_zones(session)
    park_ms = _park_ms(session)
    plan = make_fitting(program, safety, minutes, park_ms, shorten_ms, dropped)
    session.warnings.extend(plan.warnings)

    spans: list[PhaseSpan] = []
    t = 0
    body_end = (plan.warm_up.duration or 0) if plan.warm_up else 0
    body_end += sum(
        n for p, n in zip(program.phases, plan.lengths, strict=True) if not _background(p)
    )
    session_end = body_end + ((plan.cool_down.duration or 0) if plan.cool_down else 0)
    steps: list[tuple[str, object, int, int | None]] = []
    if plan.warm_up:
        steps.append(("warm-up", plan.warm_up, plan.warm_up.duration or 0, None))
    for i, (phase, length) in enumerate(zip(program.phases, plan.lengths, strict=True)):
        if i not in dropped:
            steps.append((phase_label(i, phase.technique), phase, length, i))
    if plan.cool_down:
        steps.append(("cool-down", plan.cool_down, plan.cool_down.duration or 0, None))

    silent: set[int] = set()
    for label, step, length, index in steps:
        technique = getattr(step, "technique", "")
        if _background(step):
            ctx = PhaseCtx(session, label, t, min(t + length, session_end))
            EXPANDERS[technique](ctx, step)
            continue
        ctx = PhaseCtx(session, label, t, t + length)
        before = _command_count(tracks.values())
        try:
            EXPANDERS[technique](ctx, step)
        except CompileError as err:
            raise CompileError(err.message, phase=err.phase or label, hint=err.hint) from err
        if technique != "rest" and length > 0 and _command_count(tracks.values()) == before:
            # Too short for its own ramps on this device: say so rather than skip in silence.
            session.warnings.append(
                f"{label}: too short to do anything on this device; nothing plays"
            )
            if index is not None:
                silent.add(index)
        ctx.release_all()
        name = getattr(step, "name", None) or label
        spans.append(PhaseSpan(len(spans), name, technique, t, t + length))
        t += length

    end = _park(session, t)
    commands = _merge(tracks.values())
    duration = max([end, t] + [tr.end_ms() for tr in tracks.values()])
    timeline = Timeline(
        program=program.id,
        device=device.id,
        safety=safety.id,
        duration_ms=duration,
        channels=tuple(infos),
        commands=commands,
        phases=tuple(spans),
        warnings=tuple(session.warnings),
        intensity=intensity,
    )
    return timeline, session, frozenset(silent)


def _foreground_count(program: Program) -> int:
    """How many of the program's phases take a slot of their own (not background heat)."""
    return sum(1 for p in program.phases if not _background(p))


def _limit_ms(safety: SafetyProfile) -> int:
    return math.floor(safety.max_session_min * 60_000)


def _check_released(timeline: Timeline, session: Compilation, source: str | None) -> None:
    """Refuse a timeline that plays nothing, or that the fit could not bring under the limit."""
    what = f"{source} (program {session.program.id!r})" if source else (
        f"program {session.program.id!r}"
    )
    device = session.device.id
    kinds = {c.id: c.kind for c in timeline.channels}
    if not any(c.value > 0 and kinds[c.channel] != "position" for c in timeline.commands):
        raise CompileError(
            f"{what}: nothing of it plays on the {device} device (every phase was skipped — "
            "no channel for its zones or technique, or too short to act — or asks for "
            "intensity 0)",
            hint="see the warnings of `massage-ctl show` for each phase; choose a device "
            "with those channels, or a program written for this one",
        )
    limit = _limit_ms(session.safety)
    if timeline.duration_ms > limit:
        raise CompileError(
            f"{what}: on the {device} device it would last "
            f"{timeline.duration_ms / 60000:.1f} min, over the {session.safety.id!r} limit of "
            f"{session.safety.max_session_min:g} min, and cannot be fitted (its phases are "
            "too many or too short for the device's ramps)",
            hint="use fewer, longer phases, or --minutes to give each phase more time",
        )


def _command_count(tracks: Iterable[Track]) -> int:
    return sum(len(tr.commands) for tr in tracks)


def _check_zones(session: Compilation) -> None:
    """Refuse early, naming the program phase, when its zones cannot be served."""
    body = session.map.body_zones()
    for i, phase in enumerate(session.program.phases):
        if isinstance(phase, _ActivePhase):
            try:
                session.map.map_points(phase.points(), body, "massage channel", [])
            except CompileError as err:
                label = phase_label(i, phase.technique)
                raise CompileError(err.message, phase=label, hint=err.hint) from err


def _background(phase: object) -> bool:
    return isinstance(phase, HeatPhase) and phase.background


def _park_ms(session: Compilation) -> int:
    """Time reserved at the end to bring the roller home and everything to zero."""
    gap = max((tr.gap_ms for tr in session.tracks.values()), default=1000)
    positions = [tr for tr in session.tracks.values() if tr.spec.kind == "position"]
    travel = max((tr.rise_ms(tr.cap) for tr in positions), default=0)
    return travel + 2 * gap


def _park(session: Compilation, t: int) -> int:
    """Everything to zero (roller home, heat off) from ``t``; returns when all is done."""
    end = t
    tracks = list(session.tracks.values())
    # Forces first; the roller travels home only once nothing presses (a press that started
    # late, after its travel, may still be releasing when the phases end).
    for tr in sorted(tracks, key=lambda tr: tr.spec.kind == "position"):
        if tr.spec.kind == "position":
            t = max([t] + [o.end_ms() for o in tracks if o.spec.kind != "position"])
        if tr.commands and (tr.target > 0 or tr.pattern != "steady"):
            end = max(end, tr.set(max(t, tr.last_t + tr.gap_ms), 0.0))
    return end


def _merge(tracks: Iterable[Track]) -> tuple[Command, ...]:
    """All commands sorted by time (stable: channel table order within one instant)."""
    merged: list[Command] = []
    for tr in tracks:
        merged.extend(tr.commands)
    merged.sort(key=lambda c: c.t_ms)
    return tuple(merged)
