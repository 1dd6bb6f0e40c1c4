"""Device URLs (docs/CONFIG.md, README): which device to talk to, and how.

::

    sim://chair | sim://bed | sim://pad [?speed=N|max] [&faults=SPEC]
    serial:///dev/ttyUSB0?baud=115200      or a bare port path: /dev/ttyUSB0, COM3
    socket://HOST:PORT                     (pyserial style; reaches ``massage-sim serve --tcp``)
    ble://AA:BB:CC:DD:EE:FF                or ble://NAME (the advertised local name)

:func:`parse_device_url` is pure: it checks the text and never touches a port. A bad URL is a
:class:`~massage_ctl.errors.DeviceURLError` with a hint showing the accepted forms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import parse_qsl, unquote, urlsplit

from massage_ctl.devices.registry import BUILTIN_PROFILES
from massage_ctl.errors import DeviceURLError

#: ``sim://NAME`` for every shipped profile, for hints.
SIM_URLS = tuple(f"sim://{name}" for name in BUILTIN_PROFILES)

#: Schemes a device URL may use, in the order help texts list them.
SCHEMES: tuple[str, ...] = ("sim", "serial", "socket", "ble")
#: Speeds a ``sim://`` URL accepts (N× real time); ``max`` is the virtual clock.
SPEED_RANGE = (0.01, 1000.0)
#: Default serial speed (the reference firmware's default; the benchmarks measure at it).
DEFAULT_BAUD = 115200

_FORMS_HINT = (
    "device URLs look like sim://chair, sim://pad?speed=max, serial:///dev/ttyUSB0?baud=115200, "
    "/dev/ttyUSB0, COM3, socket://localhost:7777, ble://AA:BB:CC:DD:EE:FF or ble://NAME"
)
_QUERY_KEYS: dict[str, tuple[str, ...]] = {
    "sim": ("speed", "faults"),
    "serial": ("baud",),
    "socket": (),
    "ble": (),
}
_WINDOWS_PORT = re.compile(r"^(\\\\\.\\)?COM[0-9]+$", re.IGNORECASE)
_MAC_ADDRESS = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$", re.IGNORECASE)
# macOS hides MAC addresses; CoreBluetooth names peripherals by a per-host UUID instead.
_APPLE_UUID = re.compile(r"^[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DeviceURL:
    """A parsed device URL.

    ``target`` is the profile name (sim), the port path (serial), ``HOST:PORT`` (socket) or the
    address or name (ble). ``speed`` is N× real time, ``None`` meaning as fast as possible
    (``speed=max``); the session applies it by choosing the event loop
    (:func:`massage_ctl.clock.new_event_loop`), not the transport.
    """

    scheme: str
    target: str
    speed: float | None = 1.0
    baud: int = DEFAULT_BAUD
    faults: str | None = None
    host: str | None = None
    port: int | None = None

    @property
    def profile(self) -> str | None:
        """The device profile a ``sim://`` URL names (a built-in name or a descriptor path)."""
        return self.target if self.scheme == "sim" else None

    @property
    def is_ble_address(self) -> bool:
        """True when a ``ble://`` target is an address (MAC or macOS UUID), not a name."""
        return self.scheme == "ble" and _is_ble_address(self.target)

    def __str__(self) -> str:
        """The canonical text form; parsing it gives an equal :class:`DeviceURL`."""
        if self.scheme == "sim":
            query = []
            if self.speed != 1.0:
                query.append("speed=" + ("max" if self.speed is None else f"{self.speed:g}"))
            if self.faults:
                query.append(f"faults={self.faults}")
            return f"sim://{self.target}" + ("?" + "&".join(query) if query else "")
        if self.scheme == "serial":
            sep = "" if self.target.startswith("/") else "/"
            return f"serial://{sep}{self.target}?baud={self.baud}"
        return f"{self.scheme}://{self.target}"


def _is_ble_address(text: str) -> bool:
    return bool(_MAC_ADDRESS.match(text) or _APPLE_UUID.match(text))


def _bad(text: str, why: str, hint: str = _FORMS_HINT) -> DeviceURLError:
    return DeviceURLError(f"bad device URL {text!r}: {why}", hint=hint)


def _parse_query(text: str, scheme: str, query: str) -> dict[str, str]:
    allowed = _QUERY_KEYS[scheme]
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in allowed:
            accepted = ", ".join(allowed) if allowed else "no options"
            raise _bad(
                text,
                f"unknown option {key!r} for {scheme}:// (accepted: {accepted})",
                hint="speed and faults apply to sim:// only, baud to serial only",
            )
        if key in params:
            raise _bad(text, f"option {key!r} given twice")
        params[key] = value
    return params


