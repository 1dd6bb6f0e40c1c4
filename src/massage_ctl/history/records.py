"""What the history stores: session outcomes, session records, pain entries, program hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Any, Literal

from massage_ctl.timeline import Timeline


class Outcome(StrEnum):
    """How a session ended. The strings are stored in the database and exported as they are.

    ``STOPPED`` and ``STOP`` differ on purpose: ``stopped`` is an ordinary early end chosen by
    the user (quit, "end session"), ``stop`` is the STOP key / emergency stop — something
    felt wrong, which a healthcare provider may want to know about.
    """

    COMPLETED = "completed"  # the program ran to its end
    STOPPED = "stopped"  # ended early by the user, normally
    STOP = "stop"  # the STOP key / emergency stop
    FAULT = "fault"  # the device reported a fault (over-temperature, stuck channel, ...)
    DISCONNECT = "disconnect"  # the link to the device was lost
    INTERRUPTED = "interrupted"  # the controller died (crash, kill, power loss) mid-session


#: Stored in ``outcome`` while a session is in progress (never a final outcome).
RUNNING = "running"

PainWhen = Literal["before", "after", "day"]
PAIN_WHEN: tuple[PainWhen, ...] = ("before", "after", "day")


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One row of the session history. Times are ISO 8601 local time with UTC offset.

    ``outcome`` is an :class:`Outcome` value, or ``"running"`` while the session is live.
    ``pain_before`` / ``pain_after`` are the ratings linked to this session, if any.
    """

    id: int
    started_at: str
    ended_at: str | None
    program_id: str
    timeline_hash: str
    device: str
    safety: str
    intensity: float
    planned_ms: int
    actual_ms: int | None
    outcome: str
    pid: int | None
    note: str | None
    pain_before: int | None = None
    pain_after: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the JSON/CSV export row)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PainEntry:
    """One pain rating (0 = no pain, 10 = worst imaginable) with an optional short note."""

    id: int
    recorded_at: str
    rating: int
    note: str | None
    session_id: int | None
    when: str  # "before", "after" or "day"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the JSON/CSV export row)."""
        return asdict(self)


def timeline_hash(timeline: Timeline) -> str:
    """sha256 (hex) of the canonical JSON of ``timeline.to_json_dict()``.

    Canonical = sorted keys, no whitespace, UTF-8: the same compiled program always hashes
    the same, so the history can tell whether two sessions really ran the same thing.
    """
    text = json.dumps(
        timeline.to_json_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def device_label(device: str) -> str:
    """A short name for a session's recorded device, for tables 80 columns wide.

    Sessions record the device URL (``sim://chair?speed=60``, ``serial:///dev/ttyUSB0?baud=
    115200``); older rows hold a profile id (``chair``). The label drops the options and the
    path: ``chair (sim)``, ``ttyUSB0``, ``pts/19`` (a pseudo-terminal), ``my-pad (sim)`` for a
    descriptor file, ``host:port``.
    Exports keep the full URL.
    """
    from massage_ctl.errors import DeviceURLError
    from massage_ctl.transports.url import parse_device_url

    try:
        url = parse_device_url(device)
    except DeviceURLError:
        return device  # an older row's profile id, or anything else: as it was recorded
    if url.scheme == "sim":
        return f"{PurePath(url.target).stem} (sim)"
    if url.scheme == "serial":
        path = PurePath(url.target)
        # /dev/pts/19 is a pseudo-terminal (the simulator on a pty): "19" alone says nothing.
        if path.parent.name == "pts":
            return f"pts/{path.name}"
        return path.name or url.target
    return url.target
