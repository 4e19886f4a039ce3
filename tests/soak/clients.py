"""The soak's load: client threads, each on its own connection, that call
the daemon until stopped. Every call goes through Stats.call (codes,
latencies, the deadline invariant); writers keep the ledger."""
from __future__ import annotations

import random
import threading
import time
from typing import List, Optional

from bpfwarden._proto import api_pb2, api_pb2_grpc

from daemon import channel
from ledger import KEY, VALUE, WriterLedger, value_bytes, value_is_whole
from stats import Stats, Violations

BIG_ENTRIES = 100_000
UNARY_DEADLINE = 10.0
DUMP_DEADLINE = 120.0
FOLLOW_SECONDS = 15.0  # a Watch or Tail is ended by its deadline and opened again

SOAK_BIG = api_pb2.MapRef(program_set="soak", map="soak_big")
SOAK_WRITES = api_pb2.MapRef(program_set="soak", map="soak_writes")


def big_value(i: int) -> bytes:
    return value_bytes(i, i, 0)


class Client(threading.Thread):
    """A thread with its own channel; step() once per pace."""
    op = "call"

    def __init__(self, socket: str, stats: Stats, seed: int,
                 pause: float = 0.02):
        super().__init__(name=f"{self.op}-{seed}", daemon=True)
        self.socket = socket
        self.stats = stats
        self.violations: Violations = stats.violations
        self.rng = random.Random(seed)
        self.pause = pause
        self.stopping = threading.Event()
        self.channel = channel(socket)
        self.maps = api_pb2_grpc.MapsStub(self.channel)

    def run(self) -> None:
        while not self.stopping.is_set():
            self.step()
            self.stopping.wait(self.rng.uniform(0.5, 1.5) * self.pause)
        self.channel.close()

    def stop(self) -> None:
        self.stopping.set()

    def step(self) -> None:
        raise NotImplementedError


class Lookups(Client):
    op = "lookup"

    def step(self) -> None:
        i = self.rng.randrange(BIG_ENTRIES)
        r = self.stats.call("lookup", self.maps.Lookup, api_pb2.LookupRequest(
            map=SOAK_BIG, key=api_pb2.Data(raw=KEY.pack(i)),
            encoding=api_pb2.ENCODING_RAW), timeout=UNARY_DEADLINE)
        if r is not None and r.entry.value.raw != big_value(i):
            self.violations.add("map data", f"soak_big key {i} reads "
                                f"{r.entry.value.raw.hex()}")


class LookupBatches(Client):
    op = "lookup_batch"

    def step(self) -> None:
        keys = [self.rng.randrange(BIG_ENTRIES) for _ in range(256)]
        r = self.stats.call(
            "lookup_batch", self.maps.LookupBatch, api_pb2.LookupBatchRequest(
                map=SOAK_BIG, packed_keys=b"".join(KEY.pack(k) for k in keys)),
            timeout=UNARY_DEADLINE)
        if r is None:
            return
        for n, k in enumerate(keys):
            got = r.packed_values[n * VALUE.size:(n + 1) * VALUE.size]
            if r.found[n] != 1 or got != big_value(k):
                self.violations.add("map data", f"soak_big key {k} in a "
                                    f"batch: found {r.found[n]}")
                return


class Writer(Client):
    """Updates (80%) and Deletes of its own keys of soak_writes."""
    op = "writer"

    def __init__(self, socket: str, stats: Stats, seed: int,
                 ledger: WriterLedger, pause: float):
        super().__init__(socket, stats, seed, pause)
        self.ledger = ledger
        self.seq = 0

    def step(self) -> None:
        led = self.ledger
        key = self.rng.choice(led.keys())
        with led.lock:
            if key in led.frozen:
                return
            if self.rng.random() < 0.8:
                self.seq += 1
                value = value_bytes(key, self.seq, led.writer)
                r = self.stats.call("update", self.maps.Update,
                                    api_pb2.UpdateRequest(
                                        map=SOAK_WRITES, entries=[api_pb2.Entry(
                                            key=api_pb2.Data(raw=KEY.pack(key)),
                                            value=api_pb2.Data(raw=value))]),
                                    timeout=UNARY_DEADLINE)
            else:
                value = None
                r = self.stats.call("delete", self.maps.Delete,
                                    api_pb2.DeleteRequest(
                                        map=SOAK_WRITES,
                                        keys=[api_pb2.Data(raw=KEY.pack(key))],
                                        ignore_missing=True),
                                    timeout=UNARY_DEADLINE)
            if r is None:
                led.unsure(key)
            else:
                led.acknowledge(key, value)


