"""Runs the suite against one device URL and always leaves the device stopped.

Order matters only for speed: checks are independent (each starts from HELLO → CLEAR), so one
failure never hides the next. Whatever happens — a failed check, a lost link, Ctrl-C, SIGTERM
— the run ends with STOP ×3 (PROTOCOL.md §7.2): the device is left STOPPED, outputs zero.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence

from massage_ctl.clock import new_event_loop
from massage_ctl.conformance import (
    checks_framing,
    checks_handshake,
    checks_session,
    checks_stop,
    checks_versions,
    checks_watchdog,
)
from massage_ctl.conformance.context import ANSWER_S, Context
from massage_ctl.conformance.model import (
    CheckFailed,
    CheckResult,
    CheckSpec,
    NotApplicable,
    Recorder,
    Report,
    Verdict,
)
from massage_ctl.conformance.probe import Probe
from massage_ctl.errors import DisconnectedError, MassageCtlError, TransportError
from massage_ctl.link.handshake import V1_LIMITS_NOTE
from massage_ctl.protocol import (
    PROTOCOL_V1,
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    DeviceInfo,
    Hello,
    VersionError,
)
from massage_ctl.transports import open_transport
from massage_ctl.transports.base import Transport
from massage_ctl.transports.url import as_device_url

#: Every check, in the order run.
ALL_CHECKS: tuple[CheckSpec, ...] = (
    *checks_handshake.CHECKS,
    *checks_framing.CHECKS,
    *checks_session.CHECKS,
    *checks_stop.CHECKS,
    *checks_watchdog.CHECKS,
    *checks_versions.CHECKS,
)
#: HELLO rounds to find the device's protocol version (two in the newest, then version 1).
VERSION_TRIES = 4
VERSION_POLL_S = 0.05
#: A check that takes longer than this (device time) has hung: it fails, the run goes on.
CHECK_TIMEOUT_S = 20.0


def select_checks(sections: Sequence[str] = ()) -> list[CheckSpec]:
    """The checks of the given spec sections (``7`` matches 7.1, 7.3…); all when empty."""
    if not sections:
        return list(ALL_CHECKS)
    wanted = [s.lstrip("§") for s in sections]
    return [
        c
        for c in ALL_CHECKS
        if any(c.section == w or c.section.startswith(w + ".") for w in wanted)
    ]


async def run_checks(
    transport: Transport,
    checks: Sequence[CheckSpec],
    url: str,
    *,
    progress: Callable[[CheckResult], None] | None = None,
) -> Report:
    """Open ``transport``, run ``checks``, STOP the device, close. Never raises for a device
    that misbehaves: that is a failed check (or ``report.aborted`` when the link is gone)."""
    report = Report(device_url=url)
    probe = Probe(transport)
    await probe.open()
    ctx = Context(probe, watchdog_ms=transport.watchdog_ms)
    try:
        report.protocol_version = await detect_version(probe)
        if report.protocol_version < 2:
            report.notes.append(V1_LIMITS_NOTE)
        for spec in checks:
            result = await _run_one(ctx, spec)
            report.results.append(result)
            if progress is not None:
                progress(result)
            if probe.closed_reason is not None:
                report.aborted = f"the device closed the link: {probe.closed_reason}"
                break
        if ctx.info is not None:
            report.device = {
                "name": ctx.info.name,
                "profile_id": ctx.info.profile_id,
                "firmware_version": ctx.info.firmware_version,
                "channels": [c.channel_id for c in ctx.channels],
            }
    finally:
        # Every exit path, cancellation (Ctrl-C) included: leave the device stopped.
        with contextlib.suppress(Exception):
            await probe.heartbeats(False)
        await probe.stop_now()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0.05)  # let the STOP leave a serial port before it closes
        await probe.close()
    return report


async def detect_version(probe: Probe) -> int:
    """The protocol version the device speaks, as massage_ctl finds it (PROTOCOL.md §9.1):
    HELLO in the newest version; a device silent to it, or answering DEVICE_INFO of version 1
    with VERSION_MISMATCH, is greeted in version 1; one answering that in version 2 again
    (it was only slow) in version 2. The probe speaks the version found from then on."""
    for attempt in range(VERSION_TRIES):
        start, bad = probe.mark(), len(probe.bad_frames)
        seq = await probe.send(probe.hello())
        deadline = probe.now() + ANSWER_S
        other: list[int] = []
        # Polled: a device of another version fills the stream with frames we cannot read,
        # which must neither count as an answer nor keep the wait from ending.
        while probe.now() < deadline and not other:
            if any(isinstance(r.frame.message, DeviceInfo) for r in probe.since(start)):
                # The whole answer, its ACK last, before the first check's own HELLO.
                await probe.wait_ack(seq, Hello.TYPE, ANSWER_S, start=start)
                return probe.version
            # DEVICE_INFO (or STATUS) of another version we speak: a ``version`` error.
            other = [
                e.version
                for _, e in probe.bad_frames[bad:]
                if isinstance(e, VersionError) and e.version in SUPPORTED_VERSIONS
            ]
            await asyncio.sleep(VERSION_POLL_S)
        if other:
            probe.use_version(other[-1])
        elif attempt >= 1 and probe.version == PROTOCOL_VERSION:
            probe.use_version(PROTOCOL_V1)  # silent twice: version-1 firmware as shipped
    return probe.version


async def _run_one(ctx: Context, spec: CheckSpec) -> CheckResult:
    rec = Recorder(t0=ctx.probe.now())
    ctx.probe.recorder = rec
    verdict, reason = Verdict.PASS, ""
    try:
        await asyncio.wait_for(spec.run(ctx, rec), CHECK_TIMEOUT_S)
    except CheckFailed as err:
        verdict, reason = Verdict.FAIL, str(err)
    except NotApplicable as err:
        verdict, reason = Verdict.NOT_APPLICABLE, str(err)
    except TimeoutError:
        verdict, reason = Verdict.FAIL, f"the check did not finish within {CHECK_TIMEOUT_S:g} s"
    except (DisconnectedError, TransportError) as err:
        verdict, reason = Verdict.FAIL, f"the link was lost: {err}"
    except Exception as err:  # a bug in the suite: reported as such, the run (and STOP) go on
        verdict, reason = Verdict.FAIL, f"the suite itself failed ({err!r}); please report this"
    return CheckResult(
        spec.id, spec.section, spec.spec, verdict, reason, tuple(rec.sent), tuple(rec.seen)
    )


def run_conformance(
    url: str,
    sections: Sequence[str] = (),
    *,
    progress: Callable[[CheckResult], None] | None = None,
    transport: Transport | None = None,
) -> Report:
    """Run the suite against ``url`` on the right clock; returns the report.

    ``sim://`` runs on a virtual clock unless the URL asks for a ``speed``; every other device
    in real time. Ctrl-C cancels the run, which still ends with STOP, then re-raises.
    A URL or port the user got wrong raises :class:`MassageCtlError` (one clear message).
    """
    parsed = as_device_url(url)
    virtual = parsed.scheme == "sim" and "speed=" not in url
    loop = new_event_loop(None if virtual else (parsed.speed if parsed.scheme == "sim" else 1.0))
    checks = select_checks(sections)
    if not checks:
        raise MassageCtlError(
            f"no check matches --section {', '.join(sections)}",
            hint="sections are PROTOCOL.md numbers, e.g. 5.8 or 7",
        )
    try:
        used = transport or open_transport(parsed)
        task = loop.create_task(run_checks(used, checks, url, progress=progress))
        try:
            return loop.run_until_complete(task)
        except KeyboardInterrupt:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(task)  # its finally sends STOP
            raise
    finally:
        loop.close()
