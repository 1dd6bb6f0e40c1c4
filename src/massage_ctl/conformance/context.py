"""What every check shares: the probe, the device's own description, and the usual moves.

The moves (handshake, bring the device to IDLE, start a session, drive one channel at the test
level, wait for a state) raise :class:`CheckFailed` with what was expected and what came, so a
check reads as the spec's sentence and fails with the device's actual answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from massage_ctl.conformance.model import CREEP_PER_S, TEST_LEVEL, CheckFailed, NotApplicable
from massage_ctl.conformance.probe import Probe, Received
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    Ack,
    AckResult,
    ChannelInfo,
    ChannelKindCode,
    Clear,
    DeviceInfo,
    DeviceState,
    Hello,
    Message,
    PatternCode,
    SessionEnd,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
)

#: How long the suite waits for an answer that the spec wants at once (an ACK, the STATUS after
#: a state change). Generous on purpose: a slow UART or an emulated board is not a failure.
ANSWER_S = 1.0
#: HELLOs sent before the handshake is judged failed (the controller retries 5 times).
HELLO_TRIES = 3
#: Channel kinds the suite may drive (never heat, never a roller carriage's position).
DRIVABLE = (ChannelKindCode.VIBRATION, ChannelKindCode.PRESSURE, ChannelKindCode.ROLLER)


def seq_at_or_after(a: int, b: int) -> bool:
    """``a`` is ``b`` or newer in 16-bit serial-number arithmetic (RFC 1982)."""
    return a == b or 0 < ((a - b) & 0xFFFF) < 0x8000


@dataclass
class Context:
    """The state one run of the suite shares between checks."""

    probe: Probe
    watchdog_ms: int
    info: DeviceInfo | None = None
    channels: list[ChannelInfo] = field(default_factory=list)

    # -------------------------------------------------------------------- the device
    def drivable(self) -> list[ChannelInfo]:
        """Channels the suite may drive at the test level, slowest ramp first."""
        usable = [c for c in self.channels if c.kind in DRIVABLE and c.range_max_milli > 0]
        return sorted(usable, key=lambda c: c.max_ramp_milli_per_s / c.range_max_milli)

    def test_channel(self) -> ChannelInfo:
        """The channel most checks drive (N/A when the device has none the suite may drive)."""
        usable = self.drivable()
        if not usable:
            raise NotApplicable("the device has no vibration, pressure or roller channel")
        return usable[0]

    def moving(self, status: Status) -> list[tuple[int, int]]:
        """(channel index, raw value) of every non-position output above zero."""
        return [
            (i, v)
            for i, v in enumerate(status.values)
            if v > 0
            and (i >= len(self.channels) or self.channels[i].kind != ChannelKindCode.POSITION)
        ]

    # ------------------------------------------------------------------------- moves
    async def command(
        self, message: Message, expect: tuple[AckResult, ...] | None, what: str
    ) -> tuple[int, Ack | None]:
        """Send an acknowledged frame; with ``expect``, fail unless its ACK has one of them."""
        start = self.probe.mark()
        seq = await self.probe.send(message)
        ack = await self.probe.wait_ack(seq, message.TYPE, ANSWER_S, start=start)
        t = self.probe.now()
        self.probe.recorder.saw(t, f"{what}: " + ("no ACK" if ack is None else _ack_text(ack)))
        if expect is not None:
            if ack is None:
                raise CheckFailed(f"{what}: no ACK within {ANSWER_S} s (expected {_names(expect)})")
            if ack.result not in expect:
                raise CheckFailed(f"{what}: ACK {ack.result.name}, expected {_names(expect)}")
        return seq, ack

    async def handshake(self) -> list[Received]:
        """HELLO; the frames answering it, its ACK last (CheckFailed unless ACK OK)."""
        probe = self.probe
        ack = None
        for attempt in range(1, HELLO_TRIES + 1):
            # A HELLO that got no answer is sent again, as the controller does (PROTOCOL.md
            # §7.3): a device may miss the first bytes after a port opens (QEMU's emulated UART
            # notices a newly opened pty only about once a second). Every HELLO is answered in
            # full, so the last answer is the one judged.
            start = probe.mark()
            seq = await probe.send(probe.hello())
            await probe.heartbeats(True)  # PROTOCOL.md §5.7: heartbeats from HELLO on
            ack = await probe.wait_ack(seq, Hello.TYPE, ANSWER_S * 3, start=start)
            if ack is not None:
                break
            probe.recorder.saw(probe.now(), f"HELLO seq={seq}: no ACK (try {attempt})")
        if ack is None:
            raise CheckFailed(
                f"no ACK for any of {HELLO_TRIES} HELLOs, each given {ANSWER_S * 3} s"
            )
        probe.recorder.saw(probe.now(), f"HELLO: {_ack_text(ack)}")
        if ack.result != AckResult.OK:
            raise CheckFailed(f"HELLO answered {ack.result.name}, expected OK")
        answer = [r for r in probe.since(start) if not isinstance(r.frame.message, Status | Ack)]
        infos = [r.frame.message for r in answer if isinstance(r.frame.message, DeviceInfo)]
        if infos:
            self.info = infos[-1]
            count = self.info.channel_count
            chans = [r.frame.message for r in answer if isinstance(r.frame.message, ChannelInfo)]
            self.channels = sorted(chans[-count:], key=lambda c: c.index) if count else []
        return [r for r in probe.since(start) if not isinstance(r.frame.message, Status)]

    async def wait_state(self, state: DeviceState, start: int, what: str) -> Status:
        """The first STATUS after ``start`` reporting ``state`` (CheckFailed after ANSWER_S)."""
        got = await self.probe.wait_for(
            lambda r: isinstance(r.frame.message, Status) and r.frame.message.state == state,
            ANSWER_S,
            start=start,
        )
        if got is None:
            last = self.probe.statuses(start)
            was = last[-1][1].state.name if last else "no STATUS at all"
            raise CheckFailed(f"{what}: no STATUS {state.name} within {ANSWER_S} s (last: {was})")
        assert isinstance(got.frame.message, Status)
        self.probe.recorder.saw(got.t, f"STATUS {state.name} {list(got.frame.message.values)}")
        return got.frame.message

    async def to_idle(self) -> None:
        """HELLO then CLEAR: the start of every new session (PROTOCOL.md §6.1), ending in IDLE.

        Judged by the state reached, not by the ACKs (their rules have checks of their own): a
        device that wrongly stays RUNNING after HELLO gets a SESSION_END, so one broken rule
        does not fail every later check.
        """
        await self.handshake()
        start = self.probe.mark()
        seq, _ = await self.command(Clear(), None, "CLEAR after HELLO")
        status = await self.status_after(seq, start)
        if status.state == DeviceState.RUNNING:
            start = self.probe.mark()
            seq, _ = await self.command(SessionEnd(), None, "SESSION_END (RUNNING after HELLO)")
            status = await self.status_after(seq, start)
        if status.state != DeviceState.IDLE:
            raise CheckFailed(f"after HELLO and CLEAR the device is {status.state.name}, not IDLE")

    async def status_after(self, seq: int, start: int) -> Status:
        """The first STATUS after ``start`` showing our frame ``seq`` processed (``last_seq``
        at or past it).

        A STATUS already on its way when the frame left (BLE notifications, a UART's buffer)
        still shows the state before it; only ``last_seq`` tells them apart.
        """
        got = await self.probe.wait_for(
            lambda r: (
                isinstance(r.frame.message, Status)
                and seq_at_or_after(r.frame.message.last_seq, seq)
            ),
            ANSWER_S,
            start=start,
        )
        if got is None or not isinstance(got.frame.message, Status):
            raise CheckFailed(f"no STATUS with last_seq at or past {seq} within {ANSWER_S} s")
        return got.frame.message

    async def states_over(self, seconds: float) -> set[DeviceState]:
        """The states STATUS reports during the next ``seconds`` (heartbeats going on), counting
        only reports made after every frame sent so far was processed."""
        seq, start = self.probe.seq, self.probe.mark()
        await asyncio.sleep(seconds)
        states = {
            s.state for _, s in self.probe.statuses(start) if seq_at_or_after(s.last_seq, seq)
        }
        names = sorted(s.name for s in states)
        self.probe.recorder.saw(self.probe.now(), f"STATUS states over {seconds} s: {names}")
        if not states:
            raise CheckFailed(f"no up-to-date STATUS for {seconds} s")
        return states

    async def start_session(self, watchdog_ms: int | None = None) -> Ack:
        """HELLO → CLEAR → SESSION_START, then STATUS RUNNING (CheckFailed otherwise)."""
        await self.to_idle()
        start = self.probe.mark()
        _, ack = await self.command(
            SessionStart(watchdog_ms or self.watchdog_ms),
            (AckResult.OK, AckResult.CLAMPED),
            "SESSION_START",
        )
        await self.wait_state(DeviceState.RUNNING, start, "after SESSION_START")
        assert ack is not None
        return ack

    async def setpoint(self, channel: ChannelInfo, fraction: float, ramp_ms: int = 0) -> int:
        """One SETPOINT entry; refuses (a bug in the suite) anything above the test level."""
        creep = fraction * 1000.0 / ramp_ms if ramp_ms else float("inf")
        if channel.kind not in DRIVABLE or (fraction > TEST_LEVEL and creep > CREEP_PER_S):
            raise RuntimeError(f"the suite may not drive channel {channel.index} to {fraction}")
        target = round(min(fraction, 1.0) * RAW_FULL_SCALE)
        entry = SetpointEntry(channel.index, target, ramp_ms, PatternCode.STEADY, 0)
        return await self.probe.send(Setpoint((entry,)))

    async def drive(self, channel: ChannelInfo) -> Status:
        """Drive ``channel`` to the test level and wait until STATUS shows it moving."""
        start = self.probe.mark()
        await self.setpoint(channel, TEST_LEVEL)
        ramp_s = TEST_LEVEL * channel.range_max_milli / max(channel.max_ramp_milli_per_s, 1)
        got = await self.probe.wait_for(
            lambda r: (
                isinstance(r.frame.message, Status)
                and channel.index < len(r.frame.message.values)
                and r.frame.message.values[channel.index] > 0
            ),
            ANSWER_S + ramp_s,
            start=start,
        )
        if got is None or not isinstance(got.frame.message, Status):
            raise CheckFailed(
                f"channel {channel.index} never rose after a SETPOINT to {TEST_LEVEL}"
            )
        self.probe.recorder.saw(got.t, f"STATUS RUNNING {list(got.frame.message.values)}")
        return got.frame.message


def _names(results: tuple[AckResult, ...]) -> str:
    return " or ".join(r.name for r in results)


def _ack_text(ack: Ack) -> str:
    return f"ACK {ack.result.name} detail={ack.detail}"
