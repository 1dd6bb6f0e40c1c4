"""The always-visible STOP bar at the bottom of every screen (clickable, too)."""

from __future__ import annotations

from textual.events import Click
from textual.widgets import Static


class StopBar(Static):
    """``■ STOP — press s or Esc``; a click sends STOP as well."""

    def __init__(self) -> None:
        super().__init__("■ STOP — press  s  or  Esc  at any time", id="stop-bar")

    async def on_click(self, event: Click) -> None:
        event.stop()
        await self.app.run_action("stop")
