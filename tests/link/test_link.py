"""Link behaviour against a scripted protocol-speaking device, on the virtual clock."""

from __future__ import annotations

import asyncio
import gc
import itertools
from typing import Any

import pytest

from massage_ctl.errors import DisconnectedError, LinkError
from massage_ctl.link import ChannelSetpoint, Link
from massage_ctl.protocol.messages import Heartbeat, SessionStart, Setpoint, Stop


async def connected(device: Any) -> Link:
    await device.open()
    link = Link(device)
    await link.connect()
    return link


def test_handshake_rebuilds_the_device_profile(harness: Any, device_cls: Any) -> None:
    async def go() -> Any:
        link = await connected(device_cls(harness.profiles["chair"]))
        await link.close()
        return link.profile

    profile = harness.run(go)
    assert [c.id for c in profile.channels] == [c.id for c in harness.profiles["chair"].channels]
    assert profile.max_frame_rate_hz == 50


def test_handshake_asks_again_when_part_of_the_channel_table_is_lost(
    harness: Any, device_cls: Any, script_cls: Any
) -> None:
    async def go() -> tuple[Any, int]:
        device = device_cls(harness.profiles["chair"], script_cls(drop_channel_infos=1))
        link = await connected(device)
        hellos = sum(1 for r in device.received if type(r.msg).__name__ == "Hello")
        await link.close()
        return link.profile, hellos

    profile, hellos = harness.run(go)
    assert [c.id for c in profile.channels] == [c.id for c in harness.profiles["chair"].channels]
    assert hellos >= 2  # the first answer lacked a channel: the link asked again


def test_schema_mismatch_names_both_hashes(harness: Any, device_cls: Any, script_cls: Any) -> None:
    async def go() -> None:
        device = device_cls(harness.profiles["pad"], script_cls(schema_hash=0xDEADBEEF))
        await connected(device)

    with pytest.raises(LinkError, match="deadbeef") as info:
        harness.run(go)
    assert "massage_ctl uses" in str(info.value) and info.value.hint


def test_silent_device_is_a_clear_link_error(
    harness: Any, device_cls: Any, script_cls: Any
) -> None:
    async def go() -> None:
        await connected(device_cls(harness.profiles["pad"], script_cls(silent=True)))

    with pytest.raises(LinkError, match="no answer to the handshake"):
        harness.run(go)


def test_lost_acks_are_retried_with_the_same_sequence_number(
    harness: Any, device_cls: Any, script_cls: Any
) -> None:
    async def go() -> list[int]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device.script.drop_acks = 2
        assert await link.start_session(clear=False) == 500
        await link.close()
        return [r.seq for r in device.received if isinstance(r.msg, SessionStart)]

    seqs = harness.run(go)
    assert len(seqs) == 3 and len(set(seqs)) == 1


def test_every_start_is_clear_then_session_start_even_before_any_status(
    harness: Any, device_cls: Any
) -> None:
    """Issue 11: right after the handshake no STATUS has arrived; the start must not depend on
    one to free the last session's latch (PROTOCOL.md §6.1)."""

    async def go() -> list[str]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        assert link.status is None
        await link.start_session()
        await link.close()
        return [r.msg.NAME for r in device.received if r.msg.NAME != "HEARTBEAT"]

    assert harness.run(go) == ["HELLO", "CLEAR", "SESSION_START"]


def test_gives_up_after_the_retries(harness: Any, device_cls: Any) -> None:
    async def go() -> None:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device.script.drop_acks = 100
        await link.start_session(clear=False)

    with pytest.raises(LinkError, match="no acknowledgement for SESSION_START after 4 tries"):
        harness.run(go)


