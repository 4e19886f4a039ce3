"""Acknowledged writes. Each writer owns its own keys of soak_writes and
records, under its lock, the value of every Update and the absence after
every Delete the daemon acknowledged. A call that failed leaves its key
uncertain (the kernel may or may not have applied it) until the next
acknowledged write of that key. check() compares what a map holds with
the ledger: a key whose last acknowledged write is missing is lost."""
from __future__ import annotations

import struct
import threading
from typing import Callable, Dict, Optional, Set

KEY = struct.Struct("<I")
VALUE = struct.Struct("<QII")  # struct soak_value: seq, writer, check
KEYS_PER_WRITER = 1024  # one LookupBatch (--api_max_batch) checks a writer


def value_bytes(key: int, seq: int, writer: int) -> bytes:
    return VALUE.pack(seq, writer, (seq ^ writer ^ key) & 0xFFFFFFFF)


def value_is_whole(key: int, raw: bytes) -> bool:
    seq, writer, check = VALUE.unpack(raw)
    return check == (seq ^ writer ^ key) & 0xFFFFFFFF


class WriterLedger:
    def __init__(self, writer: int):
        self.writer = writer
        self.lock = threading.Lock()  # held across each write and a check
        self.first_key = writer * KEYS_PER_WRITER
        self.expected: Dict[int, Optional[bytes]] = {}  # None: deleted
        self.uncertain: Set[int] = set()
        self.frozen: Set[int] = set()  # keys writers no longer touch
        self.acknowledged = 0

    def keys(self):
        return range(self.first_key, self.first_key + KEYS_PER_WRITER)

    def acknowledge(self, key: int, value: Optional[bytes]) -> None:
        self.expected[key] = value
        self.uncertain.discard(key)
        self.acknowledged += 1

    def unsure(self, key: int) -> None:
        self.uncertain.add(key)

    def check(self, read: Callable[[int], Optional[bytes]]) -> list:
        """The keys whose map value differs from their last acknowledged
        write, as (key, expected, got); `read(key)` is the map's value or
        None. Keys never written must be absent. Call with the lock."""
        lost = []
        for key in self.keys():
            if key in self.uncertain:
                continue
            want = self.expected.get(key)
            got = read(key)
            if got != want:
                lost.append((key, want, got))
        return lost


def describe(key: int, want: Optional[bytes], got: Optional[bytes]) -> str:
    def show(v):
        return "absent" if v is None else "seq %d writer %d" % VALUE.unpack(
            v)[:2]
    return f"key {key}: acknowledged {show(want)}, map has {show(got)}"
