"""The handshake: collect DEVICE_INFO + CHANNEL_INFO × n after HELLO and rebuild the profile.

:class:`Handshake` is fed by the link's reader; :func:`await_handshake` waits (bounded) until
the device has described itself, the HELLO request gave up, or the link died, and turns each
of those into the right answer or one clear :class:`~massage_ctl.errors.LinkError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import LinkError, MassageCtlError
from massage_ctl.protocol.handshake import device_profile_from_handshake
from massage_ctl.protocol.messages import Ack, ChannelInfo, DeviceInfo


class Handshake:
    """The device's self-description as it arrives (one DEVICE_INFO, n CHANNEL_INFO)."""

    def __init__(self) -> None:
        self.info: DeviceInfo | None = None
        self.channels: dict[int, ChannelInfo] = {}
        self.changed = asyncio.Event()

    def add(self, msg: DeviceInfo | ChannelInfo) -> None:
        """Record one handshake message (a repeated one replaces the earlier copy)."""
        if isinstance(msg, DeviceInfo):
            self.info = msg
        else:
            self.channels[msg.index] = msg
        self.changed.set()

    @property
    def done(self) -> bool:
        """True once DEVICE_INFO and every channel it announced have arrived."""
        return self.info is not None and len(self.channels) >= self.info.channel_count

    def profile(self) -> DeviceProfile:
        """The device profile (checks protocol version and schema hash: LinkError if not ours)."""
        assert self.info is not None
        channels = [self.channels[i] for i in sorted(self.channels)]
        return device_profile_from_handshake(self.info, channels)


async def await_handshake(
    hs: Handshake,
    hello: asyncio.Task[Ack],
    resend_hello: Callable[[], asyncio.Task[Ack]],
    failure: Callable[[], MassageCtlError | None],
    failed: asyncio.Event,
    *,
    timeout_s: float,
    poll_s: float,
    description: str,
) -> DeviceProfile:
    """Wait until ``hs`` is complete; return the device profile.

    ``hello`` is the acknowledged HELLO request (retried inside); when it was acknowledged
    but part of the device's answer was lost, ``resend_hello()`` asks again (the device
    repeats its whole description). ``failure()`` says whether the link died (``failed`` is
    set when it does). A device that never answers is "no answer
    to the handshake within N s" with a hint; other errors propagate unchanged.
    """
    no_answer = LinkError(
        f"{description}: no answer to the handshake within {timeout_s:g} s",
        hint="check that the device is on, the port/URL is right and the baud rate matches",
    )
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout_s):
            while not hs.done:
                if hello.done():
                    if hs.info is None:
                        err = hello.exception()
                        raise (no_answer if err is None or "no acknowledgement" in str(err)
                               else err)
                    # Acknowledged; the channel table is still coming — or part of it was
                    # lost on the way. Wait a little for progress, then ask again.
                    hs.changed.clear()
                    progress = await _wait_any(loop, failed, hs.changed, timeout_s=poll_s)
                    err = failure()
                    if err is not None:
                        raise err
                    if not progress and not hs.done:
                        hello = resend_hello()
                    continue
                hs.changed.clear()
                await _wait_any(loop, failed, hs.changed, hello)
                err = failure()
                if err is not None:
                    raise err
    except TimeoutError:
        raise no_answer from None
    finally:
        if not hello.done():
            hello.cancel()
        elif not hello.cancelled():
            hello.exception()  # seen (it ended as we gave up): no "never retrieved" noise
    return hs.profile()


async def _wait_any(
    loop: asyncio.AbstractEventLoop,
    *events: asyncio.Event | asyncio.Task[Ack],
    timeout_s: float | None = None,
) -> bool:
    """Wait until one event is set / task done (or the timeout); True if something happened."""
    made: list[asyncio.Future[Any]] = [
        loop.create_task(e.wait()) for e in events if isinstance(e, asyncio.Event)
    ]
    tasks: list[asyncio.Future[Any]] = [e for e in events if isinstance(e, asyncio.Task)]
    waiters = {*made, *tasks}
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout_s, return_when="FIRST_COMPLETED")
    finally:
        # Also when the handshake's own timeout cancels us: a helper task left pending is
        # reported as "Task was destroyed but it is pending!" under the user's error message.
        for w in made:  # only our own helper tasks; the HELLO request lives on
            w.cancel()
    return bool(done)
