"""Setpoint dispatch jitter at 50 setpoints/s over a pty (CONTRACTS §7: p99 ≤ 2 ms and ≤ 1.5× a
bare asyncio sleep loop measured in the same run).

Run: ``python benchmarks/bench_jitter.py [--seconds 20] [--rate 50] [--blocks 4]
[--profile chair] [--frame-rate 100]``.

The device must have room in its frame budget for 50 setpoint frames/s next to the 10
heartbeats/s, or the figure measures the budget (frames held back, newest wins) instead of
dispatch. The shipped chair accepts 50 frames/s, so by default the device is the chair's
descriptor with ``max_frame_rate_hz`` raised to ``--frame-rate`` (100; a 115200-baud UART
carries ~600 setpoint frames/s). ``--frame-rate 0`` keeps the profile's own budget.

The device is the same child process as in ``bench_stop_latency.py`` (a ``SimDevice`` on a pty,
bare pty, no UART emulation); this process drives the real :class:`~massage_ctl.link.Link` over
``serial:///dev/pts/N?baud=115200``. Setpoints for one channel are submitted with
``link.submit`` from ``loop.call_at`` callbacks at absolute deadlines ``anchor + k / rate``
(the player's scheduling). Measured against each deadline:

* ``write`` — the link hands the SETPOINT frame carrying setpoint k to the transport;
* ``peer``  — the device end of the pty reads that frame (another process, same clock);
* ``bare``  — baseline: a bare ``asyncio.sleep`` loop to the same absolute deadlines, no link.

Link and baseline alternate in blocks (``--seconds`` each in total) so load from other work on
the machine hits both alike. A setpoint replaced by the next one before it was sent (newest
wins) is counted as coalesced; its lateness is not in the figures. Prints figures; exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_stop_latency import DeviceProcess, pct  # sibling benchmark script

from massage_ctl.link import Link
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.protocol.messages import Setpoint
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.transports import open_transport

RESIDUES = 40  # setpoint k carries value 0.1 + (k mod 40) / 100: its frame names k


def value_for(k: int) -> float:
    """The envelope value that identifies setpoint ``k``."""
    return 0.1 + (k % RESIDUES) / 100


async def bare_block(seconds: float, rate: float) -> list[float]:
    """Baseline: lateness (ms) of a bare asyncio sleep loop to absolute deadlines."""
    loop = asyncio.get_running_loop()
    period = 1.0 / rate
    anchor = loop.time() + 0.05
    late: list[float] = []
    for k in range(int(seconds * rate)):
        deadline = anchor + k * period
        await asyncio.sleep(deadline - loop.time())
        late.append((time.monotonic() - deadline) * 1000)
    return late


async def link_block(path: str, seconds: float, rate: float) -> dict[str, Any]:
    """Submit ``rate`` setpoints/s for ``seconds`` through the real link; raw stamps back."""
    transport = open_transport(f"serial://{path}?baud=115200")
    await transport.open()
    writes: list[tuple[float, bytes]] = []
    real_write = transport.write

    async def stamped_write(data: bytes) -> None:
        writes.append((time.monotonic(), data))  # the moment the link hands the bytes over
        await real_write(data)

    real_write_now = transport.write_now

    def stamped_write_now(data: bytes) -> None:  # the link's direct sends (docs/LINK.md)
        writes.append((time.monotonic(), data))
        real_write_now(data)

    transport.write = stamped_write  # type: ignore[method-assign]
    transport.write_now = stamped_write_now  # type: ignore[method-assign]
    link = Link(transport)
    try:
        profile = await link.connect()
        channel = next(c.id for c in profile.channels if c.kind in ("vibration", "pressure"))
        await link.start_session()
        loop = asyncio.get_running_loop()
        period = 1.0 / rate
        count = int(seconds * rate)
        anchor = loop.time() + 0.1
        deadlines: list[float] = []
        done = loop.create_future()

        def fire(k: int) -> None:
            deadlines.append(anchor + k * period)
            link.submit(ChannelSetpoint(channel, value_for(k), 0))
            if k + 1 < count:
                loop.call_at(anchor + (k + 1) * period, fire, k + 1)
            else:
                loop.call_later(0.1, done.set_result, None)

        loop.call_at(anchor, fire, 0)
        await done
        await link.end_session()
    finally:
        await link.close()
        await transport.close()
    return {"writes": writes, "deadlines": deadlines, "t0": deadlines[0] - 1e-3}


def match(block: dict[str, Any]) -> list[tuple[int, float]]:
    """(k, write time) for every SETPOINT frame the link wrote during the block."""
    decoder = FrameDecoder()
    deadlines: list[float] = block["deadlines"]
    out: list[tuple[int, float]] = []
    for t, data in block["writes"]:
        for item in decoder.feed(data):
            if isinstance(item, Exception) or not isinstance(item.message, Setpoint):
                continue
            value = item.message.entries[0].target / 65535  # pressure/vibration: max 1.0
            residue = round((value - 0.1) * 100) % RESIDUES
            # the newest setpoint with this residue scheduled before the write
            candidates = [k for k in range(len(deadlines))
                          if k % RESIDUES == residue and deadlines[k] <= t]
            if candidates:
                out.append((candidates[-1], t))
    return out


def with_frame_rate(profile: str, rate: float) -> str:
    """A descriptor file: ``profile`` with ``max_frame_rate_hz = rate`` (its path)."""
    if profile.endswith(".toml"):
        text = Path(profile).read_text(encoding="utf-8")
    else:
        text = resources.files("massage_ctl.devices").joinpath(f"profiles/{profile}.toml")\
            .read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^max_frame_rate_hz\s*=.*$", f"max_frame_rate_hz = {rate:g}", text)
    if n != 1:
        raise SystemExit(f"{profile}: no max_frame_rate_hz line to change")
    out = Path(tempfile.mkdtemp(prefix="bench-jitter-")) / f"{Path(profile).stem}-{rate:g}.toml"
    out.write_text(text, encoding="utf-8")
    return str(out)


def figures(label: str, ms: list[float]) -> str:
    """One line: p50 / p99 / max lateness in ms."""
    return (f"  {label:<6} p50 {statistics.median(ms):6.3f}  p99 {pct(ms, 0.99):6.3f}  "
            f"max {max(ms):7.3f} ms  (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per side, in total")
    parser.add_argument("--rate", type=float, default=50.0, help="setpoints per second")
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--profile", default="chair")
    parser.add_argument("--frame-rate", type=float, default=100.0,
                        help="the device's frame budget (frames/s); 0 = the profile's own")
    args = parser.parse_args()
    per_block = args.seconds / args.blocks
    device_arg = args.profile
    if args.frame_rate:
        device_arg = with_frame_rate(args.profile, args.frame_rate)
    child = DeviceProcess(os.path.join(os.path.dirname(__file__), "bench_stop_latency.py"),
                          device_arg, 0)
    bare: list[float] = []
    blocks: list[dict[str, Any]] = []
    try:
        for _ in range(args.blocks):
            bare += asyncio.run(bare_block(per_block, args.rate))
            blocks.append(asyncio.run(link_block(child.path, per_block, args.rate)))
    finally:
        device = child.finish()
    write_late: list[float] = []
    peer_late: list[float] = []
    scheduled = sent = 0
    peer_frames = sorted(device["setpoints"])
    for block in blocks:
        deadlines = block["deadlines"]
        scheduled += len(deadlines)
        matched = match(block)
        sent += len(matched)
        write_late += [(t - deadlines[k]) * 1000 for k, t in matched]
        # the peer reads the same SETPOINT frames in the same order
        peer = [p for p in peer_frames if block["t0"] <= p[0] <= block["writes"][-1][0] + 1.0]
        for (k, _), (arrived, _target) in zip(matched, peer, strict=False):
            peer_late.append((arrived - deadlines[k]) * 1000)
    budget = f" at {args.frame_rate:g} frames/s" if args.frame_rate else ""
    print(f"setpoint dispatch lateness at {args.rate:g} setpoints/s, sim {args.profile}{budget} "
          f"over a pty, {args.seconds:g} s each side in {args.blocks} alternating blocks")
    print(figures("bare", bare) + "   <- asyncio.sleep loop, same deadlines")
    print(figures("write", write_late) + "   <- link hands the frame to the transport")
    print(figures("peer", peer_late) + "   <- device end of the pty reads it")
    ratio = pct(write_late, 0.99) / pct(bare, 0.99)
    print(f"  ratio write p99 / bare p99 = {ratio:.2f}   <- CONTRACTS §7: p99 ≤ 2 ms and ≤ 1.5×")
    print(f"  {scheduled - sent} of {scheduled} setpoints coalesced (replaced before sent)")


if __name__ == "__main__":
    main()
