"""The GATT layout of a massage_ctl BLE device (DESIGN §5): one service, two characteristics.

The controller writes COBS frames (write without response) to :data:`WRITE_CHAR_UUID` and
receives the device's byte stream as notifications of :data:`NOTIFY_CHAR_UUID` — the same
bytes a serial link carries. Firmware must use exactly these UUIDs; they are part of the wire
contract (firmware_protocol/PROTOCOL.md).
"""

from __future__ import annotations

#: Our dedicated 128-bit service UUID; devices advertise it so scans can filter on it.
SERVICE_UUID = "b1fc0001-eac4-425f-95c5-2363484defc2"
#: Controller → device byte stream (write without response).
WRITE_CHAR_UUID = "b1fc0002-eac4-425f-95c5-2363484defc2"
#: Device → controller byte stream (notify).
NOTIFY_CHAR_UUID = "b1fc0003-eac4-425f-95c5-2363484defc2"
#: ATT payload of one write at the default MTU of 23 bytes (MTU minus the 3-byte ATT header).
DEFAULT_ATT_PAYLOAD = 20
