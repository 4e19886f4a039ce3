"""What the soak counts: calls per operation (codes, latencies), faults per
kind, violated invariants; and the summary it prints and writes as JSON."""
from __future__ import annotations

import collections
import json
import threading
import time
from typing import Dict, List, Optional

import grpc

# Codes a call may end with while faults are injected: the daemon is being
# killed or restarted (UNAVAILABLE, CANCELLED), a map or set is gone or
# back (NOT_FOUND, FAILED_PRECONDITION), a limit was hit
# (RESOURCE_EXHAUSTED), a load or unload overlaps (ABORTED, ALREADY_EXISTS),
# a grant is missing (PERMISSION_DENIED), a state write failed on a full
# disk (the errno's code). DEADLINE_EXCEEDED, UNKNOWN and INTERNAL are not.
CLEAN_CODES = {
    "OK", "CANCELLED", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "UNAVAILABLE", "OUT_OF_RANGE",
}


class Violations:
    def __init__(self):
        self._lock = threading.Lock()
        self.items: List[str] = []

    def add(self, invariant: str, detail: str) -> None:
        with self._lock:
            self.items.append(f"{invariant}: {detail}")
        print(f"soak: VIOLATED {invariant}: {detail}", flush=True)

    def __bool__(self) -> bool:
        return bool(self.items)


class OpStats:
    def __init__(self):
        self.codes: Dict[str, int] = collections.Counter()
        self.latencies: List[float] = []


class Stats:
    def __init__(self, violations: Violations):
        self._lock = threading.Lock()
        self.ops: Dict[str, OpStats] = collections.defaultdict(OpStats)
        self.faults: Dict[str, int] = collections.Counter()
        self.violations = violations
        self.counters: Dict[str, int] = collections.Counter()

    def record(self, op: str, code: str, seconds: float,
               detail: str = "") -> None:
        with self._lock:
            s = self.ops[op]
            s.codes[code] += 1
            s.latencies.append(seconds)
        if code not in CLEAN_CODES:
            self.violations.add("answer within deadline",
                                f"{op} ended {code} after {seconds:.2f} s: "
                                f"{detail[:300]}")

    def call(self, op: str, fn, *args, **kwargs):
        """Runs one gRPC call; records its code and time. Returns the
        response, or None when it failed (the code is recorded)."""
        start = time.monotonic()
        try:
            response = fn(*args, **kwargs)
        except grpc.RpcError as e:
            self.record(op, e.code().name, time.monotonic() - start,
                        e.details() or "")
            return None
        self.record(op, "OK", time.monotonic() - start)
        return response

    def count(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.counters[what] += n

    def fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    def summary(self, seed: int, minutes: float, writes: int, lost: int,
                lingering: int, leaked: int,
                footprints: Dict[str, str]) -> dict:
        with self._lock:
            ops = {}
            for op in sorted(self.ops):
                lat = sorted(self.ops[op].latencies)
                ops[op] = {
                    "calls": len(lat),
                    "codes": dict(sorted(self.ops[op].codes.items())),
                    "p50_ms": _percentile(lat, 0.50),
                    "p99_ms": _percentile(lat, 0.99),
                }
            return {
                "seed": seed, "minutes": minutes,
                "faults": dict(sorted(self.faults.items())),
                "ops": ops, "counters": dict(sorted(self.counters.items())),
                "writes_acknowledged": writes, "lost": lost,
                "lingering": lingering, "leaked": leaked,
                "footprint": footprints,
                "violations": list(self.violations.items),
            }


def _percentile(sorted_values: List[float], q: float) -> Optional[float]:
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, int(q * len(sorted_values)))
    return round(sorted_values[i] * 1000, 2)


def table(summary: dict) -> str:
    """The summary as Markdown tables."""
    lines = ["| fault | injected |", "|---|---:|"]
    lines += [f"| {k} | {n} |" for k, n in summary["faults"].items()]
    lines += ["", "| operation | calls | errors by code | p50 ms | p99 ms |",
              "|---|---:|---|---:|---:|"]
    for op, s in summary["ops"].items():
        errors = ", ".join(f"{c} {n}" for c, n in s["codes"].items()
                           if c != "OK") or "-"
        lines.append(f"| {op} | {s['calls']} | {errors} | {s['p50_ms']} | "
                     f"{s['p99_ms']} |")
    if summary["counters"]:
        lines += ["", "| counted | n |", "|---|---:|"]
        lines += [f"| {k} | {n} |" for k, n in summary["counters"].items()]
    if summary["footprint"]:
        lines += ["", "| daemon footprint | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in summary["footprint"].items()]
    return "\n".join(lines)


def write_json(path: str, summary: dict) -> None:
    with open(path, "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")
