"""The link to a device: handshake, session start, heartbeats, acknowledged requests with
retries, newest-wins setpoints within the frame budget, priority STOP and telemetry.

* :class:`Link` speaks the wire protocol over a :class:`~massage_ctl.transports.base.Transport`;
* :class:`ControlLink` is the interface the player uses (``api.py``);
* :class:`FakeLink` is an in-memory ControlLink for developing and testing without a device.

Decisions are written down in docs/LINK.md.
"""

from massage_ctl.link.api import ChannelSetpoint, ControlLink, LinkStatus
from massage_ctl.link.fake import FakeLink
from massage_ctl.link.link import Link

__all__ = ["ChannelSetpoint", "ControlLink", "FakeLink", "Link", "LinkStatus"]
