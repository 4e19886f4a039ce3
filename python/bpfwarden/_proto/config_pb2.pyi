from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DEBUG: LogLevel
DESCRIPTOR: _descriptor.FileDescriptor
ERROR: LogLevel
INFO: LogLevel
LOG_LEVEL_UNSPECIFIED: LogLevel
TRACE: LogLevel
WARN: LogLevel

class Attachment(_message.Message):
    __slots__ = ["attach_type", "cgroup", "pinned", "program", "program_set", "unit"]
    ATTACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    CGROUP_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    attach_type: str
    cgroup: str
    pinned: bool
    program: str
    program_set: str
    unit: str
    def __init__(self, program_set: _Optional[str] = ..., program: _Optional[str] = ..., cgroup: _Optional[str] = ..., attach_type: _Optional[str] = ..., pinned: bool = ..., unit: _Optional[str] = ...) -> None: ...

class Config(_message.Message):
    __slots__ = ["attachments", "metrics", "policy", "program_sets"]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SETS_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    metrics: _containers.RepeatedCompositeFieldContainer[MapMetric]
    policy: _containers.RepeatedCompositeFieldContainer[PolicyRule]
    program_sets: _containers.RepeatedCompositeFieldContainer[ProgramSet]
    def __init__(self, program_sets: _Optional[_Iterable[_Union[ProgramSet, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., policy: _Optional[_Iterable[_Union[PolicyRule, _Mapping]]] = ..., metrics: _Optional[_Iterable[_Union[MapMetric, _Mapping]]] = ...) -> None: ...

class GlobalValue(_message.Message):
    __slots__ = ["bool_value", "int_value", "name", "raw", "uint_value"]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    UINT_VALUE_FIELD_NUMBER: _ClassVar[int]
    bool_value: bool
    int_value: int
    name: str
    raw: bytes
    uint_value: int
    def __init__(self, name: _Optional[str] = ..., int_value: _Optional[int] = ..., uint_value: _Optional[int] = ..., bool_value: bool = ..., raw: _Optional[bytes] = ...) -> None: ...

class KconfigOverride(_message.Message):
    __slots__ = ["name", "value"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class LabelDecoder(_message.Message):
    __slots__ = ["field"]
    class Decoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    AS_FIELD_NUMBER: _ClassVar[int]
    CGROUP_PATH: LabelDecoder.Decoding
    DECODING_UNSPECIFIED: LabelDecoder.Decoding
    FIELD_FIELD_NUMBER: _ClassVar[int]
    UNIT: LabelDecoder.Decoding
    field: str
    def __init__(self, field: _Optional[str] = ..., **kwargs) -> None: ...

class MapMetric(_message.Message):
    __slots__ = ["help", "label_decoders", "labels", "map", "max_series", "name", "program_set", "type", "value"]
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    COUNTER: MapMetric.Type
    GAUGE: MapMetric.Type
    HELP_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    LABEL_DECODERS_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    MAX_SERIES_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_UNSPECIFIED: MapMetric.Type
    VALUE_FIELD_NUMBER: _ClassVar[int]
    help: str
    label_decoders: _containers.RepeatedCompositeFieldContainer[LabelDecoder]
    labels: _containers.RepeatedScalarFieldContainer[str]
    map: str
    max_series: int
    name: str
    program_set: str
    type: MapMetric.Type
    value: str
    def __init__(self, program_set: _Optional[str] = ..., map: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[MapMetric.Type, str]] = ..., value: _Optional[str] = ..., labels: _Optional[_Iterable[str]] = ..., max_series: _Optional[int] = ..., label_decoders: _Optional[_Iterable[_Union[LabelDecoder, _Mapping]]] = ..., help: _Optional[str] = ...) -> None: ...

class PinnedLink(_message.Message):
    __slots__ = ["attachment", "id", "pin_path"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PIN_PATH_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    id: str
    pin_path: str
    def __init__(self, id: _Optional[str] = ..., pin_path: _Optional[str] = ..., attachment: _Optional[_Union[Attachment, _Mapping]] = ...) -> None: ...

class PolicyRule(_message.Message):
    __slots__ = ["allow", "attach_types", "cgroup_subtree", "map", "max_map_bytes", "max_maps", "max_saved_objects", "max_sets", "principals", "program_set", "program_types"]
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    ADMIN: PolicyRule.Operation
    ALLOW_FIELD_NUMBER: _ClassVar[int]
    ATTACH_TYPES_FIELD_NUMBER: _ClassVar[int]
    CGROUP_SUBTREE_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    MAX_MAPS_FIELD_NUMBER: _ClassVar[int]
    MAX_MAP_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_SAVED_OBJECTS_FIELD_NUMBER: _ClassVar[int]
    MAX_SETS_FIELD_NUMBER: _ClassVar[int]
    OPERATION_UNSPECIFIED: PolicyRule.Operation
    PRINCIPALS_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_TYPES_FIELD_NUMBER: _ClassVar[int]
    READ: PolicyRule.Operation
    READ_HANDLE: PolicyRule.Operation
    WRITE: PolicyRule.Operation
    allow: _containers.RepeatedScalarFieldContainer[PolicyRule.Operation]
    attach_types: _containers.RepeatedScalarFieldContainer[str]
    cgroup_subtree: str
    map: str
    max_map_bytes: int
    max_maps: int
    max_saved_objects: int
    max_sets: int
    principals: _containers.RepeatedScalarFieldContainer[str]
    program_set: str
    program_types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, program_set: _Optional[str] = ..., map: _Optional[str] = ..., principals: _Optional[_Iterable[str]] = ..., allow: _Optional[_Iterable[_Union[PolicyRule.Operation, str]]] = ..., program_types: _Optional[_Iterable[str]] = ..., attach_types: _Optional[_Iterable[str]] = ..., cgroup_subtree: _Optional[str] = ..., max_sets: _Optional[int] = ..., max_maps: _Optional[int] = ..., max_map_bytes: _Optional[int] = ..., max_saved_objects: _Optional[int] = ...) -> None: ...

class ProgramSet(_message.Message):
    __slots__ = ["builtin", "globals", "kconfig", "log_level", "name", "objects", "pin_all_maps"]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    GLOBALS_FIELD_NUMBER: _ClassVar[int]
    KCONFIG_FIELD_NUMBER: _ClassVar[int]
    LOG_LEVEL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    PIN_ALL_MAPS_FIELD_NUMBER: _ClassVar[int]
    builtin: bool
    globals: _containers.RepeatedCompositeFieldContainer[GlobalValue]
    kconfig: _containers.RepeatedCompositeFieldContainer[KconfigOverride]
    log_level: LogLevel
    name: str
    objects: _containers.RepeatedScalarFieldContainer[str]
    pin_all_maps: bool
    def __init__(self, name: _Optional[str] = ..., objects: _Optional[_Iterable[str]] = ..., builtin: bool = ..., kconfig: _Optional[_Iterable[_Union[KconfigOverride, _Mapping]]] = ..., globals: _Optional[_Iterable[_Union[GlobalValue, _Mapping]]] = ..., pin_all_maps: bool = ..., log_level: _Optional[_Union[LogLevel, str]] = ...) -> None: ...

class SetOwner(_message.Message):
    __slots__ = ["principal", "program_set", "scoped"]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SET_FIELD_NUMBER: _ClassVar[int]
    SCOPED_FIELD_NUMBER: _ClassVar[int]
    principal: str
    program_set: str
    scoped: bool
    def __init__(self, program_set: _Optional[str] = ..., principal: _Optional[str] = ..., scoped: bool = ...) -> None: ...

class State(_message.Message):
    __slots__ = ["attachments", "pinned_links", "program_sets", "set_owners"]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PINNED_LINKS_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_SETS_FIELD_NUMBER: _ClassVar[int]
    SET_OWNERS_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    pinned_links: _containers.RepeatedCompositeFieldContainer[PinnedLink]
    program_sets: _containers.RepeatedCompositeFieldContainer[ProgramSet]
    set_owners: _containers.RepeatedCompositeFieldContainer[SetOwner]
    def __init__(self, program_sets: _Optional[_Iterable[_Union[ProgramSet, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., pinned_links: _Optional[_Iterable[_Union[PinnedLink, _Mapping]]] = ..., set_owners: _Optional[_Iterable[_Union[SetOwner, _Mapping]]] = ...) -> None: ...

class LogLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
