"""Test kit shipped with massage_ctl, for our own tests and for third-party backends.

* :mod:`.transports` — the transport contract suite (:data:`TRANSPORT_CONTRACT`): every check
  a transport backend must pass, run against a :class:`TransportRig` (your transport plus a way
  to make its peer vanish); :class:`EchoDevice`, an in-process device that echoes, for the
  ``sim`` transport. A third-party transport runs the suite like this (pytest shown; any async
  runner works — each check is a plain coroutine function that raises ``AssertionError``)::

      import pytest
      from massage_ctl.testing import TRANSPORT_CONTRACT, TransportRig

      @pytest.mark.parametrize("check", TRANSPORT_CONTRACT, ids=lambda c: c.__name__)
      async def test_my_transport_keeps_the_contract(check):
          peer = await MyEchoPeer.start()           # echoes every byte it receives
          await check(TransportRig(MyTransport(peer.address), peer.hang_up))
          await peer.stop()

Importing this package needs nothing beyond massage_ctl itself (no pytest).
"""

from massage_ctl.testing.transports import (
    TRANSPORT_CONTRACT,
    EchoDevice,
    TransportRig,
    read_n,
)

__all__ = ["TRANSPORT_CONTRACT", "EchoDevice", "TransportRig", "read_n"]
