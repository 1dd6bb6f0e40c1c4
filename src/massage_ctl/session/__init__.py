"""The use-case layer under both front ends: how a session is set up and run.

``massage-ctl run`` and the terminal UI build the same :class:`SessionOptions` and play it
through the same :class:`LiveSession` (history record, pain ratings, runner). Nothing here
parses arguments or draws; see docs/ARCHITECTURE.md, "Front ends and the session layer".
"""

from massage_ctl.session.live import (
    ConnectionOpener,
    LiveSession,
    RatingRecorder,
    asks_pain_after,
    start_session,
)
from massage_ctl.session.options import SessionOptions

__all__ = [
    "ConnectionOpener",
    "LiveSession",
    "RatingRecorder",
    "SessionOptions",
    "asks_pain_after",
    "start_session",
]