def test_heartbeats_every_100_ms_and_frame_budget_kept(harness: Any, device_cls: Any) -> None:
    async def go() -> tuple[list[float], list[float], int]:
        device = device_cls(harness.profiles["pad"])  # 20 frames/s
        link = await connected(device)
        await link.start_session()
        t0 = asyncio.get_running_loop().time()
        for i in range(200):  # flood: 200 setpoints/s per channel for 1 s
            for ch in ("vib.hips", "vib.mid-back"):
                link.submit(ChannelSetpoint(ch, (i % 10) / 10, 100))
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.5)
        await link.close()
        rx = [r for r in device.received if r.t >= t0]
        hb = [r.t for r in rx if isinstance(r.msg, Heartbeat)]
        return hb, [r.t for r in rx], link.coalesced

    hb, times, coalesced = harness.run(go)
    gaps = [b - a for a, b in itertools.pairwise(hb)]
    assert max(gaps) <= 0.1 + 0.05 + 1e-5  # may slip by one frame interval (pad: 50 ms)
    # Never more than 20 frames in any 1-second window.
    assert max(sum(1 for t in times if s <= t < s + 1.0) for s in times) <= 20
    assert coalesced > 300, (coalesced, len(times))  # stale setpoints replaced, not queued


def test_newest_setpoint_wins_one_channel_per_short_frame(harness: Any, device_cls: Any) -> None:
    async def go() -> tuple[list[Any], list[int]]:
        device = device_cls(harness.profiles["chair"])
        link = await connected(device)
        await link.start_session()
        await asyncio.sleep(0.2)
        writes_before = len(device.writes)
        for ch in ("air.shoulders.left", "air.shoulders.right", "air.lower-back.left",
                   "air.lower-back.right", "air.hips.left"):
            link.submit(ChannelSetpoint(ch, 0.1, 1000))  # spends the burst: the rest must wait
        for v in (0.1, 0.2, 0.3):
            link.submit(ChannelSetpoint("air.neck", v, 1000))
        link.submit(ChannelSetpoint("air.feet", 0.4, 1000))
        await asyncio.sleep(0.3)
        await link.close()
        setpoints = [r.msg for r in device.received if isinstance(r.msg, Setpoint)]
        return setpoints, device.writes[writes_before:]

    frames, writes = harness.run(go)
    # While the budget is spent only the newest neck value waits; it leaves first (its slot
    # was filled first), then the feet.
    assert [len(f.entries) for f in frames] == [1] * 7
    neck, feet = frames[5].entries[0], frames[6].entries[0]
    assert neck.target == round(0.3 * 0xFFFF) and feet.target == round(0.4 * 0xFFFF)
    assert max(writes) <= 20  # PROTOCOL.md: setpoint and heartbeat frames are ≤ 20 bytes


def test_ble_sized_writes_carry_one_entry_per_frame(harness: Any, device_cls: Any) -> None:
    async def go() -> tuple[list[Any], list[int]]:
        device = device_cls(harness.profiles["pad"], max_write=20)
        link = await connected(device)
        await link.start_session()
        for ch in ("vib.hips", "vib.mid-back", "vib.upper-back"):
            link.submit(ChannelSetpoint(ch, 0.3, 1000))
        await asyncio.sleep(0.5)
        await link.close()
        return [r.msg for r in device.received if isinstance(r.msg, Setpoint)], device.writes

    frames, writes = harness.run(go)
    assert len(frames) == 3 and all(len(f.entries) == 1 for f in frames)
    assert max(writes) <= 20


def test_stop_jumps_the_queue_three_times_then_heartbeat_flag(
    harness: Any, device_cls: Any
) -> None:
    async def go() -> tuple[bool, list[Any], list[Any], list[Any]]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        for ch in ("vib.hips", "vib.mid-back"):
            link.submit(ChannelSetpoint(ch, 0.5, 100))
        device.script.silent = True  # the device takes the STOPs but does not report (yet)
        t = asyncio.get_running_loop().time()
        ok_task = asyncio.ensure_future(link.stop())
        await asyncio.sleep(0.35)
        device.script.silent = False
        device.state = type(device.state).STOPPED
        device.status()
        ok = await ok_task
        await asyncio.sleep(0.3)
        await link.close()
        first_stop = next(i for i, r in enumerate(device.received) if isinstance(r.msg, Stop))
        rx = device.received[first_stop:]
        before = [r.msg for r in rx if r.t < t + 0.35]
        later = [r.msg for r in rx if r.t >= t + 0.36]
        return ok, [r.msg for r in rx], before, later

    ok, after, before, later = harness.run(go)
    assert ok
    assert all(isinstance(m, Stop) for m in after[:3])
    assert not any(isinstance(m, Setpoint) for m in after)  # dropped, never sent after STOP
    flagged = [m for m in before if isinstance(m, Heartbeat)]
    assert len(flagged) >= 2 and all(m.stop_requested for m in flagged)
    assert [m for m in later if isinstance(m, Heartbeat)]
    assert all(not m.stop_requested for m in later if isinstance(m, Heartbeat))


