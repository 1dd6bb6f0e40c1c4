"""The compiler's last line of defence (``safety.checks``): before a timeline is released it is
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
from massage_ctl.compiler.compile import frame_budget
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import SafetyError
from massage_ctl.program import load_program
from massage_ctl.safety import GENTLE, STANDARD
from massage_ctl.safety.checks import longest_hold_ms, problems, verify_timeline
from massage_ctl.timeline import Command, Timeline, TimelineChannel

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
    from massage_ctl.safety.checks import longest_hold_ms

    cmds = [Command(5_000, "air.thighs", 0.35, 7_000), Command(10_000, "air.thighs", 0.0, 5_000)]
    assert longest_hold_ms(cmds, 0.25, 40_000) < 1_000
    rising = [Command(0, "a", 0.5, 10_000), Command(8_000, "a", 0.0, 10_000)]
    # Above 0.25 from 5 s; the cut ramp is at 0.4 at 8 s and falls through 0.25 at 11.75 s.
    assert abs(longest_hold_ms(rising, 0.25, 40_000) - 6_750) <= 1


# -- hand-made timelines: each rule at its edge ---------------------------------------------------
HIPS = "vib.hips"


def _hips(*commands: Command, duration_ms: int = 60_000) -> Timeline:
    """A pad timeline driving only the hips motor (the other channels stay at zero)."""
    return dataclasses.replace(
        SOUND, commands=tuple(commands), duration_ms=duration_ms,
        channels=(TimelineChannel(HIPS, "hips", "vibration", 0.8),),
    )


def _found(*commands: Command, duration_ms: int = 60_000) -> list[str]:
    return problems(_hips(*commands, duration_ms=duration_ms), RAMP, BUDGET)


def test_a_ramp_at_exactly_the_limit_is_released() -> None:
    # 0 → 0.4 at standard's 0.2 per second takes 2 s; down again likewise.
    assert RAMP[HIPS] == pytest.approx(0.2)
    assert _found(Command(0, HIPS, 0.4, 2000), Command(10_000, HIPS, 0.0, 2000)) == []


@pytest.mark.parametrize("ramp_ms", [1999, 1000, 200])
def test_a_ramp_shorter_than_the_limit_allows_is_caught(ramp_ms: int) -> None:
    # Ten times too short (200 ms) must be caught as surely as a little too short.
    found = _found(Command(0, HIPS, 0.4, ramp_ms), Command(10_000, HIPS, 0.0, 2000))
    assert found == [f"{HIPS} at 0 ms: change too fast"]


def test_a_ramp_cut_short_is_judged_from_where_the_channel_got_to() -> None:
    # The rise to 0.8 (4 s) is cut at 1 s, at 0.2: falling to 0 from there takes 1 s, fine…
    assert _found(Command(0, HIPS, 0.8, 4000), Command(1000, HIPS, 0.0, 1000)) == []
    # …but a jump from 0.2 to 0.8 at once is not, even though the channel "was heading there".
    found = _found(Command(0, HIPS, 0.8, 4000), Command(1000, HIPS, 0.8, 0),
                   Command(10_000, HIPS, 0.0, 4000))
    assert found == [f"{HIPS} at 1000 ms: change too fast"]


def test_a_value_below_zero_or_over_the_cap_is_caught() -> None:
    found = _found(Command(0, HIPS, -0.1, 1000), Command(10_000, HIPS, 0.0, 1000))
    assert any("value -0.1 outside 0..0.8" in p for p in found), found
    found = _found(Command(0, HIPS, 0.81, 60_000), Command(60_000, HIPS, 0.0, 0))
    assert any("outside 0..0.8" in p for p in found), found
    assert _found(Command(0, HIPS, 0.8, 4000), Command(10_000, HIPS, 0.0, 4000)) == []


def test_a_final_ramp_down_that_runs_past_the_end_is_caught() -> None:
    # The timeline ends at 12 s while the motor is still coming down: not "ends at zero".
    tail = Command(10_000, HIPS, 0.0, 2001)
    assert _found(Command(0, HIPS, 0.4, 2000), tail, duration_ms=12_000) == [
        f"{HIPS} does not end at zero"
    ]
    assert _found(Command(0, HIPS, 0.4, 2000), Command(10_000, HIPS, 0.0, 2000),
                  duration_ms=12_000) == []


def test_a_channel_left_on_at_the_end_is_caught() -> None:
    assert _found(Command(0, HIPS, 0.4, 2000)) == [f"{HIPS} does not end at zero"]


def test_the_frame_budget_counts_every_command_in_any_one_second() -> None:
    # BUDGET commands within one second are fine; one more inside the same second is not.
    ok = [Command(k * (1000 // BUDGET), HIPS, 0.0, 0) for k in range(BUDGET)]
    assert _found(*ok) == []
    over = [*ok, Command(1000, HIPS, 0.0, 0)]
    assert _found(*over) == [f"more than {BUDGET} commands in the second before 1000 ms"]
    spread = [*ok, Command(1001, HIPS, 0.0, 0)]  # the first has left the window
    assert _found(*spread) == []


def test_the_longest_hold_is_measured_exactly() -> None:
    # Up to 0.5 over 10 s (crosses 0.25 at 5 s), hold until 40 s, down over 10 s (crosses at
    # 45 s): 40 s above the threshold.
    press = [Command(0, HIPS, 0.5, 10_000), Command(30_000, HIPS, 0.5, 0),
             Command(40_000, HIPS, 0.0, 10_000)]
    assert longest_hold_ms(press, 0.25, 60_000) == 40_000
    # Two presses with a dip below the threshold between them are two holds, not one (1 s
    # ramps: 0.25 is crossed half-way through each).
    two = [Command(0, HIPS, 0.5, 1000), Command(10_000, HIPS, 0.0, 1000),
           Command(12_000, HIPS, 0.5, 1000), Command(30_000, HIPS, 0.0, 1000)]
    assert longest_hold_ms(two, 0.25, 60_000) == 18_000
    # Still above the threshold when the timeline ends: counted to the end.
    assert longest_hold_ms([Command(0, HIPS, 0.5, 0)], 0.25, 25_000) == 25_000
    # A slow release cut short by a new press before it got below the threshold: one hold.
    regrip = [Command(0, HIPS, 0.5, 1000), Command(10_000, HIPS, 0.0, 10_000),
              Command(12_000, HIPS, 0.5, 1000)]
    assert longest_hold_ms(regrip, 0.25, 60_000) == 59_500
    # Jumps (no ramp) cross the threshold at their own instant.
    jumps = [Command(0, HIPS, 0.5, 0), Command(10_000, HIPS, 0.1, 0),
             Command(12_000, HIPS, 0.5, 0), Command(30_000, HIPS, 0.0, 0)]
    assert longest_hold_ms(jumps, 0.25, 60_000) == 18_000
    # Later in a session (nothing starts at 0 ms): up from 20 s, crossing at 25 s, then down to
    # exactly the threshold from 50 s (a hold ends there), from 70 s up again until the end.
    late = [Command(20_000, HIPS, 0.5, 10_000), Command(50_000, HIPS, 0.25, 5000),
            Command(70_000, HIPS, 0.45, 2000)]
    assert longest_hold_ms(late, 0.25, 90_000) == 30_000  # 25 s → 55 s; then 70 s → 90 s
    assert longest_hold_ms(late, 0.25, 120_000) == 50_000  # the last one, counted to the end
    # A rise from 0.1 towards 0.6 over 10 s cut at 4 s (at 0.3), held, then dropped at 14 s:
    # above from 3 s (where it passed 0.25) to 14 s.
    cut_rise = [Command(0, HIPS, 0.1, 0), Command(1000, HIPS, 0.6, 10_000),
                Command(5000, HIPS, 0.3, 0), Command(15_000, HIPS, 0.0, 0)]
    assert longest_hold_ms(cut_rise, 0.25, 60_000) == 11_000
    # At the threshold is not above it.
    assert longest_hold_ms([Command(0, HIPS, 0.25, 0)], 0.25, 25_000) == 0


def test_each_command_is_judged_from_the_value_the_channel_really_has() -> None:
    from massage_ctl.safety.checks import start_values

    # 0 → 0.8 over 4 s, cut at 1 s (0.2); → 0.4 over 2 s, cut half-way (0.3); → 0.1 at once
    # from 0.3; a ramp that ends exactly when the next command starts has reached its target.
    cmds = [Command(0, HIPS, 0.8, 4000), Command(1000, HIPS, 0.4, 2000),
            Command(2000, HIPS, 0.1, 0), Command(3000, HIPS, 0.5, 2000),
            Command(5000, HIPS, 0.0, 2500)]
    assert start_values(cmds) == pytest.approx([0.0, 0.2, 0.3, 0.1, 0.5])


def test_a_budget_overrun_is_reported_once_and_the_error_names_at_most_three_problems() -> None:
    burst = [Command(k, HIPS, 0.0, 0) for k in range(BUDGET + 3)]
    found = _found(*burst)
    assert found == [f"more than {BUDGET} commands in the second before {BUDGET} ms"]
    broken = _hips(Command(0, HIPS, 0.9, 0), Command(10, "vib.hips", 0.95, 0))
    assert len(problems(broken, RAMP, BUDGET)) >= 4
    with pytest.raises(SafetyError) as info:
        verify_timeline(broken, RAMP, BUDGET)
    assert str(info.value).count(";") == 2  # three problems, then the user is spared the rest


def test_heat_over_the_profiles_ceiling_is_caught_even_when_the_channel_table_allows_it() -> None:
    # A channel table that wrongly lists 45 °C for the lower-back pad must not hide a command
    # at 42 °C from standard's 41 °C ceiling; 41 °C itself, and a motor's 0.8, are fine.
    heat = "heat.lower-back"
    channels = (TimelineChannel(heat, "lower-back", "heat", 45.0),
                TimelineChannel(HIPS, "hips", "vibration", 0.8))
    ramp = {heat: 1.0, HIPS: 0.2}

    def found(top_c: float) -> list[str]:
        timeline = Timeline(
            program="p", device="chair", safety="standard", duration_ms=200_000,
            channels=channels, phases=(),
            commands=(Command(0, heat, top_c, 60_000), Command(0, HIPS, 0.8, 4000),
                      Command(100_000, heat, 0.0, 60_000), Command(100_000, HIPS, 0.0, 4000)),
        )
        return problems(timeline, ramp, BUDGET, heat_max_c=STANDARD.heat_max_c)

    assert found(42.0) == [f"{heat} at 0 ms: 42.0 °C above the ceiling 41.0 °C"]
    assert found(41.0) == []


def test_a_timeline_may_fill_the_session_limit_but_no_command_may_run_past_it() -> None:
    # Standard's 30 minutes: a timeline of exactly 30 min whose last fade ends exactly then is
    # released; a fade that starts inside the limit but ends after it is caught, as is a
    # timeline one millisecond too long.
    limit = int(STANDARD.max_session_min * 60_000)
    up, down = Command(0, HIPS, 0.4, 2000), Command(limit - 2000, HIPS, 0.0, 2000)

    def found(*commands: Command, duration_ms: int = limit) -> list[str]:
        return problems(_hips(*commands, duration_ms=duration_ms), RAMP, BUDGET,
                        max_duration_ms=limit)

    assert found(up, down) == []
    late = dataclasses.replace(down, t_ms=limit - 1000)
    assert found(up, late) == [f"a command runs past the session limit of {limit} ms"]
    assert found(up, down, duration_ms=limit + 1) == [
        f"the timeline lasts {limit + 1} ms, over the session limit of {limit} ms"
    ]
