"""What a session is played with, as one typed value both front ends build.

The CLI builds :class:`SessionOptions` from the command line over the user's config
(``cli/target_args.py``); the terminal UI from its set-up panel (``tui/setup.py``). Either way the
safety profile is loaded once, as a :class:`~massage_ctl.safety.SafetyProfile`, before the value
exists: nothing below passes a profile's name around or loads it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile
from massage_ctl.program import Program
from massage_ctl.safety import SafetyProfile
from massage_ctl.timeline import Timeline


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """A program and every choice made for it: device, safety profile and adjustments."""

    program: Program
    #: Where the session plays (``sim://chair``, ``serial:///dev/ttyUSB0`` …).
    device_url: str
    #: The device's channels when known before connecting (a ``sim://`` URL, ``--profile``, the
    #: UI's description read at start-up); ``None``: the device describes itself on connect.
    device: DeviceProfile | None
    safety: SafetyProfile
    #: Overall strength scale, 0.1–1.0.
    intensity: float = 1.0
    #: Fit the program to this many minutes (``None``: its own length; the safety profile's
    #: limit still applies).
    minutes: float | None = None
    #: Body zones to leave out.
    exclude: tuple[str, ...] = ()
    #: The program's file, named in errors about the program as a whole.
    source: str | None = None

    def compile(self, device: DeviceProfile | None = None) -> Timeline:
        """The timeline for ``device`` (default: :attr:`device`); raises CompileError."""
        target = device if device is not None else self.device
        if target is None:
            raise ValueError("no device profile to compile for: the device has not described "
                             "itself yet")
        return compile_program(
            self.program,
            target,
            self.safety,
            intensity=self.intensity,
            minutes=self.minutes,
            exclude=self.exclude,
            source=self.source,
        )
