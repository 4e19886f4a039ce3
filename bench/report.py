#!/usr/bin/env python3
"""Tables (markdown) and the Lookup latency plot from bench/run's results.

    report.py RESULTS.jsonl OUT_DIR --entries=N [--check]

--check (bench/run --quick): fails unless every dump counted exactly N
entries, every point-operation run made calls without errors, and the
default set's two programs attached.
"""
import argparse
import json
import sys
from collections import defaultdict


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


DUMP_PATHS = [
    ("dump_batch", "", "in-process BPF_MAP_LOOKUP_BATCH"),
    ("dump_nextkey", "", "in-process get-next-key + lookup"),
    ("api_dump", "/raw", "API Dump, raw, packed pages"),
    ("api_dump", "/json", "API Dump, JSON lines (packed)"),
    ("api_dump", "/json_entries", "API Dump, JSON, per-entry pages"),
    ("cli_json", "", "`bpfwarden dump` > /dev/null"),
    ("cli_raw", "", "`bpfwarden dump --raw` > /dev/null"),
    ("bpftool_json", "", "`bpftool -j map dump pinned`"),
    ("bpftool_plain", "", "`bpftool map dump pinned`"),
    ("python_dump", "", "Python `Client.dump`, typed objects"),
]


def find(results, mode, label):
    for r in results:
        if r["mode"] == mode and r.get("label") == label:
            return r
    return None


def dump_tables(results, maps):
    out = []
    for m in maps:
        base = find(results, "bpftool_json", m)
        batch = find(results, "dump_batch", m)
        out.append(f"\n**{m}**\n")
        out.append("| path | entries | seconds | entries/s | vs bpftool -j | vs in-process batch |")
        out.append("|---|---|---|---|---|---|")
        for mode, suffix, name in DUMP_PATHS:
            r = find(results, mode, m + suffix)
            if r is None:
                continue
            vs_tool = r["rate"] / base["rate"] if base else float("nan")
            vs_batch = r["rate"] / batch["rate"] if batch else float("nan")
            out.append(f"| {name} | {r['count']} | {r['seconds']:.3f} | "
                       f"{r['rate'] / 1e6:.2f} M | {vs_tool:.1f}× | {vs_batch:.2f}× |")
    return out


def point_table(results):
    """The daemon's point operations beside their two floors: the bare
    syscall, and the same calls to a gRPC server that answers at once
    (bench/noop_server.cc); "vs no-op" is the daemon's p50 over that
    server's p50 for the same operation and clients (raw)."""
    out = ["| operation | encoding | clients | calls/s | p50 µs | p99 µs | p99.9 µs | errors | p50 vs no-op server |",
           "|---|---|---|---|---|---|---|---|---|"]

    def row(name, enc, clients, r, ratio=""):
        return (f"| {name} | {enc} | {clients} | {r['calls_per_s']:.0f} | "
                f"{r['p50_us']:.1f} | {r['p99_us']:.1f} | {r['p999_us']:.1f} | "
                f"{r['errors']} | {ratio} |")

    sys_r = find(results, "syscall", "lookup")
    if sys_r:
        out.append(row("bare `bpf_map_lookup_elem` (in-process)", "raw", 1, sys_r))
    ping = find(results, "pingpong", "unix")
    if ping:
        out.append(row("1-byte round trip to another process (Unix socket pair)",
                       "raw", 1, ping))
    noop = {}
    for r in results:
        if r["mode"] == "point" and r["label"].startswith("noop/"):
            _, op, enc, clients = r["label"].split("/")
            noop[(op, clients)] = r
    for (op, clients), r in noop.items():
        out.append(row(f"no-op gRPC server: {op}", "raw", clients, r))
    for r in results:
        if r["mode"] != "point" or r["label"].startswith("noop/"):
            continue
        op, enc, clients = r["label"].split("/")
        name = op
        if op == "lookup_batch":
            name += f" ({r['rate'] / 1e6:.2f} M keys/s)"
        floor = noop.get((op, clients))
        ratio = f"{r['p50_us'] / floor['p50_us']:.2f}×" if floor else ""
        out.append(row(name, enc, clients, r, ratio))
    return out


def python_table(results):
    """The package against its anchors: the CLI's JSON lines for dumps, a
    bare grpcio call of the same RPC for lookups."""
    out = ["| measure | package | anchor | package vs anchor |", "|---|---|---|---|"]
    dump = find(results, "python_dump", "bench_hash")
    cli = find(results, "cli_json", "bench_hash")
    if dump and cli:
        out.append(f"| dump bench_hash, entries/s (anchor: `bpfwarden dump -o jsonl`) | "
                   f"{dump['rate'] / 1e6:.2f} M | {cli['rate'] / 1e6:.2f} M | "
                   f"{dump['rate'] / cli['rate']:.2f}× |")
    pkg = find(results, "python_point", "lookup/package/1")
    bare = find(results, "python_point", "lookup/grpcio/1")
    if pkg and bare:
        out.append(f"| lookup, 1 client, calls/s (anchor: bare grpcio stub) | "
                   f"{pkg['calls_per_s']:.0f} | {bare['calls_per_s']:.0f} | "
                   f"{pkg['calls_per_s'] / bare['calls_per_s']:.2f}× |")
        out.append(f"| lookup, 1 client, p50 µs | {pkg['p50_us']:.1f} | "
                   f"{bare['p50_us']:.1f} | {pkg['p50_us'] / bare['p50_us']:.2f}× |")
    return out


