"""BLE GATT identifiers of the protocol (PROTOCOL.md §10; also in messages.toml [protocol.ble]).

Both characteristics carry the same COBS byte stream as serial; write/notification boundaries
mean nothing, frames end at 0x00 only.
"""

from __future__ import annotations

BLE_SERVICE_UUID = "695b0001-5eba-4e84-a2a8-5b173c2558f5"
"""Primary service the device advertises."""

BLE_RX_CHAR_UUID = "695b0002-5eba-4e84-a2a8-5b173c2558f5"
"""Controller → device; write without response."""

BLE_TX_CHAR_UUID = "695b0003-5eba-4e84-a2a8-5b173c2558f5"
"""Device → controller; notify."""
