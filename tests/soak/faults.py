"""The faults, each injected, checked while it lasts, and cleared; the
caller then checks the world settled (World.settle). Every random choice
comes from the soak's seeded generator."""
from __future__ import annotations

import errno
import os
import random
import subprocess
import sys
import time

from bpfwarden._proto import api_pb2, api_pb2_grpc

import checks
from admin import RuntimeAdmin, slow_read
from daemon import channel
from world import HERE, World

MEMLOCK_BYTES = 64 * 1024


def _attachments(w: World):
    with channel(w.env.socket) as ch:
        return api_pb2_grpc.AttachmentsStub(ch).List(
            api_pb2.ListAttachmentsRequest(), timeout=10).attachments


def _read(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def _wait(what: str, w: World, condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            w.violations.add("fault handled", what)
            return False
        time.sleep(0.1)
    return True


def sighup(w: World, rng: random.Random) -> None:
    """One to five reloads with sets, attachments and policy changed, then
    the base config again."""
    for _ in range(rng.randint(1, 5)):
        variant = {}
        while not any(variant.values()):
            variant = {k: rng.random() < 0.5 for k in
                       ("extra_set", "extra_attach", "drop_victim",
                        "grant_nobody")}
        w.daemon.reload(w.config(**variant))
        w.stats.count("reloads")
        w.observe()
        sets = {a.program_set for a in _attachments(w)}
        if variant["extra_set"] and "extra" not in sets:
            w.violations.add("reload applied", f"no attachment of set extra "
                             f"after a reload that adds it ({variant})")
        time.sleep(rng.uniform(0.2, 2))
    w.daemon.reload(w.config())
    w.stats.count("reloads")
    victim = w.env.cgroup_path("victim")
    if not _wait("the base config's attachments back after a reload", w,
                 lambda: any(a.cgroup == victim and not a.defunct
                             for a in _attachments(w))):
        return
    if "extra" in {a.program_set for a in _attachments(w)}:
        w.violations.add("reload applied", "set extra still attached after "
                         "the reload that removes it")


def restart(w: World, rng: random.Random, memlock=None, kill=True) -> None:
    """As systemd's Restart= would: SIGKILL (or a clean SIGTERM stop), a
    short pause, the daemon again; then every acknowledged write is
    there."""
    if kill:
        w.daemon.kill()
    else:
        code = w.daemon.stop()
        if code != 0:
            w.violations.add("clean stop", f"SIGTERM under load: exit {code}"
                             f"\n{w.env.log_tail()}")
        left = checks.attached_in_tree(w.env.cgroup)
        if left:
            w.violations.add("nothing attached after a stop", "; ".join(left))
    time.sleep(rng.uniform(0.05, 0.5))
    w.daemon.start(memlock_bytes=memlock)
    w.verify_writes(f"after restart {w.daemon.starts}")


def sigkill(w: World, rng: random.Random) -> None:
    restart(w, rng)


def memlock(w: World, rng: random.Random) -> None:
    """A start under RLIMIT_MEMLOCK of 64 KiB (BPF memory is charged to
    the memory cgroup on 5.11+, so the daemon must still start), then one
    without."""
    restart(w, rng, memlock=MEMLOCK_BYTES, kill=False)
    with open(f"/proc/{w.daemon.pid}/limits") as f:
        line = next(x for x in f if x.startswith("Max locked memory"))
    if line.split()[3:5] != [str(MEMLOCK_BYTES)] * 2:
        w.violations.add("fault injected", f"memlock: the daemon runs with "
                         f"{line.strip()!r}")
    restart(w, rng, kill=rng.random() < 0.5)


def client_killed(w: World, rng: random.Random) -> None:
    """A Dump, Watch or Tail client SIGKILLed once its stream runs."""
    kind = rng.choice(["dump", "watch", "tail"])
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "child.py"),
                          "stream", w.env.socket, kind],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    try:
        line = p.stdout.readline()  # "streaming", or "" if it ended
        if line.strip() != "streaming":
            w.stats.count(f"killed {kind} client: stream never started")
        time.sleep(rng.uniform(0, 1))
    finally:
        p.kill()
        p.wait()
    w.stats.count(f"killed {kind} client")


