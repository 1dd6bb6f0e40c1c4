"""Checks of the compiled timeline's safety invariants.

The compiler runs :func:`verify_timeline` on every timeline it produces (a last line of defence:
a broken invariant is a bug, reported as :class:`SafetyError` rather than played); the tests
call the same functions, plus :func:`longest_hold_ms`.
"""

from __future__ import annotations

from collections.abc import Sequence

from massage_ctl.errors import SafetyError
from massage_ctl.timeline import Command, Timeline

_EPS = 1e-6


def by_channel(timeline: Timeline) -> dict[str, list[Command]]:
    """Commands grouped per channel, in time order."""
    out: dict[str, list[Command]] = {c.id: [] for c in timeline.channels}
    for cmd in timeline.commands:
        out[cmd.channel].append(cmd)
    return out


def start_values(commands: Sequence[Command]) -> list[float]:
    """The value each command starts from (``timeline.value_at`` semantics, in one pass)."""
    starts: list[float] = []
    value = 0.0
    for i, cmd in enumerate(commands):
        starts.append(value)
        if i + 1 < len(commands):
            nxt = commands[i + 1].t_ms
            # A jump (ramp 0) has always ended: commands are in time order.
            if nxt >= cmd.t_ms + cmd.ramp_ms:
                value = cmd.value
            else:
                value = value + (cmd.value - value) * (nxt - cmd.t_ms) / cmd.ramp_ms
    return starts


def problems(
    timeline: Timeline,
    ramp_per_s: dict[str, float],
    budget: int,
    *,
    max_duration_ms: int | None = None,
    heat_max_c: float | None = None,
) -> list[str]:
    """Every broken invariant, as text (empty when the timeline is sound).

    ``max_duration_ms`` (the safety profile's session length) and ``heat_max_c`` (its heat
    ceiling) are checked against the commands themselves, not against the caps the compiler
    wrote into the channel table, so a wrong cap cannot hide a broken limit.
    """
    found: list[str] = []
    if max_duration_ms is not None and timeline.duration_ms > max_duration_ms:
        found.append(
            f"the timeline lasts {timeline.duration_ms} ms, over the session limit of "
            f"{max_duration_ms} ms"
        )
    if max_duration_ms is not None and any(
        c.t_ms + c.ramp_ms > max_duration_ms for c in timeline.commands
    ):
        found.append(f"a command runs past the session limit of {max_duration_ms} ms")
    times = [c.t_ms for c in timeline.commands]
    if times != sorted(times):
        found.append("commands are not sorted by t_ms")
    grouped = by_channel(timeline)
    for ch in timeline.channels:
        cmds = grouped[ch.id] if not found else []
        starts = start_values(cmds)
        for i, cmd in enumerate(cmds):
            start = starts[i]
            if cmd.value < -_EPS or cmd.value > ch.max + _EPS:
                found.append(f"{ch.id} at {cmd.t_ms} ms: value {cmd.value} outside 0..{ch.max}")
            if ch.kind == "heat" and heat_max_c is not None and cmd.value > heat_max_c + _EPS:
                found.append(
                    f"{ch.id} at {cmd.t_ms} ms: {cmd.value} °C above the ceiling {heat_max_c} °C"
                )
            allowed = ramp_per_s[ch.id] * cmd.ramp_ms / 1000 + _EPS
            if abs(cmd.value - start) > allowed:
                found.append(f"{ch.id} at {cmd.t_ms} ms: change too fast")
        if cmds:
            last = cmds[-1]
            if last.value != 0 or last.t_ms + last.ramp_ms > timeline.duration_ms:
                found.append(f"{ch.id} does not end at zero")
    j = 0
    for i, t in enumerate(times):
        while times[j] < t - 1000:
            j += 1
        if i - j + 1 > budget:
            found.append(f"more than {budget} commands in the second before {t} ms")
            break
    return found


def verify_timeline(
    timeline: Timeline,
    ramp_per_s: dict[str, float],
    budget: int,
    *,
    max_duration_ms: int | None = None,
    heat_max_c: float | None = None,
) -> None:
    """Raise :class:`SafetyError` if any invariant is broken (see :func:`problems`)."""
    found = problems(
        timeline, ramp_per_s, budget, max_duration_ms=max_duration_ms, heat_max_c=heat_max_c
    )
    if found:
        raise SafetyError(
            "internal compiler error, the timeline was not released: " + "; ".join(found[:3]),
            hint="please report this with the program file",
        )


def longest_hold_ms(commands: Sequence[Command], threshold: float, end_ms: int) -> int:
    """Longest time the channel stays continuously above ``threshold`` (exact, piecewise).

    A ramp cut short by the next command ends where the channel got to (not at its target),
    and a jump (``ramp_ms`` 0) crosses the threshold at its own instant: the yardstick of the
    hold limit must not lose a hold to either.
    """
    longest = 0
    above_since: float | None = None
    starts = start_values(commands)
    for i, cmd in enumerate(commands):
        v0 = starts[i]
        seg_end = commands[i + 1].t_ms if i + 1 < len(commands) else end_ms
        ramp_end = cmd.t_ms + cmd.ramp_ms
        cut = min(ramp_end, seg_end)
        # A jump (ramp 0) ends where it starts, so it takes the first branch.
        if cut >= ramp_end:
            v_cut = cmd.value
        else:
            v_cut = v0 + (cmd.value - v0) * (cut - cmd.t_ms) / cmd.ramp_ms
        # The ramp (or the part of it before the next command), then the hold until the next
        # command — of length zero when the ramp runs into it, which changes nothing below.
        for ta, va, tb, vb in ((cmd.t_ms, v0, cut, v_cut), (cut, v_cut, seg_end, v_cut)):
            if va > threshold and vb > threshold:
                above_since = ta if above_since is None else above_since
            elif va > threshold >= vb:  # falls through the threshold (at once for a jump)
                # va > vb here, and a jump (tb == ta) crosses at ta.
                cross = ta + (tb - ta) * (va - threshold) / (va - vb)
                start = ta if above_since is None else above_since
                longest = max(longest, int(cross - start))
                above_since = None
            elif vb > threshold >= va:  # rises through the threshold
                above_since = ta + (tb - ta) * (threshold - va) / (vb - va)
    if above_since is not None:
        longest = max(longest, int(end_ms - above_since))
    return longest
