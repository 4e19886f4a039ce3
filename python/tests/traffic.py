"""Loopback TCP traffic from a process placed in a cgroup, so the cgroup's
sock_ops programs see both ends of a real connection."""
import subprocess
import sys

_SCRIPT = r"""
import os, socket, sys
with open(os.path.join(sys.argv[1], "cgroup.procs"), "w") as f:
    f.write(str(os.getpid()))
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
client = socket.create_connection(listener.getsockname(), timeout=10)
server, _ = listener.accept()
client.sendall(b"ping" * 1024)
got = b""
while len(got) < 4096:
    got += server.recv(65536)
server.sendall(b"pong")
assert client.recv(4) == b"pong"
for s in (client, server, listener):
    s.close()
print("ok")
"""


def tcp_exchange_in(cgroup: str) -> None:
    """One connection over 127.0.0.1, both ends in `cgroup`; raises with
    the child's stderr when it fails."""
    done = subprocess.run([sys.executable, "-c", _SCRIPT, cgroup],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0 or done.stdout.strip() != "ok":
        raise RuntimeError(f"loopback exchange in {cgroup} failed "
                           f"({done.returncode}): {done.stderr}")