def test_stop_is_safe_before_connect_and_repeatedly(harness: Any, device_cls: Any) -> None:
    async def go() -> list[bool]:
        device = device_cls(harness.profiles["pad"])
        link = Link(device)
        first = await link.stop()  # transport not even open
        await device.open()
        await link.connect()
        results = [first, await link.stop(), await link.stop()]
        await link.close()
        return results

    assert harness.run(go) == [False, True, True]


def test_setpoints_are_ignored_after_stop_until_a_new_start(harness: Any, device_cls: Any) -> None:
    async def go() -> int:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        await link.stop()
        link.submit(ChannelSetpoint("vib.hips", 0.5, 100))
        await asyncio.sleep(0.5)
        await link.close()
        return sum(isinstance(r.msg, Setpoint) for r in device.received)

    assert harness.run(go) == 0


def test_bad_frames_are_counted_and_skipped(harness: Any, device_cls: Any) -> None:
    async def go() -> tuple[int, str | None]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device._out.put_nowait(b"\x05garbage\x00\xff\xfe\x00")
        await asyncio.sleep(0.3)
        await link.close()
        return link.bad_frames, link.status.state if link.status else None

    bad, state = harness.run(go)
    assert bad == 2 and state == "idle"  # later STATUS frames still understood


def test_disconnect_is_surfaced(harness: Any, device_cls: Any) -> None:
    async def go() -> Any:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        device.hang_up()
        err = await link.wait_failed()
        await link.close()
        return err

    assert isinstance(harness.run(go), DisconnectedError)


def test_a_silent_device_leaves_no_task_or_unread_error_behind(
    harness: Any, device_cls: Any, script_cls: Any
) -> None:
    """The user sees the one-line error, not "Task was destroyed but it is pending!" after it."""

    async def go() -> tuple[list[str], list[str]]:
        loop = asyncio.get_running_loop()
        reports: list[str] = []
        loop.set_exception_handler(lambda _loop, ctx: reports.append(str(ctx.get("message"))))
        device = device_cls(harness.profiles["pad"], script_cls(silent=True))
        with pytest.raises(LinkError, match="no answer to the handshake"):
            await connected(device)
        await asyncio.sleep(1.0)  # a late HELLO retry would end by now
        left = [t.get_coro().__qualname__ for t in asyncio.all_tasks()
                if t is not asyncio.current_task() and not t.done()]
        await device.close()
        gc.collect()  # unretrieved task exceptions are reported when the task is collected
        await asyncio.sleep(0)
        return [name for name in left if "Scripted" not in name], reports

    left, reports = harness.run(go)
    assert left == [] and reports == []


def test_a_device_that_falls_silent_is_a_lost_link(
    harness: Any, device_cls: Any, script_cls: Any
) -> None:
    """No frame from the device for ``silence_s``: the link fails (the session then stops),
    whether frames leave directly or through the writer task."""

    async def go() -> tuple[float, Any]:
        device = device_cls(harness.profiles["pad"])
        link = await connected(device)
        await link.start_session()
        await asyncio.sleep(0.5)
        loop = asyncio.get_running_loop()
        device.script.silent = True  # stops reporting and answering
        silent_at = loop.time()
        err = await asyncio.wait_for(link.wait_failed(), timeout=5.0)
        took = loop.time() - silent_at
        await link.close()
        return took, err

    took, err = harness.run(go)
    assert isinstance(err, DisconnectedError) and "stopped answering" in str(err)
    assert took <= 1.5 + 0.1 + 0.11  # silence_s + one status period + one heartbeat look
