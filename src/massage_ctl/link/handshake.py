"""The handshake: collect DEVICE_INFO + CHANNEL_INFO × n after HELLO and rebuild the profile.

:class:`Handshake` is fed by the link's reader; :func:`await_handshake` waits (bounded) until
the device has described itself, the HELLO request gave up, or the link died, and turns each
of those into the right answer or one clear :class:`~massage_ctl.errors.LinkError`.
:func:`negotiate_version` offers protocol version 2 first and serves a version-1 device in
version 1 (PROTOCOL.md §9, "Serving older devices").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import LinkError, MassageCtlError
from massage_ctl.link.requests import NoAnswerError, VersionMismatchError
from massage_ctl.protocol.handshake import check_device_info, device_profile_from_handshake
from massage_ctl.protocol.messages import Ack, ChannelInfo, DeviceInfo
from massage_ctl.protocol.schema import (
    PROTOCOL_V1,
    PROTOCOL_VERSION,
    SCHEMA_HASHES,
    SUPPORTED_VERSIONS,
)

#: How long the newest version is offered (HELLO and its retries) before a silent device is
#: taken for a version-1 one, which drops foreign frames unanswered (PROTOCOL.md §9).
NEWEST_VERSION_WAIT_S = 1.5

#: What the user is told, once, about a device that speaks protocol version 1.
V1_LIMITS_NOTE = (
    "this device enforces only its own hard limits; the session's limits are enforced by "
    "massage_ctl alone (it speaks protocol version 1)"
)


class VersionRefusedError(LinkError):
    """The device answered HELLO with VERSION_MISMATCH; ``info`` is its DEVICE_INFO if sent."""

    def __init__(self, message: str, *, hint: str, info: DeviceInfo | None) -> None:
        super().__init__(message, hint=hint)
        self.info = info


class Handshake:
    """The device's self-description as it arrives (one DEVICE_INFO, n CHANNEL_INFO), for a
    HELLO of protocol ``version``."""

    def __init__(self, version: int = PROTOCOL_VERSION) -> None:
        self.version = version
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

    def check_versions(self) -> None:
        """LinkError naming both sides when DEVICE_INFO shows another version or schema."""
        if self.info is not None:
            check_device_info(self.info, self.version)

    def profile(self) -> DeviceProfile:
        """The device profile (checks protocol version and schema hash: LinkError if not ours)."""
        assert self.info is not None
        channels = [self.channels[i] for i in sorted(self.channels)]
        return device_profile_from_handshake(self.info, channels, self.version)


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
    no_answer = NoAnswerError(
        f"{description}: no answer to the handshake within {timeout_s:g} s",
        hint="check that the device is on, the port/URL is right and the baud rate matches",
    )
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout_s):
            while not hs.done:
                if hello.done():
                    err = hello.exception()
                    if isinstance(err, VersionMismatchError):
                        raise _mismatch(hs, description)
                    if hs.info is None:
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
            # The description is complete; it is only valid with the HELLO's own ACK = OK
            # (PROTOCOL.md §5.1): a device that describes itself but refuses or never
            # acknowledges the HELLO would refuse the session too, or is not listening.
            hs.check_versions()
            await _wait_any(loop, failed, hello)
            err = failure()
            if err is not None:
                raise err
            err = hello.exception()
            if isinstance(err, VersionMismatchError):
                raise _mismatch(hs, description)
            if err is not None:
                raise LinkError(
                    f"{description}: device {hs.info.name if hs.info else '?'!r} sent its "
                    f"channel table but never acknowledged the handshake ({err})",
                    hint="the device is not ready for a session: switch it off and on, "
                    "then try again",
                ) from err
    except TimeoutError:
        if hs.done:
            raise LinkError(
                f"{description}: device {hs.info.name if hs.info else '?'!r} sent its channel "
                f"table but never acknowledged the handshake within {timeout_s:g} s",
                hint="the device is not ready for a session: switch it off and on, then try "
                "again",
            ) from None
        raise no_answer from None
    finally:
        if not hello.done():
            hello.cancel()
        elif not hello.cancelled():
            hello.exception()  # seen (it ended as we gave up): no "never retrieved" noise
    return hs.profile()


def _mismatch(hs: Handshake, description: str) -> VersionRefusedError:
    """The device answered HELLO with VERSION_MISMATCH: name the device and both sides."""
    info = hs.info
    ours = f"protocol version {hs.version} / schema {SCHEMA_HASHES[hs.version]:08x}"
    if info is None:
        return VersionRefusedError(
            f"{description}: the device refused massage_ctl's {ours} and did not say its own",
            hint="update the firmware or massage_ctl so both use the same protocol",
            info=None,
        )
    return VersionRefusedError(
        f"{description}: device {info.name!r} speaks protocol version {info.protocol_version} "
        f"with schema {info.schema_hash:08x}; massage_ctl offered {ours} (it speaks "
        f"{' and '.join(map(str, SUPPORTED_VERSIONS))}), and the device refused the handshake",
        hint="update the firmware or massage_ctl so both are built from the same "
        "messages.toml",
        info=info,
    )


async def negotiate_version(
    attempt: Callable[[int, float], Awaitable[DeviceProfile]],
    *,
    timeout_s: float,
    newest_wait_s: float = NEWEST_VERSION_WAIT_S,
) -> tuple[int, DeviceProfile]:
    """Find the protocol version the device speaks and hand back ``(version, profile)``.

    ``attempt(version, seconds)`` runs one handshake with HELLOs of ``version`` (a fresh
    :class:`Handshake`; :func:`await_handshake` inside). The newest version is offered first.
    A device that answers DEVICE_INFO of an older supported version with VERSION_MISMATCH,
    or that stays silent for ``newest_wait_s`` (a version-1 device drops foreign frames), is
    then greeted in version 1; a device that answers *that* with DEVICE_INFO of a newer
    supported version (it was only slow) is greeted in its own version again. At most three
    attempts, all within ``timeout_s``; the last error is raised unchanged.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    version = PROTOCOL_VERSION
    for tries_left in (2, 1, 0):
        remaining = deadline - loop.time()
        wait = min(remaining, newest_wait_s) if version == PROTOCOL_VERSION and tries_left else (
            remaining
        )
        try:
            return version, await attempt(version, max(wait, 0.05))
        except NoAnswerError:
            if version == PROTOCOL_V1 or not tries_left or deadline - loop.time() <= 0.05:
                raise
            version = PROTOCOL_V1
        except VersionRefusedError as err:
            theirs = err.info.protocol_version if err.info is not None else None
            if theirs not in SUPPORTED_VERSIONS or theirs == version or not tries_left:
                raise
            assert theirs is not None
            version = theirs
    raise AssertionError("unreachable: the last attempt returns or raises")


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
