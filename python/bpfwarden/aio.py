"""The asyncio client, on grpc.aio: bpfwarden.aio.Client has the methods of
bpfwarden.Client as coroutines; dump() is an async iterator, watch() and
logs() return an AsyncStream.

    async with bpfwarden.aio.Client() as c:
        print((await c.status()).caller)
        async for key, value in c.dump("bpfwarden", "tcp_stats"):
            ...
"""
from __future__ import annotations

import asyncio
from typing import (Any, AsyncIterator, Callable, Generic, Iterable, List,
                    Mapping, Optional, Sequence, Tuple, TypeVar, Union)

import grpc
import grpc.aio

from bpfwarden import codec
from bpfwarden._proto import api_pb2, api_pb2_grpc, config_pb2
from bpfwarden.client import (Client as _Sync, Filter, Key, Value, _channel,
                              _entries, _flag, _keys, _level, _name,
                              _packed_values, _typed_values)
from bpfwarden.errors import from_rpc_error
from bpfwarden.types import (Attachment, LogLevel, LogRecord, Map,
                             ProgramSet, Status, UpdateFlag, WatchUpdate)

T = TypeVar("T")


class AsyncStream(Generic[T]):
    """An async iterator over one of the daemon's streams (watch, logs).
    cancel() ends it: the iteration then stops without an error. An async
    context manager, which cancels on exit."""

    def __init__(self, call: Any, convert: Callable[[Any], T]):
        self._call = call
        self._convert = convert
        self._cancelled = False

    def __aiter__(self) -> "AsyncStream[T]":
        return self

    async def __anext__(self) -> T:
        if self._cancelled:
            raise StopAsyncIteration
        try:
            message = await self._call.read()
        except asyncio.CancelledError:
            if self._cancelled:
                raise StopAsyncIteration from None
            raise
        except grpc.RpcError as e:
            if self._cancelled or e.code() == grpc.StatusCode.CANCELLED \
                    and self._call.cancelled():
                raise StopAsyncIteration from None
            raise from_rpc_error(e) from None
        if message is grpc.aio.EOF:
            raise StopAsyncIteration
        return self._convert(message)

    def cancel(self) -> None:
        """Ends the stream."""
        self._cancelled = True
        self._call.cancel()

    async def __aenter__(self) -> "AsyncStream[T]":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.cancel()