class Dumps(Client):
    """Whole packed dumps of the 100k-entry map, each checked complete."""
    op = "dump"

    def step(self) -> None:
        start = time.monotonic()
        call = self.maps.Dump(api_pb2.DumpRequest(map=SOAK_BIG, packed=True,
                                                  encoding=api_pb2.ENCODING_RAW),
                              timeout=DUMP_DEADLINE)
        n = 0
        whole = True
        try:
            for page in call:
                n += page.count
                if page.count and not value_is_whole(
                        KEY.unpack(page.keys[:4])[0], page.values[:VALUE.size]):
                    whole = False
        except Exception as e:  # grpc.RpcError
            self.stats.record("dump", e.code().name, time.monotonic() - start,
                              e.details() or "")
            return
        self.stats.record("dump", "OK", time.monotonic() - start)
        if n != BIG_ENTRIES or not whole:
            self.violations.add("map data", f"a dump of soak_big returned {n} "
                                f"entries (want {BIG_ENTRIES}), whole={whole}")


class Follower(Client):
    """A Watch of soak_writes or a Tail of the builtin set's logs, ended by
    its deadline and opened again; the latency is to its first message."""

    def __init__(self, socket: str, stats: Stats, seed: int, kind: str):
        self.op = kind
        super().__init__(socket, stats, seed, pause=0.2)
        self.logs = api_pb2_grpc.LogsStub(self.channel)

    def open(self):
        if self.op == "watch":
            return self.maps.Watch(api_pb2.WatchRequest(
                map=SOAK_WRITES, interval_ms=500), timeout=FOLLOW_SECONDS)
        return self.logs.Tail(api_pb2.TailRequest(
            program_set="bpfwarden", follow=True), timeout=FOLLOW_SECONDS)

    def step(self) -> None:
        start = time.monotonic()
        first: Optional[float] = None
        messages = 0
        call = self.open()
        try:
            for _ in call:
                messages += 1
                if first is None:
                    first = time.monotonic() - start
                if self.stopping.is_set():
                    call.cancel()
        except Exception as e:  # grpc.RpcError
            code = e.code().name
            # Its own deadline ends a follow stream: that is the clean end.
            if code == "DEADLINE_EXCEEDED" and time.monotonic() - start >= \
                    FOLLOW_SECONDS * 0.99:
                code = "OK"
            if code == "CANCELLED" and self.stopping.is_set():
                code = "OK"
            self.stats.record(self.op, code, first if first is not None else
                              time.monotonic() - start, e.details() or "")
            self.stats.count(f"{self.op} messages", messages)
            return
        self.stats.record(self.op, "OK", first or 0.0)
        self.stats.count(f"{self.op} messages", messages)


def start_load(socket: str, stats: Stats, ledgers: List[WriterLedger],
               seed: int) -> List[Client]:
    """The threads of the load: writers (one per ledger), 3 lookups, 2
    batches, 2 dumpers, 2 watchers, 2 log followers."""
    n = iter(range(seed * 100, seed * 100 + 100))
    clients: List[Client] = [Writer(socket, stats, next(n), led, 0.01)
                             for led in ledgers]
    clients += [Lookups(socket, stats, next(n), 0.01) for _ in range(3)]
    clients += [LookupBatches(socket, stats, next(n), 0.05) for _ in range(2)]
    clients += [Dumps(socket, stats, next(n), 2.0) for _ in range(2)]
    clients += [Follower(socket, stats, next(n), k)
                for k in ("watch", "watch", "tail", "tail")]
    for c in clients:
        c.start()
    return clients


def fill_big(socket: str) -> None:
    """soak_big's 100k entries, in batches of 1000 (a restart keeps them:
    the map is pinned)."""
    with channel(socket) as ch:
        maps = api_pb2_grpc.MapsStub(ch)
        for first in range(0, BIG_ENTRIES, 1000):
            maps.Update(api_pb2.UpdateRequest(map=SOAK_BIG, entries=[
                api_pb2.Entry(key=api_pb2.Data(raw=KEY.pack(i)),
                              value=api_pb2.Data(raw=big_value(i)))
                for i in range(first, first + 1000)]), timeout=60)

