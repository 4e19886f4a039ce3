"""The soak's invariants that read the system rather than the API: the
state file parses, a pinned map's contents through bpftool, programs left
attached or loaded, pins that should not be there."""
from __future__ import annotations

import json
import os
import subprocess
import time
import zlib
from typing import Dict, Iterable, List, Optional, Set

from google.protobuf import text_format
from bpfwarden._proto import config_pb2

STATE_MAGIC = "# bpfwarden state v1"


def state_file_problem(path: str) -> Optional[str]:
    """Why the state file at `path` would not be read back (None: it would,
    or there is none), by the daemon's own rules (state_store.cc)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    header, newline, body = data.partition(b"\n")
    if not newline:
        return "no header line"
    fields = header.decode(errors="replace").split(" ")
    if len(fields) != 6 or " ".join(fields[:4]) != STATE_MAGIC or not \
            fields[4].startswith("length=") or not \
            fields[5].startswith("crc32="):
        return f"bad header {header[:80]!r}"
    if len(body) != int(fields[4][7:]):
        return f"body is {len(body)} bytes, header says {fields[4]}"
    if zlib.crc32(body) != int(fields[5][6:], 16):
        return "checksum does not match"
    try:
        text_format.Parse(body.decode(), config_pb2.State())
    except (text_format.ParseError, UnicodeDecodeError) as e:
        return f"body does not parse: {e}"
    return None


def _bpftool(*args: str):
    out = subprocess.run(["bpftool", "-j", *args], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"bpftool {' '.join(args)}: {out.stderr.strip()}")
    return json.loads(out.stdout) if out.stdout.strip() else []


def _bytes(hex_list: List[str]) -> bytes:
    return bytes(int(x, 16) for x in hex_list)


def pinned_map_contents(pin: str) -> Dict[bytes, bytes]:
    """A pinned map's entries as raw bytes, read by bpftool (not through
    the daemon)."""
    return {_bytes(e["key"]): _bytes(e["value"])
            for e in _bpftool("map", "dump", "pinned", pin)}


def attached_in_tree(cgroup: str) -> List[str]:
    """Programs attached anywhere in the cgroup tree at `cgroup`."""
    found = []
    for d, _, _ in os.walk(cgroup):
        for p in _bpftool("cgroup", "show", d):
            found.append(f"{d}: {p.get('name')} (id {p.get('id')})")
    return found


def links_of(prog_ids: Set[int]) -> List[str]:
    """bpf links that still hold one of these programs."""
    return [f"link {link['id']} of prog {link['prog_id']}"
            for link in _bpftool("link", "show")
            if link.get("prog_id") in prog_ids]


def programs_loaded(prog_ids: Set[int], seconds: float = 20) -> List[int]:
    """Which of these programs are still loaded once the kernel has had
    `seconds` to free them (it does so after an RCU grace period)."""
    deadline = time.monotonic() + seconds
    while True:
        left = sorted(p["id"] for p in _bpftool("prog", "show")
                      if p["id"] in prog_ids)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def unexpected_pins(pin_root: str, allowed: Iterable[str]) -> List[str]:
    """Files under the pin root other than the map pins `allowed`
    ("set/map" paths)."""
    allowed = set(allowed)
    extra = []
    for d, _, files in os.walk(pin_root):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), pin_root)
            if rel not in allowed:
                extra.append(rel)
    return sorted(extra)
