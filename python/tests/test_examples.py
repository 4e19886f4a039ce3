"""The examples in python/examples/ run as an ops engineer would run them,
against a real daemon: top talkers sees the test's own traffic, and the
rules file applies once, then changes nothing."""
import ipaddress
import json
import os
import subprocess
import sys
import time

import pytest

import bpfwarden
from bpfwarden_daemon import PACKAGE_ROOT
from traffic import tcp_exchange_in

EXAMPLES = os.path.join(PACKAGE_ROOT, "examples")
SET = "bpfwarden"
RULES = "tcp_tune_rules"


def run_example(name, *args):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *args],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, f"{name} exited {done.returncode}: {done.stderr}"
    return done.stdout


@pytest.fixture
def client(daemon):
    with daemon.client() as c:
        yield c


def rounds_of(out):
    """[(title, [row fields])] of top_talkers' output."""
    rounds = []
    for line in out.splitlines():
        if "peers by bytes" in line:
            rounds.append((line.split("  ", 1)[1], []))
        elif line.split() and line.split()[0] != "BYTES":
            rounds[-1][1].append(line.split())
    return rounds


def ours_in_tcp_stats(client, cgroup_id):
    """{direction: bytes both ways} of the test cgroup's tcp_stats entries."""
    return {k["direction"].removeprefix("TCP_STATS_"):
            v["bytes_acked"] + v["bytes_received"]
            for k, v in client.dump(SET, "tcp_stats")
            if k["cgroup_id"] == cgroup_id}


def test_top_talkers_ranks_the_traffic_then_only_what_moved(daemon, client):
    stats = client.attach(SET, "tcp_stats_sockops", daemon.cgroup)
    try:
        cgroup_id = os.stat(daemon.cgroup).st_ino
        tcp_exchange_in(daemon.cgroup)
        # Both ends counted, 4096 bytes one way and 4 back, once closed.
        deadline = time.monotonic() + 20
        seen = {}
        while time.monotonic() < deadline and not (
                len(seen) == 2 and min(seen.values()) >= 4100):
            seen = ours_in_tcp_stats(client, cgroup_id)
            time.sleep(0.1)
        assert sorted(seen) == ["ACCEPTED", "INITIATED"], seen
        assert min(seen.values()) >= 4100, seen

        out = run_example("top_talkers.py", "--socket", daemon.socket,
                          "--rounds", "2", "--interval", "1")
        rounds = rounds_of(out)
        assert [title for title, _ in rounds] == [
            "top 2 of 2 peers by bytes, all time",
            "top 0 of 0 peers by bytes, the last 1 s"], out
        rows = rounds[0][1]
        assert {row[2]: int(row[0]) for row in rows} == seen, out
        for row in rows:
            assert (row[1], row[3], row[-1]) == ("1", "127.0.0.1",
                                                 str(cgroup_id)), row
    finally:
        client.detach(stats)


def test_apply_tune_rules_is_idempotent_and_prunes(daemon, client, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [
        {"prefix": "10.1.0.0/16", "rule_id": 7, "initial_rto_ms": 200},
        {"prefix": "2001:db8::/32", "rule_id": 8, "congestion": "bbr"},
    ]}))
    stray = {"prefixlen": 120, "addr": ipaddress.ip_address("192.0.2.0")}
    client.update(SET, RULES, stray, {"rule_id": 99}, zero_fill=True)
    try:
        first = run_example("apply_tune_rules.py", str(rules), "--socket",
                            daemon.socket)
        assert first.splitlines()[-1] == \
            "2 created, 0 updated, 0 unchanged, 0 deleted", first
        assert client.lookup(SET, RULES, {
            "prefixlen": 112, "addr": "10.1.0.0"})["initial_rto_ms"] == 200
        got = client.lookup(SET, RULES, {"prefixlen": 32,
                                         "addr": "2001:db8::"})
        assert (got["rule_id"], got["congestion"]) == (8, "bbr")

        again = run_example("apply_tune_rules.py", str(rules), "--socket",
                            daemon.socket)
        assert again.strip() == "0 created, 0 updated, 2 unchanged, 0 deleted"

        # A changed field is rewritten; --dry-run says so and writes nothing.
        doc = json.loads(rules.read_text())
        doc["rules"][0]["initial_rto_ms"] = 300
        rules.write_text(json.dumps(doc))
        dry = run_example("apply_tune_rules.py", str(rules), "--socket",
                          daemon.socket, "--prune", "--dry-run")
        assert "10.1.0.0/16: would be updated" in dry, dry
        assert "192.0.2.0/24: would be deleted" in dry, dry
        assert client.lookup(SET, RULES, {
            "prefixlen": 112, "addr": "10.1.0.0"})["initial_rto_ms"] == 200
        assert client.lookup(SET, RULES, stray)["rule_id"] == 99

        pruned = run_example("apply_tune_rules.py", str(rules), "--socket",
                             daemon.socket, "--prune")
        assert pruned.splitlines()[-1] == \
            "0 created, 1 updated, 1 unchanged, 1 deleted", pruned
        with pytest.raises(bpfwarden.NotFound):
            client.lookup(SET, RULES, stray)
        assert {k["prefixlen"] for k, _ in client.dump(SET, RULES)} == {112, 32}
    finally:
        for key, _ in list(client.dump(SET, RULES)):
            client.delete(SET, RULES, key, ignore_missing=True)
