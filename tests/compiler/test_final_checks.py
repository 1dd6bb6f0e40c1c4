"""The compiler's last line of defence (``compiler.checks``): before a timeline is released it is
checked again — sorted, every value within its channel's cap, no change faster than the ramp
limit, every channel back at zero, the frame budget kept. A sound timeline passes; each kind of
damage, applied to a real compiled timeline, is caught and the timeline is not released."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.compiler import compile_program
from massage_ctl.compiler.checks import problems, verify_timeline
from massage_ctl.compiler.compile import frame_budget
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import SafetyError
from massage_ctl.program import load_program
from massage_ctl.safety import GENTLE, STANDARD
from massage_ctl.timeline import Command, Timeline

PAD = load_device_profile("pad")
SOUND = compile_program(load_program("quick-10-minute"), PAD, STANDARD)
#: The ramp limits the compiler used: device ∩ safety, per channel (all pad channels alike).
RAMP = {ch.id: min(ch.max_ramp_per_s, STANDARD.max_ramp_per_s) for ch in PAD.channels}
BUDGET = frame_budget(PAD)


def _with(timeline: Timeline, commands: list[Command]) -> Timeline:
    return dataclasses.replace(timeline, commands=tuple(commands))


def _rising(timeline: Timeline) -> list[int]:
    """Indexes of commands that raise a channel above zero (so there is something to damage)."""
    return [i for i, c in enumerate(timeline.commands) if c.value > 0.05]


def test_a_sound_timeline_is_released() -> None:
    assert problems(SOUND, RAMP, BUDGET) == []
    assert problems(compile_program(load_program("gentle-sciatica"), PAD, GENTLE),
                    {ch.id: min(ch.max_ramp_per_s, GENTLE.max_ramp_per_s) for ch in PAD.channels},
                    BUDGET) == []


@settings(max_examples=40, deadline=None)
@given(pick=st.integers(0, 10_000), over=st.floats(0.01, 5.0))
def test_a_value_over_its_cap_is_caught(pick: int, over: float) -> None:
    commands = list(SOUND.commands)
    i = _rising(SOUND)[pick % len(_rising(SOUND))]
    cap = SOUND.channel(commands[i].channel).max
    commands[i] = dataclasses.replace(commands[i], value=cap + over, ramp_ms=3_600_000)
    found = problems(_with(SOUND, commands), RAMP, BUDGET)
    assert any("outside 0.." in p for p in found), found


@settings(max_examples=40, deadline=None)
@given(pick=st.integers(0, 10_000))
def test_a_jump_without_its_ramp_is_caught(pick: int) -> None:
    commands = list(SOUND.commands)
    i = _rising(SOUND)[pick % len(_rising(SOUND))]
    commands[i] = dataclasses.replace(commands[i], ramp_ms=0)  # the same change, at once
    found = problems(_with(SOUND, commands), RAMP, BUDGET)
    assert any(f"{commands[i].channel} at {commands[i].t_ms} ms: change too fast" == p
               for p in found), found


Damage = Callable[[list[Command]], list[Command]]


def _drop_last_zero(commands: list[Command]) -> list[Command]:
    last = max(i for i, c in enumerate(commands) if c.channel == commands[0].channel)
    return commands[:last] + commands[last + 1:]


def _swap_first_two_times(commands: list[Command]) -> list[Command]:
    i = next(i for i in range(len(commands) - 1) if commands[i].t_ms < commands[i + 1].t_ms)
    return [*commands[:i], commands[i + 1], commands[i], *commands[i + 2:]]


def _burst(commands: list[Command]) -> list[Command]:
    # Re-sending the same value is harmless to the ramp check, but not to the frame budget.
    c = commands[0]
    extra = [dataclasses.replace(c, t_ms=c.t_ms + k) for k in range(1, BUDGET + 2)]
    return sorted([*commands, *extra], key=lambda x: x.t_ms)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_drop_last_zero, "does not end at zero"),
        (_swap_first_two_times, "commands are not sorted by t_ms"),
        (_burst, f"more than {BUDGET} commands in the second before"),
    ],
)
def test_each_kind_of_damage_is_caught_and_the_timeline_not_released(
    damage: Damage, message: str
) -> None:
    broken = _with(SOUND, damage(list(SOUND.commands)))
    assert any(message in p for p in problems(broken, RAMP, BUDGET))
    with pytest.raises(SafetyError, match="the timeline was not released"):
        verify_timeline(broken, RAMP, BUDGET)


def test_longest_hold_ends_a_ramp_where_the_next_command_cut_it() -> None:
    """A rise to 0.35 cut at 0.25 by a release never held above 0.25 (it counted 32 s)."""
    from massage_ctl.compiler.checks import longest_hold_ms

    cmds = [Command(5_000, "air.thighs", 0.35, 7_000), Command(10_000, "air.thighs", 0.0, 5_000)]
    assert longest_hold_ms(cmds, 0.25, 40_000) < 1_000
    rising = [Command(0, "a", 0.5, 10_000), Command(8_000, "a", 0.0, 10_000)]
    # Above 0.25 from 5 s; the cut ramp is at 0.4 at 8 s and falls through 0.25 at 11.75 s.
    assert abs(longest_hold_ms(rising, 0.25, 40_000) - 6_750) <= 1
