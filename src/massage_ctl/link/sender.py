"""The link's sending side: direct sends from timers, the writer task, and STOP's write.

:class:`~massage_ctl.link.outbox.Outbox` decides *what* leaves next and *when*; this module
hands it to the transport. Two ways, chosen per frame (docs/LINK.md, "Direct sends"):

* **direct** — while the transport can take bytes at once (:meth:`Transport.can_write_now`:
  the simulator; serial and TCP while the OS buffer has room), :meth:`FrameSender.pump` sends
  every frame that is due from a timer or right inside ``submit`` and sets the timer for the
  next look: no writer-task wake-up per frame;
* **writer task** — :meth:`FrameSender.writer` awaits the transport's ``write`` (BLE; a stream
  whose buffer is full), one frame at a time, and hands back to the pump when it can.

STOP's three copies (:meth:`FrameSender.send_now`) bypass both, under the same write lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from massage_ctl.errors import LinkError, MassageCtlError
from massage_ctl.link.outbox import Outbox, Wakeup
from massage_ctl.transports.base import Transport


class FrameSender:
    """Hands the outbox's frames to ``transport``; see the module docstring.

    ``fail(err)`` ends the link (the sender then stops: :meth:`shutdown`); ``went_silent(now)``
    checks the device's silence at every look and fails the link itself when it is too long.
    ``running`` is set by the link while its tasks exist.
    """

    def __init__(
        self,
        transport: Transport,
        outbox: Outbox,
        *,
        fail: Callable[[MassageCtlError], None],
        went_silent: Callable[[float], bool],
    ) -> None:
        self.transport = transport
        self.out = outbox
        self._fail = fail
        self._went_silent = went_silent
        self.wakeup = Wakeup()
        self.write_lock = asyncio.Lock()
        self.running = False
        self.dead = False
        self.frames_sent = 0
        # Direct sends: the timer of the next look, whether a new setpoint may bring it
        # forward, and a guard against re-entry (a frame's reply can submit another).
        self._timer: asyncio.TimerHandle | None = None
        self._wakeable = True
        self._pumping = False

    async def writer(self) -> None:
        """The writer task: sends what :meth:`pump` cannot — everything, on a transport that
        only has the async ``write`` (BLE), and while a direct-send transport is backed up."""
        loop = asyncio.get_running_loop()
        out, transport = self.out, self.transport
        try:
            while not self.dead:
                now = loop.time()
                if self._went_silent(now):
                    return
                if transport.can_write_now() and self.pump():
                    # The pump handed over all that is due and set its own timer: sleep until
                    # the transport backs up. (If it backed up meanwhile, the pump said so and
                    # we go on here at once — its kick would find nobody waiting.)
                    await self.wakeup.sleep_until(None)
                    continue
                frame, wake_at, wakeable = out.next_frame(now)
                if frame is None:
                    await self.wakeup.sleep_until(wake_at, wakeable=wakeable)
                    continue
                async with self.write_lock:
                    await transport.write(frame)
                self.frames_sent += 1
                out.budget.spend(loop.time())
        except MassageCtlError as err:
            self._fail(err)
        except Exception as err:  # a broken transport must not leave a silent, half-dead link
            # The link fails with the bug named (the session then stops and says so); it is
            # not raised again, or closing the link would throw it at whoever closes.
            self._fail(LinkError(f"{self.transport.description}: sending failed: {err!r}"))

    def pump(self) -> bool:
        """Direct sends: hand every frame that is due to the transport now, from a timer or a
        ``submit`` — no writer-task wake-up per frame — then set the timer for the next look.

        Re-entry (a reply to a frame, delivered synchronously, that submits another setpoint)
        is folded into the running pump. True when it finished with its timer set; False when
        it did not run or handed over to the writer task (backed up, link failed).
        """
        if self._pumping:
            return True  # the running pump asks the outbox again before it finishes
        if self.dead or not self.running or self.write_lock.locked():
            return False  # not connected, or a STOP / the writer is mid-write (it looks again)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = asyncio.get_running_loop()
        out, transport = self.out, self.transport
        self._pumping = True
        try:
            while True:
                now = loop.time()
                if self._went_silent(now):
                    return False
                if not transport.can_write_now():
                    self.wakeup.kick()  # backed up: the writer task waits for the transport
                    return False
                frame, wake_at, wakeable = out.next_frame(now)
                if frame is None:
                    break
                transport.write_now(frame)
                self.frames_sent += 1
                out.budget.spend(loop.time())
        except MassageCtlError as err:
            self._fail(err)
            return False
        except Exception as err:  # e.g. the setpoint filter: end the link loudly
            self._fail(LinkError(f"{self.transport.description}: sending failed: {err!r}"))
            return False
        finally:
            self._pumping = False
        self._wakeable = wakeable
        if wake_at is not None:
            self._timer = loop.call_at(wake_at, self._on_timer)
        return True

    def _on_timer(self) -> None:
        self._timer = None  # fired: whatever happens now, no look is pending any more
        self.pump()

    def kick(self) -> None:
        """Something new to send (setpoint, request, STOP flag, connect): look now.

        Synchronously: a setpoint submitted while the budget has room leaves before ``submit``
        returns (measured: ≈0.07 ms after its timer, against ≈0.12 ms and a longer tail when
        the look was deferred with ``call_soon``). Newest-wins coalescing then happens while
        the budget is spent, which is when it matters.
        """
        if self.transport.can_write_now():
            if self._wakeable or self._timer is None:
                self.pump()
        else:
            self.wakeup.kick()

    async def send_now(self, frame: bytes, *, copies: int = 1) -> None:
        """Write ``copies`` of ``frame`` at once, ahead of everything queued (STOP), charge
        them to the budget afterwards, then look again (the next heartbeat carries the flag).
        Raises what the transport raises."""
        async with self.write_lock:
            await self.transport.write(frame * copies)
        self.out.budget.spend(asyncio.get_running_loop().time(), copies)
        self.frames_sent += copies
        self.kick()

    def shutdown(self) -> None:
        """The link failed: send nothing more; wake the writer task so it ends."""
        self.dead = True
        self.wakeup.kick()

    def close(self) -> None:
        """The link's tasks are being stopped: no more timers."""
        self.running = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
