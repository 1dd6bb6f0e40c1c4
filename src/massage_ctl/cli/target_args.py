"""Options shared by the commands that compile a program (``show``, ``compile``, ``run``).

:func:`add_target_options` adds ``--device``, ``--profile``, ``--safety``, ``--intensity``,
``--minutes`` and ``--exclude`` to a subcommand's parser; :func:`resolve_options` turns the parsed
options (over the user's config file, see :mod:`massage_ctl.config`) into
the device profile, safety profile and adjustments to compile for, as the
:class:`~massage_ctl.session.SessionOptions` both front ends use.

Out-of-range numbers and unknown zones are usage errors (argparse, exit status 2); an unknown
device profile or a bad safety profile file is a :class:`~massage_ctl.errors.MassageCtlError`
(exit status 1).
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from massage_ctl.config import ConfigFileError, effective_options, load_config
from massage_ctl.devices import BUILTIN_PROFILES
from massage_ctl.errors import MassageCtlError
from massage_ctl.program import Program
from massage_ctl.safety import load_safety_profile
from massage_ctl.session.device_profile import resolve_device_profile
from massage_ctl.session.options import SessionOptions
from massage_ctl.zones import ZONES

INTENSITY_RANGE = (0.1, 1.0)


def intensity_arg(text: str) -> float:
    """argparse type for ``--intensity``: a number from 0.1 to 1.0."""
    lo, hi = INTENSITY_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (use {lo}–{hi})") from None
    if not (lo <= value <= hi):  # also rejects nan
        raise argparse.ArgumentTypeError(f"{text} is out of range (use {lo}–{hi})")
    return value


def minutes_arg(text: str) -> float:
    """argparse type for ``--minutes``: a positive, finite number of minutes."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 minutes")
    return value


def zone_arg(text: str) -> str:
    """argparse type for ``--exclude``: one body zone name."""
    zone = text.strip()
    if zone not in ZONES:
        raise argparse.ArgumentTypeError(
            f"unknown zone {text!r} (zones are: {', '.join(ZONES)})"
        )
    return zone


def check_output_file(path: Path, what: str) -> None:
    """Refuse, before any output, a file ``path`` that cannot be written (``what`` names it,
    e.g. ``"SVG file"``): a command must not print a whole chart and then fail on its path."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        why = "the folder does not exist"
    elif path.is_dir():
        why = "it is a folder"
    elif (path.exists() and not os.access(path, os.W_OK)) or not os.access(folder, os.W_OK):
        why = "permission denied"
    else:
        return
    raise MassageCtlError(
        f"cannot write the {what} {str(path)!r}: {why}",
        hint="check that the folder exists and is writable",
    )


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """Add the device, safety and adjustment options to ``parser``.

    Defaults are ``None`` (``--device``: absent) so that the user's config file fills in what
    the command line leaves out (:func:`massage_ctl.config.effective_options`).
    """
    group = parser.add_argument_group("device and safety")
    group.add_argument(
        "--device",
        metavar="URL",
        # SUPPRESS: when not given here, keep a top-level ``massage-ctl --device URL`` value
        # instead of silently overwriting it with None.
        default=argparse.SUPPRESS,
        help="device URL, e.g. sim://chair, sim://pad, /dev/ttyUSB0 (default: from config, "
        "else sim://chair); sim:// URLs select that device profile",
    )
    group.add_argument(
        "--profile",
        metavar="NAME",
        help=f"device profile to compile for without connecting: {', '.join(BUILTIN_PROFILES)} "
        "or a descriptor .toml file (wins over what --device implies)",
    )
    group.add_argument(
        "--safety",
        metavar="NAME|FILE",
        help="safety profile: standard, gentle (nerve-safe) or a profile file (default: standard)",
    )
    group.add_argument(
        "--intensity",
        type=intensity_arg,
        metavar="X",
        help="overall strength scale, 0.1–1.0 (default: 1.0)",
    )
    group.add_argument(
        "--minutes",
        type=minutes_arg,
        metavar="N",
        help="fit the program to N minutes (still capped by the safety profile)",
    )
    group.add_argument(
        "--exclude",
        type=zone_arg,
        action="append",
        metavar="ZONE",
        help="leave out a body zone; repeat for several",
    )


def resolve_options(
    args: argparse.Namespace, program: Program, source: str | None = None
) -> SessionOptions:
    """The session options the command line asks for, over the user's config: the device
    profile, the safety profile (loaded once, here) and the adjustments, for ``program``.

    ``--profile`` wins over ``--device``; otherwise a ``sim://NAME`` URL (given or from the
    config) names the profile. Zones excluded in the config stay excluded. ``source``: the
    program's file, named in errors about the program as a whole.
    """
    opts = effective_options(load_config(), args)
    profile: str | None = getattr(args, "profile", None)
    try:
        device = resolve_device_profile(opts.device, profile)
    except MassageCtlError as err:
        origin = None if profile else opts.from_config.get("device")
        if origin is None:
            raise
        # The descriptor a config's sim:///path.toml names is broken: say both places.
        raise ConfigFileError(
            str(err), path=origin[0], line=origin[1], field="device",
            hint=(err.hint + "; " if err.hint else "") + "the device is set in the config file",
        ) from err
    return SessionOptions(
        program=program,
        device_url=opts.device,
        device=device,
        safety=load_safety_profile(opts.safety),
        intensity=opts.intensity,
        minutes=getattr(args, "minutes", None),
        exclude=opts.exclude,
        source=source,
    )
