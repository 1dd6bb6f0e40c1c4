"""One error tree for the whole package.

Every error a user can cause or meet derives from :class:`MassageCtlError`; the CLI and the
TUI turn any of them into one clear message (never a traceback). Foreign errors are wrapped
with ``raise ... from err`` so the cause is kept for debugging.

::

    MassageCtlError
    ├── ProgramError            a program file is unreadable or invalid
    │   └── ProgramNotFoundError  no built-in program or file by that name
    ├── DeviceProfileError      a device descriptor file is invalid / unknown
    ├── CompileError            a program cannot be compiled for this device + safety profile
    ├── SafetyError             a safety rule was broken (compile time or at the player guard)
    │   └── SafetyProfileError  a safety profile file is invalid or tries to loosen a limit
    ├── ConfigError             the user's configuration file is invalid
    ├── ProtocolError           bytes from a peer are not a valid frame (see protocol.errors)
    ├── LinkError               the link to the device failed (handshake, timeout, mismatch)
    │   └── DeviceFaultError    the device reported a fault / stopped on its own
    ├── TransportError          a port, socket or BLE device could not be used
    │   ├── DeviceURLError      a device URL is malformed or names an unknown scheme
    │   └── DisconnectedError   the transport closed underneath us
    └── HistoryError            the session history database could not be used
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

_P = TypeVar("_P")
_R = TypeVar("_R")
_A = ParamSpec("_A")


class MassageCtlError(Exception):
    """Base of every error massage_ctl raises on purpose.

    ``hint`` is an optional sentence telling the user what to do about it.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ProgramError(MassageCtlError):
    """A program file could not be read or is not a valid program.

    ``path`` is the file, ``line`` the 1-based line where one is known, ``field`` the dotted
    location inside the program (e.g. ``phase 2.intensity``).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.field = field

    def location(self) -> str:
        """``file:line: field`` — whatever parts are known."""
        parts = []
        if self.path:
            parts.append(self.path + (f":{self.line}" if self.line else ""))
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class ProgramNotFoundError(ProgramError):
    """No built-in program has that id and no file exists at that path."""


class DeviceProfileError(MassageCtlError):
    """A device descriptor is invalid, or no device profile has that name."""


class CompileError(MassageCtlError):
    """The program cannot be compiled for this device and safety profile.

    ``phase`` names the offending phase (``"phase 3 (deep-tissue)"``) where there is one;
    ``path`` the program file, filled in by :func:`names_program_file` on the compiler's entry
    point, so every caller (``run``, ``show``, the UI) shows ``file: phase 3 (…): message``.
    ``device_path`` is the device descriptor file, when the message is about the device and
    it came from one (``… (device described in /home/me/my-pad.toml)``).
    """

    def __init__(
        self,
        message: str,
        *,
        phase: str | None = None,
        hint: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.phase = phase
        self.path = path
        self.device_path: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.path, self.phase) if p]
        text = ": ".join([*parts, self.message])
        return f"{text} (device described in {self.device_path})" if self.device_path else text


def names_program_file(
    compile_fn: Callable[Concatenate[_P, _A], _R],
) -> Callable[Concatenate[_P, _A], _R]:
    """Decorate a compile function whose arguments are a program and then a device: a
    :class:`CompileError` it raises names the program's file (``program.source_path``) when
    it has one, and the device's descriptor file when the message is about the device."""

    @functools.wraps(compile_fn)
    def wrapper(program: _P, /, *args: _A.args, **kwargs: _A.kwargs) -> _R:
        try:
            return compile_fn(program, *args, **kwargs)
        except CompileError as err:
            if err.path is None:
                err.path = getattr(program, "source_path", None)
            device = args[0] if args else kwargs.get("device")
            device_file = getattr(device, "source_path", None)
            if device_file and f"the {getattr(device, 'id', '')} device" in err.message:
                err.device_path = device_file
            raise

    return wrapper


class SafetyError(MassageCtlError):
    """A safety rule was broken (a hard rule at compile time, or a setpoint at the guard)."""


class SafetyProfileError(SafetyError):
    """A safety profile file is invalid or tries to loosen a built-in limit."""


class ConfigError(MassageCtlError):
    """The user's configuration file is invalid."""


class ProtocolError(MassageCtlError):
    """Bytes received from a peer are not a valid frame. Subclasses name the exact kind."""


class LinkError(MassageCtlError):
    """The link to the device failed: handshake, version/schema mismatch, no reply."""


class DeviceFaultError(LinkError):
    """The device reported a fault or left the running state on its own."""


class TransportError(MassageCtlError):
    """A port, socket or BLE device could not be opened or used."""


class DeviceURLError(TransportError):
    """A device URL is malformed or names an unknown scheme."""


class DisconnectedError(TransportError):
    """The transport was closed underneath us (cable pulled, BLE link lost, peer gone)."""


class HistoryError(MassageCtlError):
    """The session history database could not be opened or written."""