def _parse_speed(text: str, value: str) -> float | None:
    if value.lower() == "max":
        return None
    try:
        speed = float(value)
    except ValueError:
        speed = math.nan
    if not math.isfinite(speed) or speed <= 0:
        raise _bad(
            text, f"speed={value!r} is not a positive number or 'max'",
            hint="use e.g. sim://chair?speed=10 (10x real time) or ?speed=max",
        )
    if not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]:
        # 1e-300 would overflow the warped clock's arithmetic; beyond 1000x real time the
        # simulated device's watchdog is shorter than a scheduler tick: use ?speed=max.
        raise _bad(
            text, f"speed={value!r} is outside {SPEED_RANGE[0]:g}–{SPEED_RANGE[1]:g}",
            hint="use a speed from 0.01 to 1000, or ?speed=max for as fast as possible",
        )
    return speed


def _parse_baud(text: str, value: str) -> int:
    if not value.isdigit() or not 50 <= int(value) <= 12_000_000:
        raise _bad(
            text, f"baud={value!r} is not a serial speed",
            hint="use a whole number of bits per second, e.g. ?baud=115200",
        )
    return int(value)


def _parse_sim(text: str, target: str, params: dict[str, str]) -> DeviceURL:
    name = unquote(target).rstrip("/") if not target.startswith("/") else unquote(target)
    if not name:
        *head, tail = SIM_URLS
        raise _bad(text, "no device profile named", hint=f"use {', '.join(head)} or {tail}")
    if name not in BUILTIN_PROFILES and PurePath(name).suffix != ".toml":
        raise _bad(
            text, f"unknown simulator profile {name!r}",
            hint=f"use {', '.join(SIM_URLS)} or sim:///path/to/descriptor.toml",
        )
    faults = params.get("faults")
    if faults is not None and not faults.strip():
        raise _bad(text, "faults= is empty", hint="omit faults= or give a fault spec")
    speed = _parse_speed(text, params["speed"]) if "speed" in params else 1.0
    return DeviceURL("sim", name, speed=speed, faults=faults)


def _parse_socket(text: str, rest: str) -> DeviceURL:
    try:
        split = urlsplit("//" + rest)
        port = split.port
    except ValueError as err:
        raise _bad(text, f"port is not a number 1..65535 ({err})") from err
    host = split.hostname
    if not host or port is None or port == 0 or split.path.strip("/"):
        raise _bad(text, "expected socket://HOST:PORT", hint="e.g. socket://localhost:7777")
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return DeviceURL("socket", target, host=host, port=port)


def _parse_ble(text: str, target: str) -> DeviceURL:
    name = unquote(target).strip("/")
    if not name:
        raise _bad(text, "no BLE address or name", hint="use ble://AA:BB:CC:DD:EE:FF or ble://NAME")
    return DeviceURL("ble", name.upper() if _is_ble_address(name) else name)


def parse_device_url(text: str) -> DeviceURL:
    """Parse a device URL or bare serial port path (see the module docstring for the forms)."""
    raw = text.strip()
    if not raw:
        raise _bad(text, "it is empty")
    if raw.startswith("/") or _WINDOWS_PORT.match(raw.split("?", 1)[0]):
        # A bare port path, optionally with the serial options: /dev/ttyUSB0?baud=57600.
        raw = "serial://" + raw
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise _bad(text, "no scheme (expected NAME://...) and not a port path")
    if scheme not in SCHEMES:
        raise _bad(
            text, f"unknown device URL scheme {scheme!r}; the schemes are: {', '.join(SCHEMES)}"
        )
    target, _, query = rest.partition("?")
    params = _parse_query(text, scheme, query)
    if scheme == "sim":
        return _parse_sim(text, target, params)
    if scheme == "serial":
        port = unquote(target)
        if not port.strip("/"):
            raise _bad(text, "no port named", hint="use serial:///dev/ttyUSB0 or serial://COM3")
        if not port.startswith("/") and not _WINDOWS_PORT.match(port):
            port = "/" + port if port.startswith("dev/") else port
        baud = _parse_baud(text, params["baud"]) if "baud" in params else DEFAULT_BAUD
        return DeviceURL("serial", port, baud=baud)
    if scheme == "socket":
        return _parse_socket(text, target)
    return _parse_ble(text, target)


def as_device_url(url: str | DeviceURL) -> DeviceURL:
    """``url`` parsed if it is text, unchanged if it already is a :class:`DeviceURL`."""
    return url if isinstance(url, DeviceURL) else parse_device_url(url)
