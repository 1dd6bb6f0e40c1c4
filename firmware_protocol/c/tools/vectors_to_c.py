"""Convert firmware_protocol/vectors/*.json into a C header of unit tests (test-only).

Usage: python3 tools/vectors_to_c.py OUT.h
Stdlib only (Python >= 3.11 for tomllib), so `make test` needs no project venv.

Every valid message vector becomes one test that encodes the expected fields and compares the
bytes with `wire`, then decodes `wire` and compares every field; every invalid vector checks
the decoder's error kind; COBS, CRC and stream vectors check those layers. The C core itself
never depends on this file.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from c_names import enum_prefix

HERE = Path(__file__).resolve().parent
PROTO = HERE.parent.parent
VECTORS = PROTO / "vectors"
TOML = PROTO / "messages.toml"
SCALARS = ("u8", "u16", "u32", "i32", "bool")


def c_bytes(hex_text: str) -> str:
    data = bytes.fromhex(hex_text)
    if not data:
        return "{0}"  # C99 has no empty initialisers; the length is passed separately
    return "{" + ", ".join(f"0x{b:02x}" for b in data) + "}"


def c_string(text: str) -> str:
    return '"' + "".join(f"\\x{b:02x}" for b in text.encode()) + '"'


class Gen:
    """Accumulates C test functions and the list of their names."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.messages = {m["name"]: m for m in schema["messages"]}
        self.lines: list[str] = []
        self.tests: list[str] = []

    def scalar(self, fd: dict[str, Any], value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, str):
            return enum_prefix(fd["enum"]) + value
        if fd["type"] == "i32" and value < 0:
            return f"(int32_t)({value + 1}L - 1L)"
        return f"{value}u"

    def fields(self, fields: list[dict[str, Any]], values: dict[str, Any], ref: str) -> list[str]:
        """C statements setting (kind="set") the struct at `ref` to `values`."""
        out: list[str] = []
        for fd in fields:
            name, t, v = fd["name"], fd["type"], values[fd["name"]]
            if t in SCALARS:
                out.append(f"    {ref}{name} = {self.scalar(fd, v)};")
            elif t == "str":
                n = len(v.encode())
                out.append(f"    {ref}{name}_len = {n}u;")
                out.append(f"    memcpy({ref}{name}, {c_string(v)}, {n + 1}u);")
            else:
                elem = t[:-2]
                out.append(f"    {ref}{name}_count = {len(v)}u;")
                for i, item in enumerate(v):
                    if elem in SCALARS:
                        out.append(f"    {ref}{name}[{i}] = {item}u;")
                    else:
                        sub = self.schema["structs"][elem]["fields"]
                        out.extend(self.fields(sub, item, f"{ref}{name}[{i}]."))
        return out

    def message_test(self, i: int, vec: dict[str, Any]) -> None:
        msg = self.messages[vec["message"]]
        lname = msg["name"].lower()
        fn = f"vector_message_{i}"
        self.tests.append(fn)
        self.lines += [
            f"/* {vec['name']} */",
            f"static void {fn}(void)",
            "{",
            f"    static const uint8_t wire[] = {c_bytes(vec['wire'])};",
            "    static mp_message_t exp, got;",
            "    uint8_t out[MP_MAX_FRAME_BYTES];",
            "    uint8_t scratch[MP_MAX_FRAME_BYTES];",
            "    size_t len = 0;",
            "    uint16_t seq = 0;",
            "    memset(&exp, 0, sizeof exp);",
            "    memset(&got, 0, sizeof got);",
            f"    exp.type = MP_MSG_{msg['name']};",
            *self.fields(msg["fields"], vec["fields"], f"exp.u.{lname}."),
            f"    CHECK_EQ_INT(mp_frame_encode(&exp, {vec['seq']}u, out, sizeof out, &len),",
            "                 MP_OK);",
            "    CHECK_EQ_INT(len, sizeof wire);",
            "    CHECK(len == sizeof wire && memcmp(out, wire, len) == 0);",
            "    CHECK_EQ_INT(mp_frame_decode(wire, sizeof wire, &seq, &got, scratch), MP_OK);",
            f"    CHECK_EQ_INT(seq, {vec['seq']});",
            f"    CHECK_EQ_INT(got.type, MP_MSG_{msg['name']});",
            f"    CHECK(memcmp(&got.u.{lname}, &exp.u.{lname}, sizeof exp.u.{lname}) == 0);",
            "}",
            "",
        ]

    def invalid_test(self, i: int, vec: dict[str, Any]) -> None:
        fn = f"vector_invalid_{i}"
        self.tests.append(fn)
        n = len(bytes.fromhex(vec["wire"]))
        self.lines += [
            f"/* {vec['name']} */",
            f"static void {fn}(void)",
            "{",
            f"    static const uint8_t wire[] = {c_bytes(vec['wire'])};",
            "    static mp_message_t got;",
            "    uint8_t scratch[MP_MAX_FRAME_BYTES];",
            "    uint16_t seq = 0;",
            f"    mp_err_t err = mp_frame_decode(wire, {n}u, &seq, &got, scratch);",
            f'    CHECK(strcmp(mp_err_kind(err), "{vec["error"]}") == 0);',
            "}",
            "",
        ]

    def cobs_test(self, i: int, vec: dict[str, Any]) -> None:
        fn = f"vector_cobs_{i}"
        self.tests.append(fn)
        dn, en = len(bytes.fromhex(vec["decoded"])), len(bytes.fromhex(vec["encoded"]))
        self.lines += [
            f"/* {vec['name']} */",
            f"static void {fn}(void)",
            "{",
            f"    static const uint8_t decoded[] = {c_bytes(vec['decoded'])};",
            f"    static const uint8_t encoded[] = {c_bytes(vec['encoded'])};",
            "    static uint8_t buf[600];",
            f"    CHECK_EQ_INT(mp_cobs_encode(decoded, {dn}u, buf, sizeof buf), {en});",
            f"    CHECK(memcmp(buf, encoded, {en}u) == 0);",
            f"    CHECK_EQ_INT(mp_cobs_decode(encoded, {en}u, buf, sizeof buf), {dn});",
            f"    CHECK(memcmp(buf, decoded, {dn}u) == 0);",
            "}",
            "",
        ]

    def crc_test(self, i: int, vec: dict[str, Any]) -> None:
        fn = f"vector_crc_{i}"
        self.tests.append(fn)
        n = len(bytes.fromhex(vec["data"]))
        self.lines += [
            f"/* {vec['name']} */",
            f"static void {fn}(void)",
            "{",
            f"    static const uint8_t data[] = {c_bytes(vec['data'])};",
            f"    CHECK_EQ_INT(mp_crc16(data, {n}u), {vec['crc']});",
            "}",
            "",
        ]

    def stream_test(self, i: int, vec: dict[str, Any]) -> None:
        fn = f"vector_stream_{i}"
        self.tests.append(fn)
        n = len(bytes.fromhex(vec["wire"]))
        expect = ", ".join(f'"{e}"' for e in vec["expect"])
        self.lines += [
            f"/* {vec['name']} */",
            f"static void {fn}(void)",
            "{",
            f"    static const uint8_t wire[] = {c_bytes(vec['wire'])};",
            f"    static const char *const expect[] = {{{expect}}};",
            f"    check_stream(wire, {n}u, expect, {len(vec['expect'])}u);",
            "}",
            "",
        ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: vectors_to_c.py OUT.h", file=sys.stderr)
        return 2
    gen = Gen(tomllib.loads(TOML.read_text(encoding="utf-8")))
    for kind, method in (
        ("messages", gen.message_test),
        ("invalid", gen.invalid_test),
        ("cobs", gen.cobs_test),
        ("crc", gen.crc_test),
        ("stream", gen.stream_test),
    ):
        for i, vec in enumerate(json.loads((VECTORS / f"{kind}.json").read_text("utf-8"))):
            method(i, vec)
    header = [
        "/* GENERATED by firmware_protocol/c/tools/vectors_to_c.py from",
        " * firmware_protocol/vectors/ - do not edit by hand. Included by tests/test_vectors.c. */",
        "",
    ]
    runner = ["static void run_generated_vectors(void)", "{"]
    runner += [f"    RUN({t});" for t in gen.tests]
    runner.append("}")
    Path(argv[0]).write_text("\n".join(header + gen.lines + runner) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
