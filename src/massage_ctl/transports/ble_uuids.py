"""The GATT layout of a massage_ctl BLE device (PROTOCOL.md), as the BLE transport names it.

The identifiers are defined once, in ``firmware_protocol/messages.toml`` (``[protocol.ble]``),
and exposed by :mod:`massage_ctl.protocol.ble`; this module only gives them the transport's
names. The controller writes COBS frames (write without response) to :data:`WRITE_CHAR_UUID`
and receives the device's byte stream as notifications of :data:`NOTIFY_CHAR_UUID` — the same
bytes a serial link carries.
"""

from __future__ import annotations

from massage_ctl.protocol.ble import BLE_RX_CHAR_UUID, BLE_SERVICE_UUID, BLE_TX_CHAR_UUID

#: Our dedicated 128-bit service UUID; devices advertise it so scans can filter on it.
SERVICE_UUID = BLE_SERVICE_UUID
#: Controller → device byte stream (write without response).
WRITE_CHAR_UUID = BLE_RX_CHAR_UUID
#: Device → controller byte stream (notify).
NOTIFY_CHAR_UUID = BLE_TX_CHAR_UUID
#: ATT payload of one write at the default MTU of 23 bytes (MTU minus the 3-byte ATT header).
DEFAULT_ATT_PAYLOAD = 20
