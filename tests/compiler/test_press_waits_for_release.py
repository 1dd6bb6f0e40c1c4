"""A press squeezed into a short phase still waits for the previous phase's release on its
channels (found by the hips-and-glutes program fitted to 4 minutes under gentle: kneading's
last release ended 3 ms into the trigger-point phase, whose first press rose from it)."""

from __future__ import annotations

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.program.loader import load_program_text
from massage_ctl.safety import GENTLE
from massage_ctl.timeline import value_at

PROGRAM = '''
id = "t"
name = "t"
description = "t"
[[phases]]
technique = "swedish"
stroke = "petrissage"
zones = ["hips", "thighs"]
intensity = 0.45
duration = "5m"
[[phases]]
technique = "trigger-point"
zones = ["hips.left", "hips.right"]
intensity = 0.55
ramp = "15s"
hold = "45s"
release = "15s"
rest = "20s"
repeats = 2
[[phases]]
technique = "relaxation"
mode = "rocking"
zones = ["lower-back"]
intensity = 0.2
duration = "2m"
'''


def test_the_first_press_of_a_squeezed_phase_rises_from_zero() -> None:
    tl = compile_program(load_program_text(PROGRAM), load_device_profile("chair"), GENTLE,
                         minutes=3)
    span = next(s for s in tl.phases if s.technique == "trigger-point")
    for cid in ("air.hips.left", "air.hips.right"):
        cmds = list(tl.commands_for(cid))
        k = next(k for k, c in enumerate(cmds) if c.t_ms >= span.start_ms)
        assert cmds[k].value > 0 and k > 0, "the phase presses this cell after kneading it"
        assert value_at(cmds[:k], cmds[k].t_ms) == 0, cid
