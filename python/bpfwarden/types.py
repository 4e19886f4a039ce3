"""The Python objects the client returns."""
from __future__ import annotations

import datetime
import enum
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from bpfwarden._proto import api_pb2, config_pb2


class UpdateFlag(enum.Enum):
    """How Update treats existing keys: the kernel's BPF_ANY, BPF_NOEXIST
    (an existing key is AlreadyExists) and BPF_EXIST (a missing key is
    NotFound)."""

    ANY = api_pb2.ANY
    NOEXIST = api_pb2.NOEXIST
    EXIST = api_pb2.EXIST


@dataclass(frozen=True)
class Field:
    """One node of a key's or value's layout, from the map's BTF.

    `kind` is how the daemon renders it: "struct", "union", "int", "bool",
    "enum", "float", "array", "char_array" or "ip_addr" (an address as
    text; the client gives `ipaddress` objects).
    """

    name: str
    type: str
    kind: str
    offset: int = 0
    size: int = 0
    signed: Optional[bool] = None
    length: Optional[int] = None
    bit_offset: Optional[int] = None
    bit_size: Optional[int] = None
    fields: Tuple["Field", ...] = ()
    element: Optional["Field"] = None
    enumerators: Dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, node: Dict[str, Any]) -> "Field":
        """A layout from the daemon's JSON form (MapInfo.key_layout)."""
        return cls(
            name=node.get("name", ""),
            type=node.get("type", ""),
            kind=node.get("kind", ""),
            offset=node.get("offset", 0),
            size=node.get("size", 0),
            signed=node.get("signed"),
            length=node.get("length"),
            bit_offset=node.get("bit_offset"),
            bit_size=node.get("bit_size"),
            fields=tuple(cls.from_json(f) for f in node.get("fields", ())),
            element=(cls.from_json(node["element"])
                     if "element" in node else None),
            enumerators=dict(node.get("enumerators", {})),
        )

    def field(self, name: str) -> "Field":
        """The member `name` of a struct or union (members of anonymous
        members included). Raises KeyError when there is none."""
        for f in self.fields:
            if f.name == name:
                return f
            if f.name == "" and f.kind in ("struct", "union"):
                try:
                    return f.field(name)
                except KeyError:
                    pass
        raise KeyError(f"{self.type} has no member {name!r}")


def _layout(text: str) -> Optional[Field]:
    return Field.from_json(json.loads(text)) if text else None


@dataclass(frozen=True)
class Map:
    """A map of a loaded program set, with its key and value layouts
    (None for a side without BTF: that side is raw bytes)."""

    program_set: str
    name: str
    id: int
    type: str
    key_size: int
    value_size: int
    max_entries: int
    flags: int
    pin_path: str
    per_cpu: bool
    possible_cpus: int
    key_layout: Optional[Field]
    value_layout: Optional[Field]
    btf_id: int
    internal: bool

    @classmethod
    def from_proto(cls, m: api_pb2.MapInfo) -> "Map":
        return cls(program_set=m.ref.program_set, name=m.ref.map, id=m.id,
                   type=m.type, key_size=m.key_size,
                   value_size=m.value_size, max_entries=m.max_entries,
                   flags=m.flags, pin_path=m.pin_path, per_cpu=m.per_cpu,
                   possible_cpus=m.possible_cpus,
                   key_layout=_layout(m.key_layout),
                   value_layout=_layout(m.value_layout), btf_id=m.btf_id,
                   internal=m.internal)


@dataclass(frozen=True)
class KernelFeature:
    name: str
    present: bool
    detail: str


@dataclass(frozen=True)
class LogCounts:
    program_set: str
    received: int
    dropped: int


@dataclass(frozen=True)
class Status:
    """Daemon.Status: the daemon's version, uptime, counts, kernel, and who
    it takes the caller to be (e.g. "uid:0(root) gid:0")."""

    version: str
    uptime_seconds: int
    program_sets: int
    attachments: int
    foreign_attachments: int
    maps: int
    kernel_release: str
    kernel_features: Tuple[KernelFeature, ...]
    caller: str
    build_mode: str
    logs: Tuple[LogCounts, ...]

    @classmethod
    def from_proto(cls, s: api_pb2.StatusResponse) -> "Status":
        return cls(version=s.version, uptime_seconds=s.uptime_seconds,
                   program_sets=s.program_sets, attachments=s.attachments,
                   foreign_attachments=s.foreign_attachments, maps=s.maps,
                   kernel_release=s.kernel_release,
                   kernel_features=tuple(
                       KernelFeature(f.name, f.present, f.detail)
                       for f in s.kernel_features),
                   caller=s.caller, build_mode=s.build_mode,
                   logs=tuple(LogCounts(c.program_set, c.received, c.dropped)
                              for c in s.logs))


