"""The synchronous client of bpfwardend's API."""
from __future__ import annotations

import json
import threading
from typing import (Any, Callable, Dict, Generic, Iterable, Iterator, List,
                    Mapping, Optional, Sequence, Tuple, TypeVar, Union)

import grpc

from bpfwarden import codec
from bpfwarden._proto import api_pb2, api_pb2_grpc, config_pb2
from bpfwarden.errors import from_code_number, from_rpc_error
from bpfwarden.types import (Attachment, Change, LogLevel, LogRecord, Map,
                             ProgramSet, Status, UpdateFlag, WatchUpdate)

DEFAULT_SOCKET = "/run/bpfwarden/api.sock"

# The daemon's default --api_max_message_bytes is 16 MiB; gRPC's client
# default (4 MiB) would refuse large dump pages.
_MAX_MESSAGE = 64 * 1024 * 1024

# sockaddr_un.sun_path holds 108 bytes, the terminating NUL included.
_MAX_SOCKET_PATH = 107

_KINDS = {
    api_pb2.WatchChange.ADDED: "added",
    api_pb2.WatchChange.CHANGED: "changed",
    api_pb2.WatchChange.REMOVED: "removed",
}

Key = Any
Value = Any
Filter = Callable[[Key, Value], bool]
T = TypeVar("T")


class Stream(Generic[T]):
    """An iterator over one of the daemon's streams (watch, logs).

    cancel() ends it from any thread: the iteration then stops without an
    error. A context manager, which cancels on exit. Errors of the stream
    raise the bpfwarden.Error of their code.
    """

    def __init__(self, call: Any, convert: Callable[[Any], T]):
        self._call = call
        self._convert = convert
        self._cancelled = threading.Event()

    def __iter__(self) -> "Stream[T]":
        return self

    def __next__(self) -> T:
        if self._cancelled.is_set():
            raise StopIteration
        try:
            message = next(self._call)
        except grpc.RpcError as e:
            if self._cancelled.is_set():
                raise StopIteration from None
            raise from_rpc_error(e) from None
        return self._convert(message)

    def cancel(self) -> None:
        """Ends the stream (also from another thread)."""
        self._cancelled.set()
        self._call.cancel()

    close = cancel

    def __enter__(self) -> "Stream[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()

    def __del__(self) -> None:
        try:
            self._call.cancel()
        except Exception:  # interpreter shutdown
            pass


def _flag(flag: Union[UpdateFlag, str]) -> int:
    if isinstance(flag, UpdateFlag):
        return flag.value
    if isinstance(flag, str):
        try:
            return UpdateFlag[flag.upper()].value
        except KeyError:
            pass
    raise ValueError(f"flag must be UpdateFlag.ANY, NOEXIST or EXIST "
                     f"(or their names), not {flag!r}")


def _level(level: Union[LogLevel, str, None]) -> int:
    if level is None:
        return config_pb2.LOG_LEVEL_UNSPECIFIED
    if isinstance(level, LogLevel):
        return level.value
    if isinstance(level, str):
        try:
            return LogLevel[level.upper()].value
        except KeyError:
            pass
    raise ValueError(f"min_level must be a LogLevel or one of "
                     f"{', '.join(LogLevel.__members__)}, not {level!r}")


