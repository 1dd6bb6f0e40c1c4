"""Fixtures for transport tests: a pseudo terminal peer and a TCP echo server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .helpers import EchoServer, PtyPeer


@pytest.fixture
async def pty_peer() -> AsyncIterator[PtyPeer]:
    peer = PtyPeer()
    yield peer
    peer.hang_up()


@pytest.fixture
async def echo_server() -> AsyncIterator[EchoServer]:
    server = await EchoServer.start()
    yield server
    await server.stop()
