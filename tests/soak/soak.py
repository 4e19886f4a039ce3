"""tools/soak: the shipped bpfwardend under a mixed load for N minutes, with
faults injected on a seeded random schedule, and its invariants checked
throughout and at the end (issue 26; bench/README.md, "Soak").

    /usr/bin/python3 tests/soak/soak.py --daemon=BIN --object=soak.bpf.o \\
        [--minutes=N] [--seed=S] [--json=PATH]

Prints a summary table, writes it as JSON, and ends with the line
`soak: F faults, W writes acknowledged, lost L, lingering A, leaked K`;
exits 1 when an invariant was violated, naming it and the seed."""
from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "python"))

import checks  # noqa: E402
import faults  # noqa: E402
import stats  # noqa: E402
from env import missing_prerequisites  # noqa: E402
from world import World  # noqa: E402

WARMUP_SECONDS = 5


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def schedule(rng: random.Random, kinds_wanted):
    """Fault kinds in rounds: each round every kind once, in a seeded
    order, so a run of R rounds injects each kind R times."""
    while True:
        kinds = sorted(kinds_wanted)
        rng.shuffle(kinds)
        yield from kinds


def run_faults(w: World, rng: random.Random, minutes: float,
               kinds) -> None:
    end = time.monotonic() + minutes * 60
    for n, kind in enumerate(schedule(rng, kinds)):
        if n == len(kinds):
            # The first steady footprint: once every kind has been injected
            # and cleared, gRPC's elastic pools (executor and timer
            # threads) have grown to what this load needs.
            w.take_baseline()
        gap = rng.uniform(1, 4)
        if time.monotonic() + gap > end:
            return
        time.sleep(gap)
        print(f"soak: {time.strftime('%H:%M:%S')} fault {kind}", flush=True)
        w.stats.fault(kind)
        faults.KINDS[kind](w, rng)
        w.settle(kind)


def finish(w: World) -> tuple:
    """Stops the load and the daemon; the end-of-run invariants. Returns
    (lingering, leaked)."""
    w.stop_load()
    w.verify_writes("before the final stop")
    w.observe()
    code = w.daemon.stop()
    if code != 0:
        w.violations.add("clean stop", f"final SIGTERM: exit {code}\n"
                         f"{w.env.log_tail()}")
    lingering = checks.attached_in_tree(w.env.cgroup) + \
        checks.links_of(w.prog_ids)
    for item in lingering:
        w.violations.add("nothing attached after the stop", item)
    loaded = checks.programs_loaded(w.prog_ids)
    if loaded:
        w.violations.add("no program left loaded", f"ids {loaded}")
    extra = checks.unexpected_pins(w.env.pin_root, w.map_pins)
    for pin in extra:
        w.violations.add("only the map pins persist", pin)
    for pin in ("soak/soak_big", "soak/soak_writes"):
        if not os.path.exists(os.path.join(w.env.pin_root, pin)):
            w.violations.add("map pins persist", f"{pin} is gone")
    problem = checks.state_file_problem(w.env.state_file())
    if problem:
        w.violations.add("state file readable", f"after the stop: {problem}")
    w.verify_writes_offline()
    return len(lingering), w.leaked + len(loaded) + len(extra)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--object", required=True)
    ap.add_argument("--minutes", type=float, default=2)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--faults", default=",".join(sorted(faults.KINDS)),
                    help="the fault kinds to inject, comma-separated "
                    "(default: all)")
    ap.add_argument("--self-check", action="store_true",
                    help="delete one acknowledged write behind the daemon's "
                    "back: the run must report it lost and fail")
    ap.add_argument("--json", help="where the summary goes as JSON "
                    "(default: /tmp/bpfwarden-soak-SEED.json)")
    args = ap.parse_args()
    kinds = args.faults.split(",")
    unknown = set(kinds) - set(faults.KINDS)
    if unknown:
        ap.error(f"unknown fault kinds {sorted(unknown)}; known: "
                 f"{', '.join(sorted(faults.KINDS))}")
    seed = args.seed if args.seed is not None else random.SystemRandom(
    ).randrange(1 << 31)
    replay = f"tools/soak --minutes={args.minutes:g} --seed={seed}" + (
        " --self-check" if args.self_check else "") + (
        f" --faults={args.faults}" if set(kinds) != set(faults.KINDS) else "")
    missing = missing_prerequisites()
    if missing:
        print("soak: cannot run: " + "; ".join(missing), file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"soak: seed {seed}, {args.minutes:g} minutes", flush=True)
    rng = random.Random(seed)
    w = World(args.daemon, args.object, seed)
    lingering = leaked = 0
    try:
        w.start()
        time.sleep(WARMUP_SECONDS)
        if args.self_check:
            w.lose_a_write()
        run_faults(w, rng, args.minutes, kinds)
        lingering, leaked = finish(w)
    except KeyboardInterrupt as e:
        w.violations.add("run completed", f"interrupted ({e or 'Ctrl-C'})")
    except Exception:
        w.violations.add("run completed", traceback.format_exc()
                         + "\n--- daemon log ---\n" + w.env.log_tail())
    finally:
        w.stopping.set()
        w.stop_load()
        if w.daemon.process is not None and w.daemon.process.poll() is None:
            w.daemon.stop()
        if w.violations:
            kept = f"/tmp/bpfwarden-soak-{seed}-kept"
            w.env.keep(kept)
            print(f"soak: the daemon's log (and any core) kept in {kept}")
        for problem in w.env.remove():
            w.violations.add("clean up", problem)
    if w.baseline is None:
        print("soak: footprint not checked: the run ended within the first "
              "round of faults")
    writes = sum(led.acknowledged for led in w.ledgers)
    footprint = {} if w.baseline is None else {
        "steady": str(w.baseline),
        **{f"worst {k} after a fault": f"{v:.2f}x"
           for k, v in sorted(w.worst.items())}}
    summary = w.stats.summary(seed, args.minutes, writes, w.lost, lingering,
                              leaked, footprint)
    print(stats.table(summary))
    json_path = args.json or f"/tmp/bpfwarden-soak-{seed}.json"
    stats.write_json(json_path, summary)
    print(f"soak: summary as JSON in {json_path}")
    for v in w.violations.items:
        print(f"soak: invariant violated: {v.splitlines()[0]} "
              f"(replay: {replay})")
    print(f"soak: {sum(summary['faults'].values())} faults, {writes} writes "
          f"acknowledged, lost {w.lost}, lingering {lingering}, "
          f"leaked {leaked}")
    return 1 if w.violations else 0


if __name__ == "__main__":
    sys.exit(main())
