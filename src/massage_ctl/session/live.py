"""One session as both front ends run it: compiled for the device that answers, recorded in the
history, played on its own thread, with the pain ratings before and after.

:func:`start_session` (or :class:`LiveSession` and :meth:`LiveSession.start`, when the caller
must hold the runner before it starts) is the only place that wires a
:class:`~massage_ctl.player.Session`, its :class:`~massage_ctl.player.SessionRunner` and its
:class:`~massage_ctl.history.recorder.HistoryRecorder`. The CLI (``cli/cmd_run.py``) and the
terminal UI (``tui/controller.py``) only draw, ask and forward keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore
from massage_ctl.history.recorder import HistoryRecorder
from massage_ctl.player import Session, SessionRunner
from massage_ctl.player.events import EventCallback
from massage_ctl.player.session import LinkConnection
from massage_ctl.session.options import SessionOptions
from massage_ctl.timeline import Timeline
from massage_ctl.transports.url import parse_device_url

#: Opens the link for a session (default: ``massage_ctl.player.session.open_link``); tests pass
#: one that keeps the simulated device to inspect it.
ConnectionOpener = Callable[[str], Awaitable[LinkConnection]]


class RatingRecorder(Protocol):
    """The part of :class:`HistoryRecorder` the pain-after question needs."""

    @property
    def recording(self) -> bool:
        """True when the session is (or will be) in the history."""

    @property
    def error(self) -> HistoryError | None:
        """Why the session is not (yet) in the history, if it is not."""

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        """Store the "after" rating of the session."""

    def settle(self, timeout_s: float | None = None) -> None:
        """Wait a bounded time for a busy history, then keep the rest aside."""


def asks_pain_after(recorder: RatingRecorder | None, started: bool) -> bool:
    """Whether to ask "how is your pain now?" after a session.

    Only after a session the device started (a refused start is not a session) and that the
    history keeps (a busy history still keeps it: the rating is written with the session once
    it frees; docs/HISTORY.md). The same rule for the CLI and the UI.
    """
    return recorder is not None and started and recorder.recording


class LiveSession:
    """A session being played: its runner (controls, events, result) and its history record.

    ``preview`` is the timeline the user saw (the UI's preview); it is played as is when the
    device that answers is the one it was compiled for, else the program is compiled again for
    the device that answered. ``on_compiled`` hears every timeline before it plays (the CLI
    prints its warnings then).
    """

    def __init__(
        self,
        options: SessionOptions,
        *,
        store: HistoryStore | None = None,
        pain_before: int | None = None,
        pain_note: str | None = None,
        preview: Timeline | None = None,
        on_compiled: Callable[[Timeline], None] | None = None,
        open_connection: ConnectionOpener | None = None,
    ) -> None:
        self.options = options
        self._preview = preview
        self._on_compiled = on_compiled
        #: None without a history (it could not be opened): the massage still plays.
        self.recorder: HistoryRecorder | None = (
            HistoryRecorder(store, options.device_url, pain_before=pain_before,
                            pain_note=pain_note, minutes=options.minutes,
                            exclude=options.exclude)
            if store is not None else None
        )
        url = options.device_url
        connect = (
            (lambda: asyncio.ensure_future(open_connection(url)))
            if open_connection is not None else None
        )
        session = Session(url, self._build, options.safety, intensity=options.intensity,
                          recorder=self.recorder, connect=connect)
        self.runner = SessionRunner(session, speed=parse_device_url(url).speed)

    def _build(self, profile: DeviceProfile) -> Timeline:
        """Runner thread: the timeline for the device that described itself on connect (it
        normally equals the previewed profile, and then the preview is what plays)."""
        if self._preview is not None and profile == self.options.device:
            timeline = self._preview
        else:
            timeline = self.options.compile(profile)
        if self._on_compiled is not None:
            self._on_compiled(timeline)
        return timeline

    def start(self, *listeners: EventCallback) -> None:
        """Subscribe ``listeners`` (called on the runner thread) and start playing."""
        for listener in listeners:
            self.runner.subscribe(listener)
        self.runner.start()

    @property
    def done(self) -> bool:
        """True once the session has ended (its device stopped and the runner finished)."""
        return self.runner.done

    def asks_pain_after(self, started: bool) -> bool:
        """Whether to ask for the "after" rating (:func:`asks_pain_after`)."""
        return asks_pain_after(self.recorder, started)

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        """Record the "after" rating with this session (nothing without a history)."""
        if self.recorder is not None:
            self.recorder.add_pain_after(rating, note)

    @property
    def unrecorded(self) -> HistoryError | None:
        """Why this session is not (yet) in the history; None when all is well."""
        return self.recorder.error if self.recorder is not None else None


def start_session(
    options: SessionOptions,
    *listeners: EventCallback,
    store: HistoryStore | None = None,
    pain_before: int | None = None,
    preview: Timeline | None = None,
    open_connection: ConnectionOpener | None = None,
) -> LiveSession:
    """Build the session for ``options`` and start it on its own thread."""
    live = LiveSession(options, store=store, pain_before=pain_before, preview=preview,
                       open_connection=open_connection)
    live.start(*listeners)
    return live