def daemon_table(results):
    out = ["| measure | value |", "|---|---|"]
    start = find(results, "ready", "start")
    if start:
        out.append(f"| start to READY=1, default set | {start['seconds'] * 1e3:.1f} ms |")
    bench_start = find(results, "ready", "start_bench_set")
    if bench_start:
        out.append(f"| start to READY=1, bench set (1M hash + 2M LRU, preallocated) | "
                   f"{bench_start['seconds'] * 1e3:.1f} ms |")
    idle = find(results, "rss", "idle")
    if idle:
        out.append(f"| RSS, idle after start, default set | {idle['rss_kb'] / 1024:.1f} MB |")
    loaded = [r.get("max_rss_kb", 0) for r in results
              if r["mode"] == "point" and r["label"].endswith("/16")]
    if loaded:
        out.append(f"| RSS, most under 16-client load | {max(loaded) / 1024:.1f} MB |")
    la = find(results, "load_attach", "default_set")
    if la:
        out.append(f"| load the default set + attach its 2 programs | {la['seconds'] * 1e3:.1f} ms |")
    return out


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: no matplotlib (python3-matplotlib); no plot", file=sys.stderr)
        return
    series = defaultdict(list)
    for r in results:
        if r["mode"] != "point":
            continue
        if r["label"].startswith("lookup/"):
            _, enc, clients = r["label"].split("/")
            series[enc].append((int(clients), r))
        elif r["label"].startswith("noop/lookup/"):
            clients = r["label"].split("/")[-1]
            series["no-op server"].append((int(clients), r))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for enc, points in sorted(series.items()):
        points.sort(key=lambda p: p[0])
        xs = [p[0] for p in points]
        for key, style in (("p50_us", "-o"), ("p99_us", "--s"), ("p999_us", ":^")):
            ax.plot(xs, [p[1][key] for p in points], style,
                    label=f"{enc} {key[:-3]}")
    ping = find(results, "pingpong", "unix")
    if ping:
        ax.axhline(ping["p50_us"], color="black", lw=0.8, ls="--",
                   label="Unix socket round trip p50")
    sys_r = find(results, "syscall", "lookup")
    if sys_r:
        ax.axhline(sys_r["p50_us"], color="grey", lw=0.8,
                   label="bare syscall p50")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("concurrent clients (one connection each)")
    ax.set_ylabel("Maps.Lookup latency (µs)")
    ax.set_title("Lookup latency over the Unix socket (bench/run)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def check(results, entries):
    problems = []
    for r in results:
        mode = r["mode"]
        if mode in ("dump_batch", "dump_nextkey", "api_dump", "cli_json",
                    "cli_raw", "bpftool_json", "bpftool_plain",
                    "python_dump"):
            if r["count"] != entries:
                problems.append(f"{mode} {r['label']}: counted {r['count']}, wrote {entries}")
        elif mode in ("point", "python_point"):
            if r["count"] == 0 or r["errors"] != 0:
                problems.append(f"point {r['label']}: {r['count']} counted, {r['errors']} errors")
        elif mode == "load_attach" and r["count"] != 2:
            problems.append(f"load_attach: {r['count']} of 2 attached")
    needed = {"ready", "rss", "load_attach", "dump_batch", "api_dump", "point",
              "syscall", "pingpong", "python_dump", "python_point"}
    missing = needed - {r["mode"] for r in results}
    if missing:
        problems.append(f"no result for {sorted(missing)}")
    if not any(r["mode"] == "point" and r["label"].startswith("noop/")
               for r in results):
        problems.append("no result from the no-op gRPC server")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("out")
    parser.add_argument("--entries", type=int, required=True)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    results = load(args.results)
    maps = sorted({r["label"] for r in results if r["mode"] == "dump_batch"})
    lines = ["### Dump", *dump_tables(results, maps),
             "", "### Point operations", "", *point_table(results),
             "", "### Python", "", *python_table(results),
             "", "### The daemon", "", *daemon_table(results)]
    text = "\n".join(lines) + "\n"
    with open(f"{args.out}/tables.md", "w") as f:
        f.write(text)
    print(text)
    plot(results, f"{args.out}/lookup_latency.png")
    if args.check:
        problems = check(results, args.entries)
        for p in problems:
            print(f"bench: CHECK FAILED: {p}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"bench: quick run OK, every count is {args.entries}")


if __name__ == "__main__":
    main()
