"""Run-time administration under load: a client that loads, attaches,
detaches and unloads a set again and again (every step is a write of the
daemon's state file), and the slow reader fault's streams."""
from __future__ import annotations

import threading
import time

from bpfwarden._proto import api_pb2, api_pb2_grpc, config_pb2

from clients import SOAK_BIG, SOAK_WRITES, UNARY_DEADLINE, Client
from stats import Stats


class RuntimeAdmin(Client):
    """Cycles set `name` (the builtin programs) through Load, Attach to
    `cgroup`, Detach and Unload."""
    op = "admin"

    def __init__(self, socket: str, stats: Stats, seed: int, name: str,
                 cgroup: str, pause: float = 0.5, label: str = ""):
        super().__init__(socket, stats, seed, pause)
        self.label = label  # before each op's name in the stats
        self.name = name
        self.cgroup = cgroup
        self.programs = api_pb2_grpc.ProgramsStub(self.channel)
        self.attachments = api_pb2_grpc.AttachmentsStub(self.channel)
        self.attachment_id = ""
        self.loaded = False

    def step(self) -> None:
        if not self.loaded:
            r = self.load(self.name)
            # ALREADY_EXISTS: it came back from the state at a restart.
            self.loaded = r is not None or self._exists()
        elif not self.attachment_id:
            r = self.stats.call(self.label + "attach",
                                self.attachments.Attach, api_pb2.AttachRequest(
                                    attachment=config_pb2.Attachment(
                                        program_set=self.name,
                                        program="tcp_stats_sockops",
                                        cgroup=self.cgroup)),
                                timeout=UNARY_DEADLINE)
            self.attachment_id = r.attachment.id if r else self._attached()
        elif self.rng.random() < 0.5:
            r = self.stats.call(self.label + "detach",
                                self.attachments.Detach, api_pb2.DetachRequest(id=self.attachment_id),
                                timeout=UNARY_DEADLINE)
            if r is not None or not self._attached():
                self.attachment_id = ""
        else:
            r = self.unload(self.name)
            if r is not None or not self._exists():
                self.loaded = False
                self.attachment_id = ""

    def load(self, name: str):
        return self.stats.call(
            self.label + "load", self.programs.Load, api_pb2.LoadRequest(
                program_set=config_pb2.ProgramSet(name=name, builtin=True)),
            timeout=UNARY_DEADLINE * 3)

    def unload(self, name: str):
        """Unloads `name` and unpins its maps: nothing of it persists."""
        return self.stats.call(self.label + "unload", self.programs.Unload,
                               api_pb2.UnloadRequest(name=name,
                                                     unpin_maps=True),
                               timeout=UNARY_DEADLINE)

    def _exists(self) -> bool:
        try:
            self.programs.Get(api_pb2.GetProgramSetRequest(name=self.name),
                              timeout=UNARY_DEADLINE)
            return True
        except Exception:  # grpc.RpcError: NOT_FOUND, or the daemon is down
            return False

    def _attached(self) -> str:
        try:
            r = self.attachments.List(api_pb2.ListAttachmentsRequest(),
                                      timeout=UNARY_DEADLINE)
        except Exception:  # grpc.RpcError
            return ""
        for a in r.attachments:
            if a.program_set == self.name:
                return a.id
        return ""


def slow_read(socket: str, stats: Stats, seconds: float) -> None:
    """A Dump of soak_big in small pages and a fast Watch of soak_writes,
    both read one message every second or so for `seconds`, then
    cancelled; the daemon must keep serving everyone else meanwhile."""
    from daemon import channel
    with channel(socket) as ch:
        maps = api_pb2_grpc.MapsStub(ch)
        calls = [maps.Dump(api_pb2.DumpRequest(map=SOAK_BIG, page_size=64,
                                               packed=True)),
                 maps.Watch(api_pb2.WatchRequest(map=SOAK_WRITES,
                                                 interval_ms=100))]
        threads = [threading.Thread(target=_trickle, args=(c, stats, gap),
                                    daemon=True)
                   for c, gap in zip(calls, (0.5, 1.5))]
        for t in threads:
            t.start()
        time.sleep(seconds)
        for c in calls:
            c.cancel()
        for t in threads:
            t.join(30)


def _trickle(call, stats: Stats, gap: float) -> None:
    n = 0
    try:
        for _ in call:
            n += 1
            time.sleep(gap)
    except Exception as e:  # grpc.RpcError: CANCELLED by slow_read
        if e.code().name not in ("CANCELLED", "UNAVAILABLE"):
            stats.record("slow reader", e.code().name, 0.0, e.details() or "")
    stats.count("slow reader messages", n)