def _channel(module: Any, socket: Optional[str], address: Optional[str],
             root_certificates: Optional[bytes],
             private_key: Optional[bytes],
             certificate_chain: Optional[bytes],
             server_name: Optional[str]) -> Any:
    """A channel from `module` (grpc or grpc.aio) to the socket or, with
    `address`, the TLS listener."""
    options: List[Tuple[str, Any]] = [
        ("grpc.max_receive_message_length", _MAX_MESSAGE),
        ("grpc.max_send_message_length", _MAX_MESSAGE),
    ]
    if address is not None:
        if socket is not None:
            raise ValueError("give either socket or address, not both")
        if (private_key is None) != (certificate_chain is None):
            raise ValueError("TLS: give both private_key and "
                             "certificate_chain, or neither")
        if server_name:
            options.append(("grpc.ssl_target_name_override", server_name))
        creds = grpc.ssl_channel_credentials(
            root_certificates=root_certificates, private_key=private_key,
            certificate_chain=certificate_chain)
        return module.secure_channel(address, creds, options)
    if any(x is not None for x in (root_certificates, private_key,
                                   certificate_chain, server_name)):
        raise ValueError("TLS options need address=\"host:port\"")
    path = DEFAULT_SOCKET if socket is None else socket
    _name("socket", path)
    if len(path.encode()) > _MAX_SOCKET_PATH:
        # gRPC would only say "Failed to create secure client channel" at
        # the first call.
        raise ValueError(
            f"socket path {path!r} is {len(path.encode())} bytes; a Unix "
            f"socket path has at most {_MAX_SOCKET_PATH}")
    return module.insecure_channel("unix:" + path, options)


