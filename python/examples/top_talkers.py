#!/usr/bin/env python3
"""Top talkers from tcp_stats: every few seconds, the peers and services
whose traffic grew most since the last look.

    python3 top_talkers.py [--socket PATH] [--interval 5] [--top 10] [--rounds N]

Needs READ on the set's tcp_stats map (root, or a policy rule granting it).
The first round counts everything since each entry appeared; later rounds
count what moved in the interval. Ctrl-C stops it.
"""
import argparse
import datetime
import sys
import time

import bpfwarden


def service_of(key):
    """The connection's service: the peer's port for connections this host
    initiated, our own port for those it accepted."""
    if key["direction"].endswith("ACCEPTED"):
        return f":{key['local_port']} (ours)"
    return f":{key['remote_port']}"


def snapshot(client, set_name):
    """{(direction, peer, service, cgroup id): (bytes, connections)}."""
    totals = {}
    for key, value in client.dump(set_name, "tcp_stats"):
        name = (key["direction"].removeprefix("TCP_STATS_"), str(key["remote_addr"]),
                service_of(key), key["cgroup_id"])
        seen = totals.get(name, (0, 0))
        totals[name] = (seen[0] + value["bytes_acked"] + value["bytes_received"],
                        seen[1] + value["established"])
    return totals


def print_round(now, before, interval, top):
    moved = []
    for name, (total, conns) in now.items():
        was_bytes, was_conns = before.get(name, (0, 0))
        # An LRU map may evict and re-create an entry: never a negative rate.
        delta = (max(total - was_bytes, 0), max(conns - was_conns, 0))
        if delta != (0, 0):
            moved.append((delta, name))
    moved.sort(reverse=True)
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    span = f"the last {interval:g} s" if before else "all time"
    print(f"{stamp}  top {min(top, len(moved))} of {len(moved)} peers "
          f"by bytes, {span}")
    print(f"{'BYTES':>12} {'CONNS':>6}  {'DIRECTION':<9}  {'PEER':<39}  "
          f"{'SERVICE':<12}  CGROUP")
    for (nbytes, conns), (direction, peer, service, cgroup) in moved[:top]:
        print(f"{nbytes:>12} {conns:>6}  {direction:<9}  {peer:<39}  "
              f"{service:<12}  {cgroup}")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/run/bpfwarden/api.sock")
    parser.add_argument("--set", default="bpfwarden", dest="set_name")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=0,
                        help="stop after this many rounds (0: until Ctrl-C)")
    args = parser.parse_args()
    try:
        with bpfwarden.Client(args.socket) as client:
            before = {}
            rounds = 0
            while True:
                now = snapshot(client, args.set_name)
                print_round(now, before, args.interval, args.top)
                before = now
                rounds += 1
                if args.rounds and rounds >= args.rounds:
                    return 0
                time.sleep(args.interval)
    except bpfwarden.Error as e:
        print(f"top_talkers: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
