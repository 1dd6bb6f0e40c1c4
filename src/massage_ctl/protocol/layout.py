"""Field layouts: how the message dataclasses map onto bytes (the codec walks these)."""

from __future__ import annotations

from dataclasses import dataclass

#: Scalar wire types and their :mod:`struct` codes (little-endian, see ``codec``).
SCALAR_TYPES: dict[str, str] = {"u8": "B", "u16": "H", "u32": "I", "i32": "i", "bool": "B"}


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field of a message or struct, as in ``messages.toml``.

    ``type`` is a scalar (``u8 u16 u32 i32 bool``), ``str`` (u8 byte length + UTF-8) or an
    array ``T[]`` (u8 count + elements; ``T`` is ``u16`` or a struct name). ``max``/``min``
    bound string bytes or array elements; ``enum`` names the enum a scalar carries.
    """

    name: str
    type: str
    max: int = 0
    min: int = 0
    enum: str | None = None

    def canonical(self) -> str:
        """The field's line in the canonical schema text (see ``schema.canonical_text``)."""
        text = f"{self.name} {self.type}"
        if self.type == "str" or self.type.endswith("[]"):
            text += f" min={self.min} max={self.max}"
        if self.enum:
            text += f" enum={self.enum}"
        return text


def f(name: str, type_: str, *, max: int = 0, min: int = 0, enum: str | None = None) -> FieldDef:
    """Shorthand used by the message tables."""
    return FieldDef(name, type_, max, min, enum)
