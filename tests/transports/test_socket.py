"""``socket://HOST:PORT``: a TCP stream to a simulator served over the network."""

from __future__ import annotations

import asyncio
import socket

import pytest

from massage_ctl.errors import DisconnectedError, TransportError
from massage_ctl.testing import read_n
from massage_ctl.transports import open_transport

from .helpers import EchoServer


async def test_round_trip_through_a_local_tcp_server(echo_server: EchoServer) -> None:
    async with open_transport(f"socket://127.0.0.1:{echo_server.port}") as transport:
        payload = bytes(range(256)) * 8
        await transport.write(payload)
        assert await read_n(transport, len(payload)) == payload


async def test_server_hang_up_is_disconnected(echo_server: EchoServer) -> None:
    async with open_transport(f"socket://127.0.0.1:{echo_server.port}") as transport:
        await transport.write(b"x")
        assert await read_n(transport, 1) == b"x"
        await echo_server.hang_up()
        with pytest.raises(DisconnectedError):
            await read_n(transport, 1)


async def test_nothing_listening_hints_at_massage_sim_serve() -> None:
    with socket.socket() as s:  # find a port that is surely closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransportError) as info:
        await open_transport(f"socket://127.0.0.1:{port}").open()
    assert "nothing is listening" in str(info.value)
    assert "massage-sim serve --tcp" in (info.value.hint or "")


async def test_an_unknown_host_is_named() -> None:
    # .invalid never resolves (RFC 6761), with or without a network.
    with pytest.raises(TransportError) as info:
        await open_transport("socket://no-such-host.invalid:4000").open()
    assert str(info.value).startswith("unknown host 'no-such-host.invalid'")
    assert info.value.hint == "check the host name"


async def test_a_host_that_never_answers_times_out_with_a_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from massage_ctl.transports import tcp

    async def silent(*_: object) -> tuple[object, object]:
        await asyncio.Event().wait()  # a firewall dropping the SYN: no answer at all
        raise AssertionError("unreachable")

    monkeypatch.setattr(tcp, "CONNECT_TIMEOUT_S", 0.05)
    monkeypatch.setattr(tcp.asyncio, "open_connection", silent)
    with pytest.raises(TransportError) as info:
        await open_transport("socket://192.0.2.1:4000").open()
    assert str(info.value) == "no answer from 192.0.2.1:4000 within 0.05 s"
    assert "firewall" in (info.value.hint or "")
