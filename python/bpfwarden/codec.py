"""Keys and values between Python objects and the API's Data messages.

Out: `bytes` (and bytearray, memoryview) is the raw form, exactly the
kernel's bytes; anything else is JSON typed by the map's BTF: dicts for
structs, ints, bools, strings for enums and char arrays, lists for arrays
(and per-CPU values), and `ipaddress` objects (or their text) for fields the
BPF header tags as addresses.

In: raw Data is `bytes`; JSON Data is parsed with json.loads and the fields
the map's layout marks "ip_addr" become `ipaddress.IPv4Address` or
`IPv6Address`.
"""
from __future__ import annotations

import ipaddress
import json
from typing import Any, Optional

from bpfwarden._proto import api_pb2
from bpfwarden.types import Field

RAW_TYPES = (bytes, bytearray, memoryview)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(obj)
    if isinstance(obj, RAW_TYPES):
        # Inside JSON, bytes are an array of byte values (char arrays that
        # are not text take this form).
        return list(bytes(obj))
    raise TypeError(f"cannot encode {type(obj).__name__} {obj!r}")


def encode(what: str, obj: Any) -> api_pb2.Data:
    """`obj` as a Data message; `what` ("key", "value") names it in errors.

    Raises TypeError for an object that has no JSON form.
    """
    if isinstance(obj, RAW_TYPES):
        return api_pb2.Data(raw=bytes(obj))
    if obj is None:
        raise TypeError(f"{what}: None is neither bytes nor a JSON value")
    try:
        text = json.dumps(obj, default=_json_default, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}: {e}") from None
    return api_pb2.Data(json=text)


def typed(layout: Optional[Field], value: Any) -> Any:
    """A parsed JSON value with its address fields made `ipaddress` objects,
    following `layout` (None: unchanged)."""
    if layout is None:
        return value
    kind = layout.kind
    if kind == "ip_addr":
        if isinstance(value, str):
            try:
                return ipaddress.ip_address(value)
            except ValueError:
                return value
        return value
    if kind in ("struct", "union") and isinstance(value, dict):
        out = {}
        for name, member in value.items():
            try:
                sub = layout.field(name)
            except KeyError:
                sub = None
            out[name] = typed(sub, member)
        return out
    if kind == "array" and isinstance(value, list):
        return [typed(layout.element, v) for v in value]
    return value


def decode(data: api_pb2.Data, layout: Optional[Field],
           per_cpu: bool = False) -> Any:
    """A Data message as a Python object: bytes for the raw form; for JSON,
    the parsed value typed by `layout` (per-CPU: a list, one a CPU)."""
    form = data.WhichOneof("form")
    if form == "raw":
        return data.raw
    if form is None:
        return None
    value = json.loads(data.json)
    if per_cpu and isinstance(value, list):
        return [typed(layout, v) for v in value]
    return typed(layout, value)
