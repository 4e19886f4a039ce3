"""The soak's child processes, one mode each:

  child.py traffic CGROUP        loopback TCP connections from inside CGROUP
                                 (the builtin sock_ops programs see both
                                 ends) until SIGTERM; prints its counts
  child.py hostile SOCKET SEED   a grantless user's (run as nobody) hostile
                                 requests, one JSON line per answer
  child.py stream SOCKET KIND    a Dump, Watch or Tail that prints
                                 "streaming" at its first message and reads
                                 on until it is killed

Run with /usr/bin/python3; argv[0]'s directory's ../../python holds the
package bpfwarden."""
import json
import os
import random
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "python"))
import grpc  # noqa: E402
from bpfwarden._proto import api_pb2, api_pb2_grpc, config_pb2  # noqa: E402

stopping = False


def _stop(signum, frame):
    global stopping
    stopping = True


def traffic(cgroup: str) -> None:
    with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, _stop)
    done = errors = 0
    while not stopping:
        try:
            with socket.socket() as listener:
                listener.bind(("127.0.0.1", 0))
                listener.listen(1)
                with socket.create_connection(listener.getsockname(),
                                              timeout=10) as client:
                    server, _ = listener.accept()
                    with server:
                        client.sendall(b"soak" * 1024)
                        got = 0
                        while got < 4096:
                            got += len(server.recv(65536))
                        server.sendall(b"done")
                        client.recv(4)
            done += 1
        except OSError:
            errors += 1
        time.sleep(0.02)
    print(json.dumps({"connections": done, "errors": errors}), flush=True)


def _stubs(path: str):
    ch = grpc.insecure_channel("unix:" + path, [
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 500)])
    return (api_pb2_grpc.MapsStub(ch), api_pb2_grpc.ProgramsStub(ch),
            api_pb2_grpc.AttachmentsStub(ch), api_pb2_grpc.LogsStub(ch),
            api_pb2_grpc.DaemonStub(ch))


def _hostile_table(maps, programs, attachments, logs, daemon):
    """(name, class, thunk): class is what the policy could grant; WRITE and
    ADMIN are never granted to nobody."""
    ref = api_pb2.MapRef
    raw = api_pb2.Data
    entry = api_pb2.Entry(key=raw(raw=b"\0" * 4), value=raw(raw=b"\0" * 16))
    big = "x" * 65536
    return [
        ("update_writes", "WRITE", lambda t: maps.Update(api_pb2.UpdateRequest(
            map=ref(program_set="soak", map="soak_writes"), entries=[entry]),
            timeout=t)),
        ("delete_big", "WRITE", lambda t: maps.Delete(api_pb2.DeleteRequest(
            map=ref(program_set="soak", map="soak_big"),
            keys=[raw(raw=b"\0" * 4)]), timeout=t)),
        ("update_17mib", "WRITE", lambda t: maps.Update(api_pb2.UpdateRequest(
            map=ref(program_set="soak", map="soak_writes"),
            entries=[api_pb2.Entry(key=raw(raw=b"\0" * 4),
                                   value=raw(raw=b"\0" * (17 << 20)))]),
            timeout=t)),
        ("load", "ADMIN", lambda t: programs.Load(api_pb2.LoadRequest(
            program_set=config_pb2.ProgramSet(name="evil", builtin=True)),
            timeout=t)),
        ("unload", "ADMIN", lambda t: programs.Unload(
            api_pb2.UnloadRequest(name="soak"), timeout=t)),
        ("attach_root", "ADMIN", lambda t: attachments.Attach(
            api_pb2.AttachRequest(attachment=config_pb2.Attachment(
                program_set="soak", program="soak_sockops", cgroup="/")),
            timeout=t)),
        ("detach", "ADMIN", lambda t: attachments.Detach(
            api_pb2.DetachRequest(id="att-0000000000000000"), timeout=t)),
        ("lookup_big", "READ", lambda t: maps.Lookup(api_pb2.LookupRequest(
            map=ref(program_set="soak", map="soak_big"),
            key=raw(raw=b"\1\0\0\0"), encoding=api_pb2.ENCODING_RAW),
            timeout=t)),
        ("lookup_dotdot", "READ", lambda t: maps.Lookup(api_pb2.LookupRequest(
            map=ref(program_set="..", map="../soak/soak_big"),
            key=raw(raw=b"\0" * 4)), timeout=t)),
        ("lookup_64k_name", "READ", lambda t: maps.Lookup(
            api_pb2.LookupRequest(map=ref(program_set=big, map=big),
                                  key=raw(raw=b"\0" * 4)), timeout=t)),
        ("dump_big", "READ", lambda t: list(maps.Dump(api_pb2.DumpRequest(
            map=ref(program_set="soak", map="soak_big"), packed=True),
            timeout=t))),
        ("tail_logs", "READ", lambda t: list(logs.Tail(api_pb2.TailRequest(
            program_set="bpfwarden", follow=False), timeout=t))),
        ("status", "OPEN", lambda t: daemon.Status(api_pb2.StatusRequest(),
                                                   timeout=t)),
    ]


def hostile(path: str, seed: int) -> None:
    signal.signal(signal.SIGTERM, _stop)
    rng = random.Random(seed)
    table = _hostile_table(*_stubs(path))
    while not stopping:
        name, cls, thunk = rng.choice(table)
        start = time.monotonic()
        code, detail = "OK", ""
        try:
            thunk(10.0)
        except grpc.RpcError as e:
            code, detail = e.code().name, (e.details() or "")[:200]
        print(json.dumps({"op": name, "class": cls, "code": code,
                          "seconds": time.monotonic() - start,
                          "detail": detail}), flush=True)
        time.sleep(rng.uniform(0.02, 0.1))


def stream(path: str, kind: str) -> None:
    maps, _, _, logs, _ = _stubs(path)
    big = api_pb2.MapRef(program_set="soak", map="soak_big")
    if kind == "dump":
        call = maps.Dump(api_pb2.DumpRequest(map=big, page_size=256,
                                             packed=True))
    elif kind == "watch":
        call = maps.Watch(api_pb2.WatchRequest(
            map=api_pb2.MapRef(program_set="soak", map="soak_writes"),
            interval_ms=100))
    else:
        call = logs.Tail(api_pb2.TailRequest(program_set="bpfwarden",
                                             follow=True))
    first = True
    for _ in call:
        if first:
            print("streaming", flush=True)
            first = False
        time.sleep(0.2)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "traffic":
        traffic(sys.argv[2])
    elif mode == "hostile":
        hostile(sys.argv[2], int(sys.argv[3]))
    elif mode == "stream":
        stream(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown mode {mode}")
