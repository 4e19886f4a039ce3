"""Crash consistency of the daemon's own state (issue 26): the daemon is
killed at every pass of every crash point (daemon/base/crash_point.h: the
state file's write and rename, link pins and unpins, map unpins, a load's
map pins) during a start, a run-time Load, pinned and plain Attach,
Detach, Unload and a stop; then started again, it must read its state,
adopt or clean up exactly what it finds, and stop leaving nothing attached.

    crash_points.py --daemon=bpfwardend_for_tests --object=soak.bpf.o

Prints one line per crash and what the restart found; exits 1 naming each
inconsistency, 0 when every point was reached and every crash recovered."""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "python"))

import bpfwarden  # noqa: E402

import checks  # noqa: E402
from daemon import Daemon  # noqa: E402
from env import SoakEnv, missing_prerequisites  # noqa: E402

POINTS = ("atomic_write.written", "atomic_write.renamed", "link.pinned",
          "link.unpinned", "map.unpinned", "load.maps_pinned")
MAX_PASSES = 40  # a point passed more often than this is a runaway


def config(env: SoakEnv) -> str:
    """The builtin set with one pinned attachment (a link pin at every
    start, an unpin at every stop)."""
    return ('program_sets { name: "bpfwarden" builtin: true }\n'
            'attachments { program_set: "bpfwarden" program: '
            f'"tcp_stats_sockops" cgroup: "{env.cgroup_rel("load")}" '
            'pinned: true }\n')


def scenario(env: SoakEnv, d: Daemon) -> None:
    """Run-time changes that write the state file and pin and unpin maps
    and links; then a clean stop. Ends early when the daemon dies."""
    rt = env.cgroup_rel("rt")
    with bpfwarden.Client(env.socket, timeout=30) as c:
        c.load("rt", builtin=True)
        pinned = c.attach("rt", "tcp_stats_sockops", rt, pinned=True)
        c.attach("rt", "tcp_tune_sockops", rt)
        c.detach(pinned)
        c.attach("rt", "tcp_stats_sockops", rt, pinned=True)
        c.unload("rt", unpin_maps=True)
        c.load("rt2", builtin=True)
        c.attach("rt2", "tcp_tune_sockops", rt, pinned=True)
    d.stop()


def link_pins(pin_root: str) -> set:
    found = set()
    for d, _, files in os.walk(pin_root):
        if os.path.basename(d) == "pinned-links":
            found.update(os.path.join(d, f) for f in files)
    return found


def recovered(env: SoakEnv, d: Daemon) -> list:
    """Starts the daemon again (no crash point) and compares what it says
    with the kernel and bpffs; then stops it. The problems found."""
    problems = []
    why = checks.state_file_problem(env.state_file())
    if why:
        problems.append(f"state file unreadable after the crash: {why}")
    d.extra_args = []
    d.start()
    if os.path.exists(env.state_file() + ".corrupt"):
        problems.append("the restart set the state file aside as corrupt")
    with bpfwarden.Client(env.socket, timeout=30) as c:
        ours = [a for a in c.attachments() if not a.waiting]
        sets = {s.name for s in c.programs()}
    listed_pins = {a.link_pin_path for a in ours if a.pinned}
    on_disk = link_pins(env.pin_root)
    if on_disk - listed_pins:
        problems.append("link pins nobody adopted: "
                        f"{sorted(on_disk - listed_pins)}")
    if listed_pins - on_disk:
        problems.append(f"pinned attachments without their pin: "
                        f"{sorted(listed_pins - on_disk)}")
    kernel = checks.attached_in_tree(env.cgroup)
    live = [a for a in ours if not a.defunct]
    if len(kernel) != len(live):
        problems.append(f"the kernel has {len(kernel)} attached ({kernel}), "
                        f"the daemon lists {len(live)}")
    for s in sets & {"rt", "rt2"}:
        if not os.path.isdir(os.path.join(env.pin_root, s)):
            problems.append(f"set {s} loaded without its pins")
    code = d.stop()
    if code != 0:
        problems.append(f"the stop after recovery exited {code}")
    left = checks.attached_in_tree(env.cgroup) + sorted(link_pins(env.pin_root))
    if left:
        problems.append(f"left after the stop: {left}")
    return problems


def crash_once(binary: str, soak_object: str, point: str, n: int):
    """One run crashing at pass n of `point`. Returns (crashed, problems)."""
    env = SoakEnv(soak_object)
    d = Daemon(binary, env)
    try:
        env.write_config(config(env))
        d.extra_args = [f"--test_crash_at={point}:{n}"]
        try:
            d.start()
            scenario(env, d)
        except (RuntimeError, bpfwarden.Error):
            pass  # the daemon died under the call, or during its start
        if d.process.poll() is None:
            d.stop()
        with open(env.log_path, errors="replace") as f:
            crashed = f"test crash at {point}, hit {n}" in f.read()
        if not crashed:
            if d.process.returncode != 0:
                return False, [f"exit {d.process.returncode} without the "
                               f"crash\n{env.log_tail()}"]
            return False, []
        return True, recovered(env, d)
    except Exception as e:  # the recovery's start or calls failed
        return True, [f"{type(e).__name__}: {e}\n{env.log_tail()}"]
    finally:
        if d.process is not None and d.process.poll() is None:
            d.kill()
        env.remove()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--object", required=True)
    args = ap.parse_args()
    missing = missing_prerequisites()
    if missing:
        print("crash points: cannot run: " + "; ".join(missing))
        return 1
    failures = []
    for point in POINTS:
        n = 1
        while n <= MAX_PASSES:
            crashed, problems = crash_once(args.daemon, args.object, point, n)
            if crashed or problems:
                print(f"{point} pass {n}: "
                      + ("crashed, recovered" if not problems else
                         "; ".join(problems)), flush=True)
            failures += [f"{point} pass {n}: {p}" for p in problems]
            if not crashed:
                break
            n += 1
        if n == 1:
            failures.append(f"{point}: never reached (the scenario no longer "
                            "passes it)")
        print(f"{point}: {n - 1} crash(es)", flush=True)
    for f in failures:
        print("FAILED " + f)
    print(f"crash points: {len(POINTS)} points, "
          f"{len(failures)} inconsistencies")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
