"""The Python package's speed against the bench daemon (issue 23's goals),
as JSON lines for bench/report.py:

- python_dump: `Client.dump` of the map, every entry as typed Python
  objects, against the CLI's JSON lines (`cli_json`) of the same run;
- python_point: `Client.lookup` at one client against a bare grpcio call
  of the same RPC with the same request (the generated stub alone).

usage: /usr/bin/python3 bench/python_bench.py --socket=S --set=bench --map=bench_hash --seconds=N
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
import grpc  # noqa: E402

import bpfwarden  # noqa: E402
from bpfwarden._proto import api_pb2, api_pb2_grpc  # noqa: E402


def emit(**record):
    print(json.dumps(record), flush=True)


def timed_calls(call, seconds):
    """Calls `call` for `seconds`; (calls, elapsed, latencies in µs)."""
    latencies = []
    start = time.perf_counter()
    end = start + seconds
    now = start
    while now < end:
        call()
        after = time.perf_counter()
        latencies.append((after - now) * 1e6)
        now = after
    return len(latencies), now - start, latencies


def point(label, calls, elapsed, latencies):
    latencies.sort()
    emit(mode="python_point", label=label, count=calls, errors=0,
         seconds=elapsed, rate=calls / elapsed, calls_per_s=calls / elapsed,
         p50_us=statistics.median(latencies),
         p99_us=latencies[int(len(latencies) * 0.99) - 1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--set", default="bench", dest="set_name")
    parser.add_argument("--map", default="bench_hash")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()

    with bpfwarden.Client(args.socket) as client:
        start = time.perf_counter()
        count = 0
        first_key = None
        for key, _ in client.dump(args.set_name, args.map, packed=True):
            if first_key is None:
                first_key = key
            count += 1
        elapsed = time.perf_counter() - start
        emit(mode="python_dump", label=args.map, count=count,
             seconds=elapsed, rate=count / elapsed)

        # The same request both ways: the package's typed lookup, and the
        # generated stub's call with the key's JSON text.
        channel = grpc.insecure_channel("unix:" + args.socket)
        stub = api_pb2_grpc.MapsStub(channel)
        request = api_pb2.LookupRequest(
            map=api_pb2.MapRef(program_set=args.set_name, map=args.map),
            key=api_pb2.Data(json=json.dumps(first_key)),
            encoding=api_pb2.ENCODING_JSON)
        package = lambda: client.lookup(args.set_name, args.map, first_key)
        bare = lambda: stub.Lookup(request, timeout=10)
        package(), bare()  # connections up, layouts cached
        # Alternating halves, so both see the same machine.
        runs = {"package": [0, 0.0, []], "grpcio": [0, 0.0, []]}
        for _ in range(2):
            for name, call in (("package", package), ("grpcio", bare)):
                calls, took, lat = timed_calls(call, args.seconds / 2)
                runs[name][0] += calls
                runs[name][1] += took
                runs[name][2] += lat
        for name, (calls, took, lat) in runs.items():
            point(f"lookup/{name}/1", calls, took, lat)
        channel.close()


if __name__ == "__main__":
    main()