def _name(what: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _entries(entries: Union[Mapping[Key, Value],
                            Iterable[Tuple[Key, Value]]]) -> list:
    """(key, value) pairs or a mapping as the API's Entry messages."""
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    batch = []
    for i, pair in enumerate(pairs):
        try:
            key, value = pair
        except (TypeError, ValueError):
            raise TypeError(f"entries[{i}]: not a (key, value) pair: "
                            f"{pair!r}") from None
        batch.append(api_pb2.Entry(
            key=codec.encode(f"entries[{i}].key", key),
            value=codec.encode(f"entries[{i}].value", value)))
    return batch


def _keys(keys: Iterable[Key]) -> list:
    """Keys as the API's Data messages, each named by its index."""
    return [codec.encode(f"keys[{i}]", k) for i, k in enumerate(keys)]


def _packed_values(resp: Any) -> List[Optional[bytes]]:
    """A packed LookupBatch answer: each value's bytes, None where missing."""
    n = len(resp.found)
    if n == 0:
        return []
    width = len(resp.packed_values) // n
    return [resp.packed_values[i * width:(i + 1) * width]
            if resp.found[i] else None for i in range(n)]


def _typed_values(info: Optional[Map], resp: Any) -> List[Optional[Value]]:
    """A typed LookupBatch answer: each value, None where the key is
    missing; any other per-key error is raised."""
    out: List[Optional[Value]] = []
    for result in resp.results:
        if result.code == grpc.StatusCode.OK.value[0]:
            out.append(Client._value(info, result.value))
        elif result.code == grpc.StatusCode.NOT_FOUND.value[0]:
            out.append(None)
        else:
            raise from_code_number(result.code, result.message)
    return out


class Client:
    """A connection to bpfwardend.

    By default over its Unix socket, where the daemon takes the caller's
    identity from the kernel; or, with `address`, over TCP with mutual TLS,
    where the identity is the client certificate. A context manager: the
    channel closes on exit.

        with bpfwarden.Client() as c:
            print(c.status().caller)

    Every failed call raises the bpfwarden.Error subclass of its gRPC code
    (bpfwarden.NotFound, bpfwarden.PermissionDenied, ...) with the
    daemon's message. Bad arguments raise ValueError or TypeError before
    anything is sent.

    Args:
        socket: the daemon's Unix socket (default /run/bpfwarden/api.sock).
        address: "host:port" of the daemon's TLS listener instead.
        root_certificates: PEM of the CA that signed the daemon's
            certificate (TLS).
        private_key, certificate_chain: PEM of the client's key and
            certificate (TLS; the daemon requires them).
        server_name: the name to check the daemon's certificate against,
            when it differs from the host in `address`.
        timeout: seconds for each unary call (streams have no deadline).
    """

    def __init__(self, socket: Optional[str] = None, *,
                 address: Optional[str] = None,
                 root_certificates: Optional[bytes] = None,
                 private_key: Optional[bytes] = None,
                 certificate_chain: Optional[bytes] = None,
                 server_name: Optional[str] = None,
                 timeout: float = 30.0):
        self._channel = _channel(grpc, socket, address, root_certificates,
                                 private_key, certificate_chain, server_name)
        self.timeout = timeout
        self._programs = api_pb2_grpc.ProgramsStub(self._channel)
        self._attachments = api_pb2_grpc.AttachmentsStub(self._channel)
        self._maps = api_pb2_grpc.MapsStub(self._channel)
        self._daemon = api_pb2_grpc.DaemonStub(self._channel)
        self._logs = api_pb2_grpc.LogsStub(self._channel)
        self._map_cache: Dict[Tuple[str, str], Map] = {}

    # -- life ------------------------------------------------------------

    def close(self) -> None:
        """Closes the channel; calls in flight are cancelled."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------

    def _unary(self, method: Any, request: Any) -> Any:
        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    @staticmethod
    def _stream(call: Any) -> Iterator[Any]:
        try:
            for message in call:
                yield message
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None
        finally:
            call.cancel()

    @staticmethod
    def _ref(set: str, map: str) -> api_pb2.MapRef:
        return api_pb2.MapRef(program_set=_name("set", set),
                              map=_name("map", map))

    def _layout(self, set: str, map: str, raw: bool) -> Optional[Map]:
        if raw:
            return None
        cached = self._map_cache.get((set, map))
        return cached if cached is not None else self.map(set, map)

    @staticmethod
    def _key(info: Optional[Map], data: api_pb2.Data) -> Key:
        return codec.decode(data, info.key_layout if info else None)

    @staticmethod
    def _value(info: Optional[Map], data: api_pb2.Data) -> Value:
        if info is None:
            return codec.decode(data, None)
        return codec.decode(data, info.value_layout, info.per_cpu)

    @staticmethod
    def _encoding(raw: bool) -> int:
        return api_pb2.ENCODING_RAW if raw else api_pb2.ENCODING_UNSPECIFIED

    # -- Daemon, Programs, Attachments ----------------------------------

    def status(self) -> Status:
        """Daemon.Status: version, uptime, counts, kernel features, and the
        caller as the daemon sees it. Open to every client that can
        connect."""
        return Status.from_proto(
            self._unary(self._daemon.Status, api_pb2.StatusRequest()))

    def programs(self) -> List[ProgramSet]:
        """The loaded program sets the caller may read."""
        resp = self._unary(self._programs.List,
                           api_pb2.ListProgramSetsRequest())
        return [ProgramSet.from_proto(p) for p in resp.program_sets]

    def program(self, name: str) -> ProgramSet:
        """One loaded program set (with the tail of its verifier log).
        NotFound when no such set is loaded."""
        return ProgramSet.from_proto(self._unary(
            self._programs.Get,
            api_pb2.GetProgramSetRequest(name=_name("name", name))))

    def load(self, name: str, objects: Sequence[str] = (), *,
             blobs: Sequence[bytes] = (), builtin: bool = False,
             replace_maps: bool = False, verifier_log: bool = False,
             pin_all_maps: bool = False,
             log_level: Union[LogLevel, str, None] = None) -> ProgramSet:
        """Loads a program set (ADMIN).

        Args:
            name: the set's name, also its directory under the pin root.
            objects: ELF object paths on the daemon's host (root only).
            blobs: ELF objects' bytes, uploaded with the request.
            builtin: the set built into the daemon (no objects).
            replace_maps: create the pinned maps afresh (empty).
            verifier_log: return the verifier's log in `verifier_log`.
            pin_all_maps: pin every map, not only those that ask.
            log_level: the lowest level of BW_* log calls kept.
        Raises AlreadyExists when a set of that name is loaded.
        """
        if isinstance(objects, str):
            raise TypeError("objects is a list of paths, not one string")
        if isinstance(blobs, (bytes, bytearray)):
            raise TypeError("blobs is a list of byte strings")
        program_set = config_pb2.ProgramSet(
            name=_name("name", name), objects=list(objects), builtin=builtin,
            pin_all_maps=pin_all_maps, log_level=_level(log_level))
        resp = self._unary(self._programs.Load, api_pb2.LoadRequest(
            program_set=program_set, object_blobs=[bytes(b) for b in blobs],
            replace_maps=replace_maps, want_verifier_log=verifier_log))
        return ProgramSet.from_proto(resp.program_set)

    def unload(self, name: str, *, unpin_maps: bool = False) -> None:
        """Unloads a program set (ADMIN): detaches its attachments; its
        pinned maps stay unless `unpin_maps`. A set from the configuration
        directory is FailedPrecondition."""
        self._unary(self._programs.Unload, api_pb2.UnloadRequest(
            name=_name("name", name), unpin_maps=unpin_maps))
        for key in [k for k in self._map_cache if k[0] == name]:
            del self._map_cache[key]

    def attachments(self, cgroup: Optional[str] = None, *,
                    include_foreign: bool = False) -> List[Attachment]:
        """The daemon's attachments the caller may read (only those to
        `cgroup`, absolute or relative to the cgroup v2 mount, if given);
        with include_foreign, also programs other tools attached there."""
        resp = self._unary(self._attachments.List,
                           api_pb2.ListAttachmentsRequest(
                               cgroup=cgroup or "",
                               include_foreign=include_foreign))
        return [Attachment.from_proto(a) for a in resp.attachments]

    def attach(self, set: str, program: str, cgroup: Optional[str] = None,
               *, unit: Optional[str] = None, attach_type: str = "",
               pinned: bool = False) -> Attachment:
        """Attaches `program` of `set` (ADMIN) to a cgroup v2 directory
        (absolute or relative to the mount) or to a systemd unit's cgroup,
        through a bpf_link. `pinned`: the attachment outlives a daemon
        restart."""
        if (cgroup is None) == (unit is None):
            raise ValueError("give exactly one of cgroup and unit")
        attachment = config_pb2.Attachment(
            program_set=_name("set", set), program=_name("program", program),
            cgroup=cgroup or "", unit=unit or "", attach_type=attach_type,
            pinned=pinned)
        resp = self._unary(self._attachments.Attach,
                           api_pb2.AttachRequest(attachment=attachment))
        return Attachment.from_proto(resp.attachment)

    def detach(self, id: Union[str, Attachment]) -> None:
        """Detaches one of the daemon's attachments by its id (ADMIN)."""
        if isinstance(id, Attachment):
            id = id.id
        self._unary(self._attachments.Detach,
                    api_pb2.DetachRequest(id=_name("id", id)))

    # -- Maps -------------------------------------------------------------

    def maps(self, set: Optional[str] = None) -> List[Map]:
        """The maps of loaded program sets (of `set` only, if given) that
        the caller may read. The daemon's list carries no layouts
        (key_layout and value_layout are None): map(set, name) has them."""
        resp = self._unary(self._maps.List,
                           api_pb2.ListMapsRequest(program_set=set or ""))
        return [Map.from_proto(m) for m in resp.maps]

    def map(self, set: str, name: str) -> Map:
        """One map's description: type, sizes, and the key and value
        layouts from its BTF as `Field` trees (None: raw bytes only).

        The client keeps the last description of each map it reads, to type
        keys and values (addresses); unload() forgets a set's. Call map()
        again after the set was reloaded with another layout."""
        info = Map.from_proto(self._unary(
            self._maps.Get, api_pb2.GetMapRequest(map=self._ref(set, name))))
        self._map_cache[(set, name)] = info
        return info

    def lookup(self, set: str, map: str, key: Key, *, raw: bool = False,
               zero_fill: bool = False) -> Value:
        """The value of `key` (READ). NotFound when the key is missing.

        `key` is JSON-able Python (a dict for a struct, an int, ipaddress
        objects for address fields) or raw `bytes`. The value comes back
        typed by the map's BTF, or as bytes with `raw` (or when the map has
        no BTF for it). `zero_fill`: missing key fields are zero.
        """
        info = self._layout(set, map, raw)
        resp = self._unary(self._maps.Lookup, api_pb2.LookupRequest(
            map=self._ref(set, map), key=codec.encode("key", key),
            encoding=self._encoding(raw), zero_fill=zero_fill))
        return self._value(info, resp.entry.value)

    def lookup_many(self, set: str, map: str,
                    keys: Union[Iterable[Key], bytes], *, raw: bool = False,
                    zero_fill: bool = False) -> List[Optional[Value]]:
        """The values of many keys in one call (READ): one item per key, in
        order, None where the key is missing. Any other per-key error is
        raised, naming the key.

        `keys` as `bytes` is the packed form: raw keys back to back
        (key_size bytes each); the values are then raw bytes.
        """
        ref = self._ref(set, map)
        if isinstance(keys, codec.RAW_TYPES):
            resp = self._unary(self._maps.LookupBatch,
                               api_pb2.LookupBatchRequest(
                                   map=ref, packed_keys=bytes(keys)))
            return _packed_values(resp)
        info = self._layout(set, map, raw)
        resp = self._unary(self._maps.LookupBatch, api_pb2.LookupBatchRequest(
            map=ref, keys=_keys(keys), encoding=self._encoding(raw),
            zero_fill=zero_fill))
        return _typed_values(info, resp)

    def update(self, set: str, map: str, key: Key, value: Value, *,
               flag: Union[UpdateFlag, str] = UpdateFlag.ANY,
               zero_fill: bool = False) -> None:
        """Writes one entry (WRITE). With flag NOEXIST an existing key is
        AlreadyExists, with EXIST a missing key is NotFound; a full map is
        ResourceExhausted. `zero_fill`: missing JSON fields are zero
        instead of InvalidArgument."""
        self.update_many(set, map, [(key, value)], flag=flag,
                         zero_fill=zero_fill)

    def update_many(self, set: str, map: str,
                    entries: Union[Mapping[Key, Value],
                                   Iterable[Tuple[Key, Value]]], *,
                    flag: Union[UpdateFlag, str] = UpdateFlag.ANY,
                    zero_fill: bool = False) -> int:
        """Writes entries in one call (WRITE), at most the daemon's batch
        limit; (key, value) pairs or a mapping. Every entry is checked
        before any is written; a kernel error stops the batch at that entry
        (the error says how many were written). Returns the count."""
        resp = self._unary(self._maps.Update, api_pb2.UpdateRequest(
            map=self._ref(set, map), entries=_entries(entries),
            flag=_flag(flag),
            zero_fill=zero_fill))
        return resp.updated

    def delete(self, set: str, map: str, key: Key, *,
               ignore_missing: bool = False, zero_fill: bool = False) -> bool:
        """Deletes one key (WRITE). A missing key is NotFound, or, with
        `ignore_missing`, returns False."""
        return self.delete_many(set, map, [key], ignore_missing=ignore_missing,
                                zero_fill=zero_fill) == 1

    def delete_many(self, set: str, map: str, keys: Iterable[Key], *,
                    ignore_missing: bool = False,
                    zero_fill: bool = False) -> int:
        """Deletes keys in one call (WRITE); how many were deleted."""
        resp = self._unary(self._maps.Delete, api_pb2.DeleteRequest(
            map=self._ref(set, map),
            keys=_keys(keys),
            ignore_missing=ignore_missing, zero_fill=zero_fill))
        return resp.deleted

    def dump(self, set: str, map: str, filter: Optional[Filter] = None, *,
             raw: bool = False, packed: bool = False, page_size: int = 0,
             pages_per_call: int = 64,
             resume_token: bytes = b"") -> Iterator[Tuple[Key, Value]]:
        """Every entry as (key, value), read in pages (READ).

        Each call to the daemon reads at most `pages_per_call` pages of
        `page_size` entries (0: the daemon's default); the next call resumes
        with the last page's token, so a dump of any size holds one of the
        daemon's stream slots only briefly at a time. `filter(key, value)`,
        if given, keeps the entries for which it returns true. `packed`
        asks for the packed page forms (one blob a page instead of a
        message an entry); the entries are the same. A map re-created
        meanwhile ends the dump with FailedPrecondition.
        """
        if page_size < 0 or pages_per_call <= 0:
            raise ValueError("page_size must be >= 0 and pages_per_call > 0")
        info = self._layout(set, map, raw)
        ref = self._ref(set, map)
        token = bytes(resume_token)
        while True:
            call = self._maps.Dump(api_pb2.DumpRequest(
                map=ref, page_size=page_size, resume_token=token,
                encoding=self._encoding(raw), max_pages=pages_per_call,
                packed=packed))
            done = False
            for page in self._stream(call):
                for key, value in self._page_entries(info, page, packed, raw):
                    if filter is None or filter(key, value):
                        yield key, value
                token = page.resume_token
                done = page.done or not token
            if done or not token:
                return

    @staticmethod
    def _page_entries(info: Optional[Map], page: Any, packed: bool,
                      raw: bool) -> Iterator[Tuple[Key, Value]]:
        if not packed:
            for e in page.entries:
                yield Client._key(info, e.key), Client._value(info, e.value)
        elif raw:
            n = page.count
            if n == 0:
                return
            kw, vw = len(page.keys) // n, len(page.values) // n
            for i in range(n):
                yield (page.keys[i * kw:(i + 1) * kw],
                       page.values[i * vw:(i + 1) * vw])
        else:
            for line in page.json_lines.decode().splitlines():
                entry = json.loads(line)
                key, value = entry["key"], entry["value"]
                if info is not None:
                    key = codec.typed(info.key_layout, key)
                    if info.per_cpu and isinstance(value, list):
                        value = [codec.typed(info.value_layout, v)
                                 for v in value]
                    else:
                        value = codec.typed(info.value_layout, value)
                yield key, value

    def watch(self, set: str, map: str, *, interval_ms: int = 1000,
              raw: bool = False) -> Stream[WatchUpdate]:
        """The map's changes (READ), one WatchUpdate per message, until the
        stream is cancelled (Stream.cancel(), or leaving its `with`). The
        first holds the whole contents (`full`). `interval_ms` in [100,
        600000]; the daemon dumps the map once per interval for all its
        watchers. Ends with NotFound when the set is unloaded."""
        info = self._layout(set, map, raw)
        call = self._maps.Watch(api_pb2.WatchRequest(
            map=self._ref(set, map), interval_ms=interval_ms,
            encoding=self._encoding(raw)))

        return Stream(call, lambda msg: Client._watch_update(info, msg))

    @staticmethod
    def _watch_update(info: Optional[Map], msg: Any) -> WatchUpdate:
        changes = [Change(
            kind=_KINDS.get(c.kind, "unspecified"),
            key=Client._key(info, c.key),
            old_value=(Client._value(info, c.old_value)
                       if c.HasField("old_value") else None),
            new_value=(Client._value(info, c.new_value)
                       if c.HasField("new_value") else None))
            for c in msg.changes]
        return WatchUpdate(full=msg.full, tick=msg.tick,
                           ticks_covered=msg.ticks_covered,
                           continued=msg.continued,
                           daemon_dumps=msg.daemon_dumps, changes=changes)

    # -- Logs ---------------------------------------------------------------

    def logs(self, set: str, *, follow: bool = True,
             min_level: Union[LogLevel, str, None] = None
             ) -> Stream[LogRecord]:
        """The records the set's BPF programs logged (READ on its bw_log
        map): the backlog the daemon kept, then, with `follow`, new ones
        until the stream is cancelled or the set is unloaded. `min_level`:
        only records of this level or more severe."""
        request = api_pb2.TailRequest(program_set=_name("set", set),
                                      follow=follow,
                                      min_level=_level(min_level))
        return Stream(self._logs.Tail(request), LogRecord.from_proto)
