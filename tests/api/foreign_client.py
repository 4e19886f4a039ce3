"""A foreign client of bpfwardend's API: Debian's python3-grpcio, with stubs
generated from proto/ at run time by python3-grpc-tools. Reads and writes
typed entries, checks the exact status codes, the health service, and that
server reflection is not served (the proto files are the schema). Exits 0 when every check passed; prints what failed otherwise.

usage: foreign_client.py SOCKET PROTO_ROOT OUT_DIR

PROTO_ROOT is the import root of the API's .proto files (the proto/ directory,
holding bpfwarden/v1/api.proto).
"""
import json
import subprocess
import sys


def main(socket, proto_root, out_dir):
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "-I" + proto_root,
         "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
         "bpfwarden/v1/api.proto", "bpfwarden/v1/config.proto"],
        check=True)
    sys.path.insert(0, out_dir)
    import grpc
    from bpfwarden.v1 import api_pb2, api_pb2_grpc

    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    channel = grpc.insecure_channel("unix:" + socket)
    grpc.channel_ready_future(channel).result(timeout=20)
    maps = api_pb2_grpc.MapsStub(channel)
    daemon = api_pb2_grpc.DaemonStub(channel)
    ref = api_pb2.MapRef(program_set="bpfwarden", map="tcp_tune_rules")

    status = daemon.Status(api_pb2.StatusRequest(), timeout=10)
    check(status.caller.startswith("uid:0(root)"), "caller: " + status.caller)
    check(status.program_sets == 1, "program_sets %d" % status.program_sets)

    info = maps.Get(api_pb2.GetMapRequest(map=ref), timeout=10)
    check(info.type == "lpm_trie", "type " + info.type)
    layout = json.loads(info.value_layout)
    check("congestion" in json.dumps(layout), "layout " + info.value_layout)

    key = {"prefixlen": 120, "addr": "10.9.8.0"}
    value = {"rule_id": 5, "initial_rto_ms": 200, "initial_rwnd_segments": 0,
             "pad": 0, "congestion": "cubic"}
    maps.Update(api_pb2.UpdateRequest(
        map=ref, entries=[api_pb2.Entry(
            key=api_pb2.Data(json=json.dumps(key)),
            value=api_pb2.Data(json=json.dumps(value)))]), timeout=10)
    got = maps.Lookup(api_pb2.LookupRequest(
        map=ref, key=api_pb2.Data(json=json.dumps(key))), timeout=10)
    check(json.loads(got.entry.key.json) == key, "key " + got.entry.key.json)
    check(json.loads(got.entry.value.json) == value,
          "value " + got.entry.value.json)

    # Exact codes.
    try:
        maps.Update(api_pb2.UpdateRequest(
            map=ref, flag=api_pb2.NOEXIST, entries=[api_pb2.Entry(
                key=api_pb2.Data(json=json.dumps(key)),
                value=api_pb2.Data(json=json.dumps(value)))]), timeout=10)
        failures.append("NOEXIST on an existing key succeeded")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.ALREADY_EXISTS, "NOEXIST: %s" % e)
    try:
        maps.Lookup(api_pb2.LookupRequest(
            map=api_pb2.MapRef(program_set="bpfwarden", map="nope"),
            key=api_pb2.Data(json="{}")), timeout=10)
        failures.append("lookup in an unknown map succeeded")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.NOT_FOUND, "unknown map: %s" % e)
    try:
        maps.Update(api_pb2.UpdateRequest(
            map=ref, zero_fill=True, entries=[api_pb2.Entry(
                key=api_pb2.Data(json=json.dumps(key)),
                value=api_pb2.Data(json='{"rule_id": 4294967296}'))]),
            timeout=10)
        failures.append("overflowing rule_id accepted")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.INVALID_ARGUMENT and
              "value.rule_id" in e.details(), "overflow: %s" % e)

    # A batch, then a dump in pages.
    batch = [api_pb2.Entry(
        key=api_pb2.Data(json=json.dumps(
            {"prefixlen": 128, "addr": "2001:db8::%x" % i})),
        value=api_pb2.Data(json=json.dumps({"rule_id": 100 + i})))
        for i in range(1, 21)]
    resp = maps.Update(api_pb2.UpdateRequest(map=ref, entries=batch,
                                             zero_fill=True), timeout=10)
    check(resp.updated == 20, "batch updated %d" % resp.updated)
    seen = {}
    pages = 0
    for page in maps.Dump(api_pb2.DumpRequest(map=ref, page_size=4),
                          timeout=20):
        pages += 1
        for entry in page.entries:
            seen[json.loads(entry.key.json)["addr"]] = json.loads(
                entry.value.json)["rule_id"]
    check(len(seen) == 21, "dumped %d entries" % len(seen))
    check(pages >= 2, "dump in %d pages" % pages)
    check(seen.get("2001:db8::14") == 120, "entry 2001:db8::14: %s" %
          seen.get("2001:db8::14"))
    check(seen.get("10.9.8.0") == 5, "entry 10.9.8.0")
    resp = maps.Delete(api_pb2.DeleteRequest(
        map=ref, keys=[e.key for e in batch]), timeout=10)
    check(resp.deleted == 20, "deleted %d" % resp.deleted)

    # The standard health service (grpc.health.v1), by hand-encoded bytes:
    # HealthCheckResponse{status: SERVING} is 08 01.
    health = channel.unary_unary("/grpc.health.v1.Health/Check",
                                 request_serializer=lambda b: b,
                                 response_deserializer=lambda b: b)
    check(health(b"", timeout=10) == b"\x08\x01", "health not SERVING")
    # No server reflection: gRPC 1.51 serves it only on a thread per stream
    # (list_services = field 7).
    reflect = channel.stream_stream(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        b"".join(reflect(iter([b"\x3a\x00"]), timeout=10))
        check(False, "reflection answered")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.UNIMPLEMENTED,
              "reflection: %s" % e.code())

    for f in failures:
        print("FAILED: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
