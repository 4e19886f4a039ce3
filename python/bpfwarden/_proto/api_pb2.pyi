from bpfwarden._proto import config_pb2 as _config_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ANY: UpdateFlag
DESCRIPTOR: _descriptor.FileDescriptor
ENCODING_JSON: Encoding
ENCODING_RAW: Encoding
ENCODING_UNSPECIFIED: Encoding
EXIST: UpdateFlag
NOEXIST: UpdateFlag
ORIGIN_CONFIG: Origin
ORIGIN_RUNTIME: Origin
ORIGIN_UNSPECIFIED: Origin
UPDATE_FLAG_UNSPECIFIED: UpdateFlag

class ApplyFailure(_message.Message):
    __slots__ = ["error", "item"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    error: str
    item: str
    def __init__(self, item: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class AttachRequest(_message.Message):
    __slots__ = ["attachment"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: _config_pb2.Attachment
    def __init__(self, attachment: _Optional[_Union[_config_pb2.Attachment, _Mapping]] = ...) -> None: ...

class AttachResponse(_message.Message):
    __slots__ = ["attachment"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: AttachmentInfo
    def __init__(self, attachment: _Optional[_Union[AttachmentInfo, _Mapping]] = ...) -> None: ...

class AttachmentInfo(_message.Message):
    __slots__ = ["attach_flags", "attach_type", "cgroup", "defunct", "foreign", "id", "link_id", "link_pin_path", "origin", "pinned", "program", "program_id", "program_set", "unit", "waiting"]
    ATTACH_FLAGS_FIELD_NUMBER: _ClassVar[int]
    ATTACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    CGROUP_FIELD_NUMBER: _ClassVar[int]
    DEFUNCT_FIELD_NUMBER: _ClassVar[int]
    FOREIGN_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LINK_ID_FIELD_NUMBER: _ClassVar[int]
    LINK_PIN_PATH_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    attach_flags: int
    attach_type: str
    cgroup: str
    defunct: bool
    foreign: bool
    id: str
    link_id: int
    link_pin_path: str
    origin: Origin
    pinned: bool
    program: str
    program_id: int
    program_set: str
    unit: str
    waiting: bool
    def __init__(self, id: _Optional[str] = ..., foreign: bool = ..., origin: _Optional[_Union[Origin, str]] = ..., program_set: _Optional[str] = ..., program: _Optional[str] = ..., cgroup: _Optional[str] = ..., attach_type: _Optional[str] = ..., program_id: _Optional[int] = ..., link_id: _Optional[int] = ..., pinned: bool = ..., link_pin_path: _Optional[str] = ..., attach_flags: _Optional[int] = ..., unit: _Optional[str] = ..., waiting: bool = ..., defunct: bool = ...) -> None: ...

class Data(_message.Message):
    __slots__ = ["json", "raw"]
    JSON_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    json: str
    raw: bytes
    def __init__(self, raw: _Optional[bytes] = ..., json: _Optional[str] = ...) -> None: ...

class DeleteRequest(_message.Message):
    __slots__ = ["ignore_missing", "keys", "map", "zero_fill"]
    IGNORE_MISSING_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    ZERO_FILL_FIELD_NUMBER: _ClassVar[int]
    ignore_missing: bool
    keys: _containers.RepeatedCompositeFieldContainer[Data]
    map: MapRef
    zero_fill: bool
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., keys: _Optional[_Iterable[_Union[Data, _Mapping]]] = ..., ignore_missing: bool = ..., zero_fill: bool = ...) -> None: ...

class DeleteResponse(_message.Message):
    __slots__ = ["deleted"]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    def __init__(self, deleted: _Optional[int] = ...) -> None: ...

class DetachRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DetachResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DumpRequest(_message.Message):
    __slots__ = ["encoding", "map", "max_pages", "packed", "page_size", "resume_token"]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    MAX_PAGES_FIELD_NUMBER: _ClassVar[int]
    PACKED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    encoding: Encoding
    map: MapRef
    max_pages: int
    packed: bool
    page_size: int
    resume_token: bytes
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., page_size: _Optional[int] = ..., resume_token: _Optional[bytes] = ..., encoding: _Optional[_Union[Encoding, str]] = ..., max_pages: _Optional[int] = ..., packed: bool = ...) -> None: ...

class DumpResponse(_message.Message):
    __slots__ = ["count", "done", "entries", "json_lines", "keys", "resume_token", "values"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    JSON_LINES_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    count: int
    done: bool
    entries: _containers.RepeatedCompositeFieldContainer[Entry]
    json_lines: bytes
    keys: bytes
    resume_token: bytes
    values: bytes
    def __init__(self, entries: _Optional[_Iterable[_Union[Entry, _Mapping]]] = ..., resume_token: _Optional[bytes] = ..., done: bool = ..., keys: _Optional[bytes] = ..., values: _Optional[bytes] = ..., count: _Optional[int] = ..., json_lines: _Optional[bytes] = ...) -> None: ...

class Entry(_message.Message):
    __slots__ = ["key", "value"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: Data
    value: Data
    def __init__(self, key: _Optional[_Union[Data, _Mapping]] = ..., value: _Optional[_Union[Data, _Mapping]] = ...) -> None: ...

class GetMapRequest(_message.Message):
    __slots__ = ["map"]
    MAP_FIELD_NUMBER: _ClassVar[int]
    map: MapRef
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ...) -> None: ...

class GetProgramSetRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class HandleCounts(_message.Message):
    __slots__ = ["granted", "other", "refused", "uid"]
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    granted: int
    other: bool
    refused: int
    uid: int
    def __init__(self, uid: _Optional[int] = ..., other: bool = ..., granted: _Optional[int] = ..., refused: _Optional[int] = ...) -> None: ...

class KernelFeature(_message.Message):
    __slots__ = ["detail", "name", "present"]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRESENT_FIELD_NUMBER: _ClassVar[int]
    detail: str
    name: str
    present: bool
    def __init__(self, name: _Optional[str] = ..., present: bool = ..., detail: _Optional[str] = ...) -> None: ...

class ListAttachmentsRequest(_message.Message):
    __slots__ = ["cgroup", "include_foreign"]
    CGROUP_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FOREIGN_FIELD_NUMBER: _ClassVar[int]
    cgroup: str
    include_foreign: bool
    def __init__(self, cgroup: _Optional[str] = ..., include_foreign: bool = ...) -> None: ...

class ListAttachmentsResponse(_message.Message):
    __slots__ = ["attachments"]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentInfo]
    def __init__(self, attachments: _Optional[_Iterable[_Union[AttachmentInfo, _Mapping]]] = ...) -> None: ...

class ListMapsRequest(_message.Message):
    __slots__ = ["program_set"]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    program_set: str
    def __init__(self, program_set: _Optional[str] = ...) -> None: ...

class ListMapsResponse(_message.Message):
    __slots__ = ["maps"]
    MAPS_FIELD_NUMBER: _ClassVar[int]
    maps: _containers.RepeatedCompositeFieldContainer[MapInfo]
    def __init__(self, maps: _Optional[_Iterable[_Union[MapInfo, _Mapping]]] = ...) -> None: ...

class ListProgramSetsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListProgramSetsResponse(_message.Message):
    __slots__ = ["program_sets"]
    PROGRAM_SETS_FIELD_NUMBER: _ClassVar[int]
    program_sets: _containers.RepeatedCompositeFieldContainer[ProgramSetInfo]
    def __init__(self, program_sets: _Optional[_Iterable[_Union[ProgramSetInfo, _Mapping]]] = ...) -> None: ...

class LoadRequest(_message.Message):
    __slots__ = ["object_blobs", "program_set", "replace_maps", "want_verifier_log"]
    OBJECT_BLOBS_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    REPLACE_MAPS_FIELD_NUMBER: _ClassVar[int]
    WANT_VERIFIER_LOG_FIELD_NUMBER: _ClassVar[int]
    object_blobs: _containers.RepeatedScalarFieldContainer[bytes]
    program_set: _config_pb2.ProgramSet
    replace_maps: bool
    want_verifier_log: bool
    def __init__(self, program_set: _Optional[_Union[_config_pb2.ProgramSet, _Mapping]] = ..., object_blobs: _Optional[_Iterable[bytes]] = ..., replace_maps: bool = ..., want_verifier_log: bool = ...) -> None: ...

class LoadResponse(_message.Message):
    __slots__ = ["program_set"]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    program_set: ProgramSetInfo
    def __init__(self, program_set: _Optional[_Union[ProgramSetInfo, _Mapping]] = ...) -> None: ...

class LogCounts(_message.Message):
    __slots__ = ["dropped", "program_set", "received"]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    dropped: int
    program_set: str
    received: int
    def __init__(self, program_set: _Optional[str] = ..., received: _Optional[int] = ..., dropped: _Optional[int] = ...) -> None: ...

class LogRecord(_message.Message):
    __slots__ = ["level", "message", "program", "program_set", "seq", "site", "time_unix_nanos"]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_NANOS_FIELD_NUMBER: _ClassVar[int]
    level: _config_pb2.LogLevel
    message: str
    program: str
    program_set: str
    seq: int
    site: str
    time_unix_nanos: int
    def __init__(self, seq: _Optional[int] = ..., time_unix_nanos: _Optional[int] = ..., level: _Optional[_Union[_config_pb2.LogLevel, str]] = ..., program_set: _Optional[str] = ..., program: _Optional[str] = ..., site: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class LookupBatchRequest(_message.Message):
    __slots__ = ["encoding", "keys", "map", "packed_keys", "zero_fill"]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    PACKED_KEYS_FIELD_NUMBER: _ClassVar[int]
    ZERO_FILL_FIELD_NUMBER: _ClassVar[int]
    encoding: Encoding
    keys: _containers.RepeatedCompositeFieldContainer[Data]
    map: MapRef
    packed_keys: bytes
    zero_fill: bool
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., keys: _Optional[_Iterable[_Union[Data, _Mapping]]] = ..., encoding: _Optional[_Union[Encoding, str]] = ..., zero_fill: bool = ..., packed_keys: _Optional[bytes] = ...) -> None: ...

class LookupBatchResponse(_message.Message):
    __slots__ = ["found", "packed_values", "results"]
    FOUND_FIELD_NUMBER: _ClassVar[int]
    PACKED_VALUES_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    found: bytes
    packed_values: bytes
    results: _containers.RepeatedCompositeFieldContainer[LookupResult]
    def __init__(self, results: _Optional[_Iterable[_Union[LookupResult, _Mapping]]] = ..., found: _Optional[bytes] = ..., packed_values: _Optional[bytes] = ...) -> None: ...

class LookupRequest(_message.Message):
    __slots__ = ["encoding", "key", "map", "zero_fill"]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    ZERO_FILL_FIELD_NUMBER: _ClassVar[int]
    encoding: Encoding
    key: Data
    map: MapRef
    zero_fill: bool
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., key: _Optional[_Union[Data, _Mapping]] = ..., encoding: _Optional[_Union[Encoding, str]] = ..., zero_fill: bool = ...) -> None: ...

class LookupResponse(_message.Message):
    __slots__ = ["entry"]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: Entry
    def __init__(self, entry: _Optional[_Union[Entry, _Mapping]] = ...) -> None: ...

class LookupResult(_message.Message):
    __slots__ = ["code", "message", "value"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    value: Data
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., value: _Optional[_Union[Data, _Mapping]] = ...) -> None: ...

class MapInfo(_message.Message):
    __slots__ = ["btf_id", "flags", "id", "internal", "key_layout", "key_size", "max_entries", "per_cpu", "pin_path", "possible_cpus", "ref", "type", "value_layout", "value_size"]
    BTF_ID_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    KEY_LAYOUT_FIELD_NUMBER: _ClassVar[int]
    KEY_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PER_CPU_FIELD_NUMBER: _ClassVar[int]
    PIN_PATH_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_CPUS_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_LAYOUT_FIELD_NUMBER: _ClassVar[int]
    VALUE_SIZE_FIELD_NUMBER: _ClassVar[int]
    btf_id: int
    flags: int
    id: int
    internal: bool
    key_layout: str
    key_size: int
    max_entries: int
    per_cpu: bool
    pin_path: str
    possible_cpus: int
    ref: MapRef
    type: str
    value_layout: str
    value_size: int
    def __init__(self, ref: _Optional[_Union[MapRef, _Mapping]] = ..., id: _Optional[int] = ..., type: _Optional[str] = ..., key_size: _Optional[int] = ..., value_size: _Optional[int] = ..., max_entries: _Optional[int] = ..., flags: _Optional[int] = ..., pin_path: _Optional[str] = ..., per_cpu: bool = ..., possible_cpus: _Optional[int] = ..., key_layout: _Optional[str] = ..., value_layout: _Optional[str] = ..., btf_id: _Optional[int] = ..., internal: bool = ...) -> None: ...

class MapRef(_message.Message):
    __slots__ = ["map", "program_set"]
    MAP_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    map: str
    program_set: str
    def __init__(self, program_set: _Optional[str] = ..., map: _Optional[str] = ...) -> None: ...

class ProgramInfo(_message.Message):
    __slots__ = ["attach_type", "id", "name", "section", "type"]
    ATTACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    attach_type: str
    id: int
    name: str
    section: str
    type: str
    def __init__(self, name: _Optional[str] = ..., id: _Optional[int] = ..., type: _Optional[str] = ..., attach_type: _Optional[str] = ..., section: _Optional[str] = ...) -> None: ...

class ProgramSetInfo(_message.Message):
    __slots__ = ["builtin", "loaded_unix_seconds", "maps", "name", "objects", "origin", "pin_path", "programs", "verifier_log"]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    LOADED_UNIX_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAPS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    PIN_PATH_FIELD_NUMBER: _ClassVar[int]
    PROGRAMS_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_LOG_FIELD_NUMBER: _ClassVar[int]
    builtin: bool
    loaded_unix_seconds: int
    maps: _containers.RepeatedScalarFieldContainer[str]
    name: str
    objects: _containers.RepeatedScalarFieldContainer[str]
    origin: Origin
    pin_path: str
    programs: _containers.RepeatedCompositeFieldContainer[ProgramInfo]
    verifier_log: str
    def __init__(self, name: _Optional[str] = ..., builtin: bool = ..., objects: _Optional[_Iterable[str]] = ..., pin_path: _Optional[str] = ..., programs: _Optional[_Iterable[_Union[ProgramInfo, _Mapping]]] = ..., maps: _Optional[_Iterable[str]] = ..., loaded_unix_seconds: _Optional[int] = ..., origin: _Optional[_Union[Origin, str]] = ..., verifier_log: _Optional[str] = ...) -> None: ...

class StatusRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class StatusResponse(_message.Message):
    __slots__ = ["apply_failure_count", "apply_failures", "attachments", "build_mode", "caller", "foreign_attachments", "handle_counts", "handle_socket", "handles_probe", "handles_usable", "kernel_features", "kernel_release", "logs", "maps", "program_sets", "uptime_seconds", "version"]
    APPLY_FAILURES_FIELD_NUMBER: _ClassVar[int]
    APPLY_FAILURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    BUILD_MODE_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    FOREIGN_ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    HANDLES_PROBE_FIELD_NUMBER: _ClassVar[int]
    HANDLES_USABLE_FIELD_NUMBER: _ClassVar[int]
    HANDLE_COUNTS_FIELD_NUMBER: _ClassVar[int]
    HANDLE_SOCKET_FIELD_NUMBER: _ClassVar[int]
    KERNEL_FEATURES_FIELD_NUMBER: _ClassVar[int]
    KERNEL_RELEASE_FIELD_NUMBER: _ClassVar[int]
    LOGS_FIELD_NUMBER: _ClassVar[int]
    MAPS_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SETS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    apply_failure_count: int
    apply_failures: _containers.RepeatedCompositeFieldContainer[ApplyFailure]
    attachments: int
    build_mode: str
    caller: str
    foreign_attachments: int
    handle_counts: _containers.RepeatedCompositeFieldContainer[HandleCounts]
    handle_socket: str
    handles_probe: str
    handles_usable: bool
    kernel_features: _containers.RepeatedCompositeFieldContainer[KernelFeature]
    kernel_release: str
    logs: _containers.RepeatedCompositeFieldContainer[LogCounts]
    maps: int
    program_sets: int
    uptime_seconds: int
    version: str
    def __init__(self, version: _Optional[str] = ..., uptime_seconds: _Optional[int] = ..., program_sets: _Optional[int] = ..., attachments: _Optional[int] = ..., foreign_attachments: _Optional[int] = ..., maps: _Optional[int] = ..., kernel_release: _Optional[str] = ..., kernel_features: _Optional[_Iterable[_Union[KernelFeature, _Mapping]]] = ..., caller: _Optional[str] = ..., build_mode: _Optional[str] = ..., apply_failure_count: _Optional[int] = ..., apply_failures: _Optional[_Iterable[_Union[ApplyFailure, _Mapping]]] = ..., handle_socket: _Optional[str] = ..., handles_usable: bool = ..., handles_probe: _Optional[str] = ..., handle_counts: _Optional[_Iterable[_Union[HandleCounts, _Mapping]]] = ..., logs: _Optional[_Iterable[_Union[LogCounts, _Mapping]]] = ...) -> None: ...

class TailRequest(_message.Message):
    __slots__ = ["follow", "min_level", "program_set"]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    follow: bool
    min_level: _config_pb2.LogLevel
    program_set: str
    def __init__(self, program_set: _Optional[str] = ..., min_level: _Optional[_Union[_config_pb2.LogLevel, str]] = ..., follow: bool = ...) -> None: ...

class UnloadRequest(_message.Message):
    __slots__ = ["name", "unpin_maps"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNPIN_MAPS_FIELD_NUMBER: _ClassVar[int]
    name: str
    unpin_maps: bool
    def __init__(self, name: _Optional[str] = ..., unpin_maps: bool = ...) -> None: ...

class UnloadResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class UpdateRequest(_message.Message):
    __slots__ = ["entries", "flag", "map", "zero_fill"]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    ZERO_FILL_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[Entry]
    flag: UpdateFlag
    map: MapRef
    zero_fill: bool
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., entries: _Optional[_Iterable[_Union[Entry, _Mapping]]] = ..., flag: _Optional[_Union[UpdateFlag, str]] = ..., zero_fill: bool = ...) -> None: ...

class UpdateResponse(_message.Message):
    __slots__ = ["updated"]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    updated: int
    def __init__(self, updated: _Optional[int] = ...) -> None: ...

class WatchChange(_message.Message):
    __slots__ = ["key", "kind", "new_value", "old_value"]
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    ADDED: WatchChange.Kind
    CHANGED: WatchChange.Kind
    KEY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_UNSPECIFIED: WatchChange.Kind
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    REMOVED: WatchChange.Kind
    key: Data
    kind: WatchChange.Kind
    new_value: Data
    old_value: Data
    def __init__(self, kind: _Optional[_Union[WatchChange.Kind, str]] = ..., key: _Optional[_Union[Data, _Mapping]] = ..., old_value: _Optional[_Union[Data, _Mapping]] = ..., new_value: _Optional[_Union[Data, _Mapping]] = ...) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ["encoding", "interval_ms", "map"]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    encoding: Encoding
    interval_ms: int
    map: MapRef
    def __init__(self, map: _Optional[_Union[MapRef, _Mapping]] = ..., interval_ms: _Optional[int] = ..., encoding: _Optional[_Union[Encoding, str]] = ...) -> None: ...

class WatchResponse(_message.Message):
    __slots__ = ["changes", "continued", "daemon_dumps", "full", "tick", "ticks_covered"]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CONTINUED_FIELD_NUMBER: _ClassVar[int]
    DAEMON_DUMPS_FIELD_NUMBER: _ClassVar[int]
    FULL_FIELD_NUMBER: _ClassVar[int]
    TICKS_COVERED_FIELD_NUMBER: _ClassVar[int]
    TICK_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[WatchChange]
    continued: bool
    daemon_dumps: int
    full: bool
    tick: int
    ticks_covered: int
    def __init__(self, full: bool = ..., changes: _Optional[_Iterable[_Union[WatchChange, _Mapping]]] = ..., tick: _Optional[int] = ..., ticks_covered: _Optional[int] = ..., continued: bool = ..., daemon_dumps: _Optional[int] = ...) -> None: ...

class Origin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Encoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class UpdateFlag(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
