"""massage_sim — a virtual massage device that speaks the wire protocol like firmware.

In-process (the ``sim://`` transport builds on exactly this)::

    device = SimDevice(load_device_profile("chair"), faults=FaultPlan.parse("drop=0.01"))
    device.set_output(on_bytes)        # bytes the device sends
    await device.start()
    device.receive(frame_bytes)        # bytes from the controller
    ...
    await device.close()
    device.record                      # what happened: samples and events

Served on a pseudo terminal or TCP: ``massage-sim serve --pty`` / ``--tcp PORT``.
The physics and state machine live in :mod:`massage_sim.device_core` (no I/O, no clock).
"""

from massage_sim.device import SimDevice
from massage_sim.device_core import DeviceCore, SetpointRequest
from massage_sim.faults import FaultPlan, FaultSpecError, StuckChannel
from massage_sim.record import Event, Record, Sample

__all__ = [
    "DeviceCore",
    "Event",
    "FaultPlan",
    "FaultSpecError",
    "Record",
    "Sample",
    "SetpointRequest",
    "SimDevice",
    "StuckChannel",
]