def _origin(value: int) -> str:
    """"config", "runtime" or "" (unspecified)."""
    name = api_pb2.Origin.Name(value)
    return "" if name == "ORIGIN_UNSPECIFIED" else name[len("ORIGIN_"):].lower()


@dataclass(frozen=True)
class Program:
    name: str
    id: int
    type: str
    attach_type: str
    section: str


@dataclass(frozen=True)
class ProgramSet:
    """A loaded program set. `origin` is "config" or "runtime"."""

    name: str
    builtin: bool
    objects: Tuple[str, ...]
    pin_path: str
    programs: Tuple[Program, ...]
    maps: Tuple[str, ...]
    loaded: datetime.datetime
    origin: str
    verifier_log: str

    @classmethod
    def from_proto(cls, p: api_pb2.ProgramSetInfo) -> "ProgramSet":
        return cls(name=p.name, builtin=p.builtin, objects=tuple(p.objects),
                   pin_path=p.pin_path,
                   programs=tuple(Program(q.name, q.id, q.type,
                                          q.attach_type, q.section)
                                  for q in p.programs),
                   maps=tuple(p.maps),
                   loaded=datetime.datetime.fromtimestamp(
                       p.loaded_unix_seconds, datetime.timezone.utc),
                   origin=_origin(p.origin), verifier_log=p.verifier_log)


@dataclass(frozen=True)
class Attachment:
    """An attachment: the daemon's own (`id` set) or, with include_foreign,
    one made by another tool (`foreign`, no id)."""

    id: str
    foreign: bool
    origin: str
    program_set: str
    program: str
    cgroup: str
    attach_type: str
    program_id: int
    link_id: int
    pinned: bool
    link_pin_path: str
    attach_flags: int
    unit: str
    waiting: bool
    defunct: bool

    @classmethod
    def from_proto(cls, a: api_pb2.AttachmentInfo) -> "Attachment":
        return cls(id=a.id, foreign=a.foreign, origin=_origin(a.origin),
                   program_set=a.program_set, program=a.program,
                   cgroup=a.cgroup, attach_type=a.attach_type,
                   program_id=a.program_id, link_id=a.link_id,
                   pinned=a.pinned, link_pin_path=a.link_pin_path,
                   attach_flags=a.attach_flags, unit=a.unit,
                   waiting=a.waiting, defunct=a.defunct)


class LogLevel(enum.IntEnum):
    """Levels of the BPF programs' log records, most severe first."""

    ERROR = config_pb2.ERROR
    WARN = config_pb2.WARN
    INFO = config_pb2.INFO
    DEBUG = config_pb2.DEBUG
    TRACE = config_pb2.TRACE


@dataclass(frozen=True)
class LogRecord:
    """A record a BPF program logged (bpf/include/bpfwarden/log.h)."""

    seq: int
    time: datetime.datetime  # when the daemon read it, UTC
    level: Optional[LogLevel]
    program_set: str
    program: str
    site: str
    message: str

    @classmethod
    def from_proto(cls, r: api_pb2.LogRecord) -> "LogRecord":
        level = LogLevel(r.level) if r.level in LogLevel._value2member_map_ \
            else None
        return cls(seq=r.seq,
                   time=datetime.datetime.fromtimestamp(
                       r.time_unix_nanos / 1e9, datetime.timezone.utc),
                   level=level, program_set=r.program_set,
                   program=r.program, site=r.site, message=r.message)


@dataclass(frozen=True)
class Change:
    """One entry's change in a watch: kind "added", "changed" or "removed";
    old_value is set for changed and removed, new_value for added and
    changed."""

    kind: str
    key: Any
    old_value: Any = None
    new_value: Any = None


@dataclass(frozen=True)
class WatchUpdate:
    """One message of Maps.Watch.

    `full`: the whole contents (every change "added"); forget what came
    before. `ticks_covered` > 1: the reader was slower than the map changed
    and several dumps were folded together. `continued`: more messages of
    the same tick follow.
    """

    full: bool
    tick: int
    ticks_covered: int
    continued: bool
    daemon_dumps: int
    changes: List[Change]
