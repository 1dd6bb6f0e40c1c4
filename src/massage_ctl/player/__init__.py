"""Playing a timeline: the guard (safety layer 2), the player, the session and its runner thread.

* :class:`Guard` re-checks every outgoing setpoint (``guard.py``);
* :class:`Player` plays a timeline on a link with pause/resume/adjust/skip/stop (``player.py``);
* :class:`Session` connects, plays, records history and stops the device on every exit path
  (``session.py``);
* :class:`SessionRunner` runs a session on its own thread and event loop for the CLI and the TUI
  (``runner.py``).
"""

from massage_ctl.player.events import FINAL_STATES, ProgressEvent
from massage_ctl.player.guard import ChannelLimits, Guard, channel_limits
from massage_ctl.player.player import Player
from massage_ctl.player.runner import SessionRunner
from massage_ctl.player.session import Session, SessionResult, open_link

__all__ = [
    "FINAL_STATES",
    "ChannelLimits",
    "Guard",
    "Player",
    "ProgressEvent",
    "Session",
    "SessionResult",
    "SessionRunner",
    "channel_limits",
    "open_link",
]