def slow_reader(w: World, rng: random.Random) -> None:
    slow_read(w.env.socket, w.stats, rng.uniform(3, 8))


def disk_full(w: World, rng: random.Random) -> None:
    """The state directory's tmpfs filled up; run-time loads, attaches and
    unloads meanwhile end cleanly and leave the state file readable; once
    space is back, they work."""
    filler = os.path.join(w.env.state_dir, "soak-filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    try:
        admin = RuntimeAdmin(w.env.socket, w.stats, rng.randrange(1 << 30),
                             "full", w.env.cgroup_rel("rt"),
                             label="disk full: ")
        for _ in range(4):
            admin.step()
            if admin.loaded and '"full"' not in _read(w.env.state_file()):
                # The daemon logs a failed state write and answers OK.
                w.stats.count("disk full: change acknowledged, not in state")
        problem = checks.state_file_problem(w.env.state_file())
        if problem:
            w.violations.add("state file readable", f"disk full: {problem}")
        # Back to nothing: whatever got loaded goes again.
        admin.unload("full")
    finally:
        os.unlink(filler)
    admin = RuntimeAdmin(w.env.socket, w.stats, rng.randrange(1 << 30),
                         "full", w.env.cgroup_rel("rt"))
    if admin.load("full") is None or admin.unload("full") is None:
        w.violations.add("fault handled", "a run-time load and unload fail "
                         "once the state directory has space again")
    admin.channel.close()


def cgroup_removed(w: World, rng: random.Random) -> None:
    """The attached cgroup "victim" removed under the daemon: its
    attachment shows defunct; re-created and reloaded, it is attached
    again."""
    victim = w.env.cgroup_path("victim")
    os.rmdir(victim)
    _wait("the attachment to a removed cgroup shown defunct", w,
          lambda: any(a.cgroup == victim and a.defunct
                      for a in _attachments(w)))
    time.sleep(rng.uniform(0, 2))
    os.mkdir(victim)
    w.daemon.reload(w.config(drop_victim=True))
    w.daemon.reload(w.config())
    if _wait("the re-created cgroup attached again", w,
             lambda: any(a.cgroup == victim and not a.defunct
                         for a in _attachments(w))):
        if not checks.attached_in_tree(victim):
            w.violations.add("fault handled", "the daemon lists the victim "
                             "attachment but the kernel has none")


def unpinned(w: World, rng: random.Random) -> None:
    """A pinned map of the builtin set unpinned behind the daemon's back:
    it still serves the map; a restart pins it again."""
    pins = os.path.join(w.env.pin_root, "bpfwarden")
    # Not tcp_tune_rules: its rule makes the logs the followers read.
    name = rng.choice(sorted(n for n in os.listdir(pins)
                             if n in ("tcp_stats", "tcp_tune_counters")))
    pin = os.path.join(pins, name)
    os.unlink(pin)
    with channel(w.env.socket) as ch:
        maps = api_pb2_grpc.MapsStub(ch)
        try:
            for _ in maps.Dump(api_pb2.DumpRequest(
                    map=api_pb2.MapRef(program_set="bpfwarden", map=name)),
                    timeout=30):
                pass
        except Exception as e:  # grpc.RpcError
            w.violations.add("fault handled", f"dump of unpinned {name}: "
                             f"{e.code().name} {e.details()}")
    restart(w, rng, kill=rng.random() < 0.5)
    if not os.path.exists(pin):
        w.violations.add("fault handled", f"{pin} not pinned again after a "
                         "restart")


KINDS = {
    "sighup": sighup,
    "sigkill": sigkill,
    "client_killed": client_killed,
    "slow_reader": slow_reader,
    "disk_full": disk_full,
    "cgroup_removed": cgroup_removed,
    "unpinned": unpinned,
    "memlock": memlock,
}
