"""``massage-sim``: serve the simulated device on a pty or TCP, or list the profiles.

::

    massage-sim serve --pty [--profile NAME] [--trace FILE] [--faults SPEC] [--speed N]
    massage-sim serve --tcp PORT [...]
    massage-sim profiles

The first stdout line is where to connect (``/dev/pts/N`` or ``socket://127.0.0.1:PORT``).
SIGTERM / SIGINT end the run cleanly with the trace flushed. Exit status: 0 ok, 1 a clear error,
2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

from massage_ctl.clock import new_event_loop
from massage_ctl.devices import BUILTIN_PROFILES, load_device_profile
from massage_ctl.errors import MassageCtlError
from massage_sim.device import SimDevice
from massage_sim.faults import FaultPlan
from massage_sim.serve import serve_pty, serve_tcp

#: Slowest served speed: slower, the device's status reports come so rarely that the
#: controller (in real time) declares it lost; it also keeps 1e-300 from overflowing the clock.
MIN_SERVE_SPEED = 0.01


def _speed(text: str) -> float:
    """argparse type for ``serve --speed``: from 0.01 (slow motion) to 1 (real time).

    A served device talks to a controller in another process that keeps real time. Faster than
    real time, the device's clock would see the controller's heartbeats (every 100 ms real)
    arrive late and its watchdog would trip at once; running faster than real time needs both
    ends on one clock, which ``sim://NAME?speed=N`` (in-process) gives.
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value > 1:
        raise argparse.ArgumentTypeError(
            f"{text}: a served device cannot run faster than real time — the controller on the "
            "other end keeps real time and its heartbeats would trip the device's watchdog; "
            "use massage-ctl --device 'sim://NAME?speed=N' to run faster than real time"
        )
    if not MIN_SERVE_SPEED <= value <= 1:  # also nan
        raise argparse.ArgumentTypeError(
            f"{text}: speed must be from {MIN_SERVE_SPEED} (slow motion) to 1 (real time)"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``massage-sim`` argument parser."""
    parser = argparse.ArgumentParser(prog="massage-sim", description="Simulated massage device.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = sub.add_parser("serve", help="serve a simulated device on a pty or TCP port")
    where = serve.add_mutually_exclusive_group(required=True)
    where.add_argument("--pty", action="store_true", help="open a pseudo terminal")
    where.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT")
    serve.add_argument("--profile", default="chair", help="chair, bed, pad or a descriptor .toml")
    serve.add_argument("--trace", metavar="FILE", help="write a JSON Lines trace here")
    serve.add_argument("--faults", metavar="SPEC", help="e.g. drop=0.02,delay=50ms,reset@60s")
    serve.add_argument(
        "--speed", type=_speed, default=1.0, metavar="N",
        help="run N× real time, 0.01–1 (slow motion); faster needs sim://NAME?speed=N",
    )
    serve.add_argument(
        "--protocol", type=int, choices=(1, 2), default=2,
        help="wire protocol version: 2 (default), or 1 to behave exactly like a version-1 "
        "device (no session limits on the device, foreign HELLOs unanswered)",
    )
    sub.add_parser("profiles", help="list the built-in device profiles")
    return parser


def _profiles() -> int:
    for name in BUILTIN_PROFILES:
        profile = load_device_profile(name)
        print(f"{name:8} {profile.name} — {len(profile.channels)} channels")
    return 0


def _serve(args: argparse.Namespace) -> int:
    faults = FaultPlan.parse(args.faults) if args.faults else None
    device = SimDevice(args.profile, faults=faults, trace=args.trace, protocol=args.protocol)
    if args.tcp is not None and not 0 <= args.tcp <= 65535:
        raise MassageCtlError(f"port {args.tcp} is not a TCP port", hint="use 0..65535")

    def announce(where: str) -> None:
        print(where, flush=True)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if args.pty:
            await serve_pty(device, stop, announce)
        else:
            try:
                await serve_tcp(device, args.tcp, stop, announce)
            except OSError as err:
                raise MassageCtlError(
                    f"cannot listen on 127.0.0.1:{args.tcp}: {err.strerror}",
                    hint="pick another port, or 0 for any free one",
                ) from err

    loop = new_event_loop(args.speed)
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``massage-sim``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _profiles() if args.command == "profiles" else _serve(args)
    except MassageCtlError as err:
        print(f"massage-sim: error: {err}", file=sys.stderr)
        if err.hint:
            print(f"  hint: {err.hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