class Client:
    """bpfwarden.Client on asyncio (grpc.aio); the same arguments, the same
    methods (coroutines), the same exceptions. `async with` closes it."""

    def __init__(self, socket: Optional[str] = None, *,
                 address: Optional[str] = None,
                 root_certificates: Optional[bytes] = None,
                 private_key: Optional[bytes] = None,
                 certificate_chain: Optional[bytes] = None,
                 server_name: Optional[str] = None,
                 timeout: float = 30.0):
        self._channel = _channel(grpc.aio, socket, address,
                                 root_certificates, private_key,
                                 certificate_chain, server_name)
        self.timeout = timeout
        self._programs = api_pb2_grpc.ProgramsStub(self._channel)
        self._attachments = api_pb2_grpc.AttachmentsStub(self._channel)
        self._maps = api_pb2_grpc.MapsStub(self._channel)
        self._daemon = api_pb2_grpc.DaemonStub(self._channel)
        self._logs = api_pb2_grpc.LogsStub(self._channel)
        self._map_cache: dict = {}

    async def close(self) -> None:
        """Closes the channel; calls in flight are cancelled."""
        await self._channel.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def _unary(self, method: Any, request: Any) -> Any:
        try:
            return await method(request, timeout=self.timeout)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    async def _layout(self, set: str, map: str, raw: bool) -> Optional[Map]:
        if raw:
            return None
        cached = self._map_cache.get((set, map))
        return cached if cached is not None else await self.map(set, map)

    # -- Daemon, Programs, Attachments ----------------------------------

    async def status(self) -> Status:
        """See bpfwarden.Client.status."""
        return Status.from_proto(
            await self._unary(self._daemon.Status, api_pb2.StatusRequest()))

    async def programs(self) -> List[ProgramSet]:
        """See bpfwarden.Client.programs."""
        resp = await self._unary(self._programs.List,
                                 api_pb2.ListProgramSetsRequest())
        return [ProgramSet.from_proto(p) for p in resp.program_sets]

    async def program(self, name: str) -> ProgramSet:
        """See bpfwarden.Client.program."""
        return ProgramSet.from_proto(await self._unary(
            self._programs.Get,
            api_pb2.GetProgramSetRequest(name=_name("name", name))))

    async def load(self, name: str, objects: Sequence[str] = (), *,
                   blobs: Sequence[bytes] = (), builtin: bool = False,
                   replace_maps: bool = False, verifier_log: bool = False,
                   pin_all_maps: bool = False,
                   log_level: Union[LogLevel, str, None] = None
                   ) -> ProgramSet:
        """See bpfwarden.Client.load."""
        if isinstance(objects, str):
            raise TypeError("objects is a list of paths, not one string")
        if isinstance(blobs, (bytes, bytearray)):
            raise TypeError("blobs is a list of byte strings")
        program_set = config_pb2.ProgramSet(
            name=_name("name", name), objects=list(objects), builtin=builtin,
            pin_all_maps=pin_all_maps, log_level=_level(log_level))
        resp = await self._unary(self._programs.Load, api_pb2.LoadRequest(
            program_set=program_set, object_blobs=[bytes(b) for b in blobs],
            replace_maps=replace_maps, want_verifier_log=verifier_log))
        return ProgramSet.from_proto(resp.program_set)

    async def unload(self, name: str, *, unpin_maps: bool = False) -> None:
        """See bpfwarden.Client.unload."""
        await self._unary(self._programs.Unload, api_pb2.UnloadRequest(
            name=_name("name", name), unpin_maps=unpin_maps))
        for key in [k for k in self._map_cache if k[0] == name]:
            del self._map_cache[key]

    async def attachments(self, cgroup: Optional[str] = None, *,
                          include_foreign: bool = False) -> List[Attachment]:
        """See bpfwarden.Client.attachments."""
        resp = await self._unary(self._attachments.List,
                                 api_pb2.ListAttachmentsRequest(
                                     cgroup=cgroup or "",
                                     include_foreign=include_foreign))
        return [Attachment.from_proto(a) for a in resp.attachments]

    async def attach(self, set: str, program: str,
                     cgroup: Optional[str] = None, *,
                     unit: Optional[str] = None, attach_type: str = "",
                     pinned: bool = False) -> Attachment:
        """See bpfwarden.Client.attach."""
        if (cgroup is None) == (unit is None):
            raise ValueError("give exactly one of cgroup and unit")
        attachment = config_pb2.Attachment(
            program_set=_name("set", set), program=_name("program", program),
            cgroup=cgroup or "", unit=unit or "", attach_type=attach_type,
            pinned=pinned)
        resp = await self._unary(self._attachments.Attach,
                                 api_pb2.AttachRequest(attachment=attachment))
        return Attachment.from_proto(resp.attachment)

    async def detach(self, id: Union[str, Attachment]) -> None:
        """See bpfwarden.Client.detach."""
        if isinstance(id, Attachment):
            id = id.id
        await self._unary(self._attachments.Detach,
                          api_pb2.DetachRequest(id=_name("id", id)))

    # -- Maps -------------------------------------------------------------

    async def maps(self, set: Optional[str] = None) -> List[Map]:
        """See bpfwarden.Client.maps."""
        resp = await self._unary(self._maps.List,
                                 api_pb2.ListMapsRequest(program_set=set or ""))
        return [Map.from_proto(m) for m in resp.maps]

    async def map(self, set: str, name: str) -> Map:
        """See bpfwarden.Client.map."""
        info = Map.from_proto(await self._unary(
            self._maps.Get, api_pb2.GetMapRequest(map=_Sync._ref(set, name))))
        self._map_cache[(set, name)] = info
        return info

    async def lookup(self, set: str, map: str, key: Key, *,
                     raw: bool = False, zero_fill: bool = False) -> Value:
        """See bpfwarden.Client.lookup."""
        info = await self._layout(set, map, raw)
        resp = await self._unary(self._maps.Lookup, api_pb2.LookupRequest(
            map=_Sync._ref(set, map), key=codec.encode("key", key),
            encoding=_Sync._encoding(raw), zero_fill=zero_fill))
        return _Sync._value(info, resp.entry.value)

    async def lookup_many(self, set: str, map: str,
                          keys: Union[Iterable[Key], bytes], *,
                          raw: bool = False, zero_fill: bool = False
                          ) -> List[Optional[Value]]:
        """See bpfwarden.Client.lookup_many."""
        ref = _Sync._ref(set, map)
        if isinstance(keys, codec.RAW_TYPES):
            resp = await self._unary(self._maps.LookupBatch,
                                     api_pb2.LookupBatchRequest(
                                         map=ref, packed_keys=bytes(keys)))
            return _packed_values(resp)
        info = await self._layout(set, map, raw)
        resp = await self._unary(self._maps.LookupBatch,
                                 api_pb2.LookupBatchRequest(
                                     map=ref, keys=_keys(keys),
                                     encoding=_Sync._encoding(raw),
                                     zero_fill=zero_fill))
        return _typed_values(info, resp)

    async def update(self, set: str, map: str, key: Key, value: Value, *,
                     flag: Union[UpdateFlag, str] = UpdateFlag.ANY,
                     zero_fill: bool = False) -> None:
        """See bpfwarden.Client.update."""
        await self.update_many(set, map, [(key, value)], flag=flag,
                               zero_fill=zero_fill)

    async def update_many(self, set: str, map: str,
                          entries: Union[Mapping[Key, Value],
                                         Iterable[Tuple[Key, Value]]], *,
                          flag: Union[UpdateFlag, str] = UpdateFlag.ANY,
                          zero_fill: bool = False) -> int:
        """See bpfwarden.Client.update_many."""
        resp = await self._unary(self._maps.Update, api_pb2.UpdateRequest(
            map=_Sync._ref(set, map), entries=_entries(entries),
            flag=_flag(flag),
            zero_fill=zero_fill))
        return resp.updated

    async def delete(self, set: str, map: str, key: Key, *,
                     ignore_missing: bool = False,
                     zero_fill: bool = False) -> bool:
        """See bpfwarden.Client.delete."""
        return await self.delete_many(set, map, [key],
                                      ignore_missing=ignore_missing,
                                      zero_fill=zero_fill) == 1

    async def delete_many(self, set: str, map: str, keys: Iterable[Key], *,
                          ignore_missing: bool = False,
                          zero_fill: bool = False) -> int:
        """See bpfwarden.Client.delete_many."""
        resp = await self._unary(self._maps.Delete, api_pb2.DeleteRequest(
            map=_Sync._ref(set, map),
            keys=_keys(keys),
            ignore_missing=ignore_missing, zero_fill=zero_fill))
        return resp.deleted

    async def dump(self, set: str, map: str, filter: Optional[Filter] = None,
                   *, raw: bool = False, packed: bool = False,
                   page_size: int = 0, pages_per_call: int = 64,
                   resume_token: bytes = b""
                   ) -> AsyncIterator[Tuple[Key, Value]]:
        """See bpfwarden.Client.dump; an async iterator."""
        if page_size < 0 or pages_per_call <= 0:
            raise ValueError("page_size must be >= 0 and pages_per_call > 0")
        info = await self._layout(set, map, raw)
        ref = _Sync._ref(set, map)
        token = bytes(resume_token)
        while True:
            call = self._maps.Dump(api_pb2.DumpRequest(
                map=ref, page_size=page_size, resume_token=token,
                encoding=_Sync._encoding(raw), max_pages=pages_per_call,
                packed=packed))
            done = False
            try:
                async for page in call:
                    for key, value in _Sync._page_entries(info, page, packed,
                                                          raw):
                        if filter is None or filter(key, value):
                            yield key, value
                    token = page.resume_token
                    done = page.done or not token
            except grpc.RpcError as e:
                raise from_rpc_error(e) from None
            finally:
                call.cancel()
            if done or not token:
                return

    async def watch(self, set: str, map: str, *, interval_ms: int = 1000,
                    raw: bool = False) -> AsyncStream[WatchUpdate]:
        """See bpfwarden.Client.watch; an AsyncStream."""
        info = await self._layout(set, map, raw)
        call = self._maps.Watch(api_pb2.WatchRequest(
            map=_Sync._ref(set, map), interval_ms=interval_ms,
            encoding=_Sync._encoding(raw)))
        return AsyncStream(call, lambda msg: _Sync._watch_update(info, msg))

    def logs(self, set: str, *, follow: bool = True,
             min_level: Union[LogLevel, str, None] = None
             ) -> AsyncStream[LogRecord]:
        """See bpfwarden.Client.logs; an AsyncStream."""
        request = api_pb2.TailRequest(program_set=_name("set", set),
                                      follow=follow,
                                      min_level=_level(min_level))
        return AsyncStream(self._logs.Tail(request), LogRecord.from_proto)
