"""bpfwarden.Client against a real bpfwardend (the builtin set, as root):
typed round trips, flags and their exact exceptions, batches, paged dumps,
watch, logs from a real connection, load/attach/detach/unload."""
import ipaddress
import os
import tempfile
import threading
import time

import pytest

import bpfwarden
from traffic import tcp_exchange_in
from wait_for import wait_for_value

SET = "bpfwarden"
RULES = "tcp_tune_rules"
COUNTERS = "tcp_tune_counters"


def test_status_names_the_caller(client):
    status = client.status()
    assert status.caller.startswith("uid:0(root) gid:0"), status.caller
    assert status.program_sets == 1
    assert status.kernel_release == os.uname().release
    assert status.build_mode in ("opt", "fastbuild", "dbg")
    assert any(f.name == "bpffs" and f.present for f in status.kernel_features)


def test_maps_and_layouts(client):
    names = {m.name for m in client.maps(SET)}
    assert {"tcp_stats", RULES, COUNTERS} <= names
    rules = client.map(SET, RULES)
    assert (rules.type, rules.key_size, rules.value_size) == ("lpm_trie", 20,
                                                              32)
    key = rules.key_layout
    assert key.kind == "struct" and key.type == "struct tcp_tune_key"
    assert [f.name for f in key.fields] == ["prefixlen", "addr"]
    addr = key.field("addr")
    assert (addr.kind, addr.type, addr.offset, addr.size) == (
        "ip_addr", "__u8[16]", 4, 16)
    congestion = rules.value_layout.field("congestion")
    assert (congestion.kind, congestion.length) == ("char_array", 16)
    with pytest.raises(KeyError, match="no member 'nope'"):
        rules.value_layout.field("nope")
    with pytest.raises(bpfwarden.NotFound) as e:
        client.map(SET, "nope")
    assert "nope" in e.value.message


def test_typed_round_trip_with_addresses(client):
    v4 = {"prefixlen": 120, "addr": ipaddress.ip_address("10.9.8.0")}
    v6 = {"prefixlen": 64, "addr": ipaddress.ip_address("2001:db8::")}
    value = {"rule_id": 5, "initial_rto_ms": 200, "initial_rwnd_segments": 0,
             "pad": 0, "congestion": "cubic"}
    client.update(SET, RULES, v4, value)
    client.update(SET, RULES, v6, {"rule_id": 6}, zero_fill=True)
    try:
        assert client.lookup(SET, RULES, v4) == value
        got = client.lookup(SET, RULES, {"prefixlen": 64,
                                         "addr": "2001:db8::"})
        assert got["rule_id"] == 6 and got["congestion"] == ""
        keys = {k["addr"]: k for k, _ in client.dump(SET, RULES)}
        assert keys[ipaddress.IPv4Address("10.9.8.0")] == v4
        assert isinstance(keys[ipaddress.IPv6Address("2001:db8::")]["addr"],
                          ipaddress.IPv6Address)
        # The raw form: exactly the kernel's bytes.
        raw = client.lookup(SET, RULES, v4, raw=True)
        assert raw == (5).to_bytes(4, "little") + (200).to_bytes(
            4, "little") + bytes(8) + b"cubic" + bytes(11)
        raw_key = (120).to_bytes(4, "little") + bytes(10) + b"\xff\xff" + \
            bytes([10, 9, 8, 0])
        assert client.lookup(SET, RULES, raw_key) == value
    finally:
        assert client.delete(SET, RULES, v4)
        assert client.delete(SET, RULES, v6)


def test_flags_and_exact_exceptions(client):
    key = {"rule_id": 77}
    with pytest.raises(bpfwarden.NotFound) as e:
        client.lookup(SET, COUNTERS, key)
    assert isinstance(e.value, LookupError)
    with pytest.raises(bpfwarden.NotFound):
        client.update(SET, COUNTERS, key, {"matched": 1}, zero_fill=True,
                      flag=bpfwarden.UpdateFlag.EXIST)
    client.update(SET, COUNTERS, key, {"matched": 1}, zero_fill=True,
                  flag="noexist")
    try:
        with pytest.raises(bpfwarden.AlreadyExists):
            client.update(SET, COUNTERS, key, {"matched": 2}, zero_fill=True,
                          flag=bpfwarden.UpdateFlag.NOEXIST)
        client.update(SET, COUNTERS, key, {"matched": 3}, zero_fill=True,
                      flag="exist")
        assert client.lookup(SET, COUNTERS, key)["matched"] == 3
        # The daemon's message names the field and why.
        with pytest.raises(bpfwarden.InvalidArgument) as e:
            client.update(SET, COUNTERS, key, {"matched": -1},
                          zero_fill=True)
        assert e.value.message.startswith("value.matched"), e.value.message
        assert isinstance(e.value, ValueError)
        with pytest.raises(bpfwarden.InvalidArgument, match="missing"):
            client.update(SET, COUNTERS, key, {"matched": 1})
        with pytest.raises(bpfwarden.InvalidArgument, match="key: 2 raw bytes, but the map.s key has 4"):
            client.lookup(SET, COUNTERS, b"\x01\x02")
    finally:
        assert client.delete(SET, COUNTERS, key)
    assert not client.delete(SET, COUNTERS, key, ignore_missing=True)
    with pytest.raises(bpfwarden.NotFound):
        client.delete(SET, COUNTERS, key)


def test_bad_input_is_refused_before_sending(client):
    with pytest.raises(TypeError, match="key: cannot encode object"):
        client.lookup(SET, COUNTERS, {"rule_id": object()})
    with pytest.raises(TypeError, match="key: None"):
        client.lookup(SET, COUNTERS, None)
    with pytest.raises(ValueError, match="flag must be"):
        client.update(SET, COUNTERS, {"rule_id": 1}, {}, flag="sometimes")
    with pytest.raises(ValueError, match="map must be a non-empty string"):
        client.lookup(SET, "", {"rule_id": 1})
    with pytest.raises(TypeError, match=r"entries\[1\]: not a \(key, value\)"):
        client.update_many(SET, COUNTERS, [({"rule_id": 1}, {}), 5])
    with pytest.raises(ValueError, match="min_level must be"):
        client.logs(SET, min_level="LOUD")
    with pytest.raises(ValueError, match="exactly one of cgroup and unit"):
        client.attach(SET, "tcp_stats_sockops")


def test_batches_and_lookup_many(client):
    entries = [({"rule_id": i}, {"matched": i * 10}) for i in range(1, 21)]
    assert client.update_many(SET, COUNTERS, entries, zero_fill=True) == 20
    try:
        got = client.lookup_many(SET, COUNTERS,
                                 [{"rule_id": 3}, {"rule_id": 999},
                                  {"rule_id": 20}])
        assert got[0]["matched"] == 30 and got[1] is None
        assert got[2]["matched"] == 200
        # Packed: raw keys back to back, raw values back.
        packed = b"".join(i.to_bytes(4, "little") for i in (5, 998, 7))
        values = client.lookup_many(SET, COUNTERS, packed)
        assert len(values) == 3 and values[1] is None
        assert values[0][:8] == (50).to_bytes(8, "little")
        assert values[2][:8] == (70).to_bytes(8, "little")
        assert len(values[0]) == 40
        with pytest.raises(bpfwarden.InvalidArgument, match="rule_id"):
            client.lookup_many(SET, COUNTERS, [{"rule_id": 1},
                                               {"rule_id": "x"}])
    finally:
        assert client.delete_many(SET, COUNTERS, [k for k, _ in entries]) \
            == 20


def test_dump_pages_through_resume_tokens(client):
    entries = {i: {"matched": i} for i in range(100)}
    client.update_many(SET, COUNTERS,
                       [({"rule_id": i}, v) for i, v in entries.items()],
                       zero_fill=True)
    try:
        # 7 entries a page, 2 pages a call: 8 calls resumed by token.
        seen = {k["rule_id"]: v["matched"]
                for k, v in client.dump(SET, COUNTERS, page_size=7,
                                        pages_per_call=2)}
        assert seen == {i: i for i in range(100)}
        packed = {k["rule_id"]: v["matched"]
                  for k, v in client.dump(SET, COUNTERS, packed=True,
                                          page_size=9, pages_per_call=1)}
        assert packed == seen
        raw = list(client.dump(SET, COUNTERS, raw=True, packed=True,
                               page_size=16))
        assert len(raw) == 100 and all(len(k) == 4 and len(v) == 40
                                       for k, v in raw)
        assert {int.from_bytes(k, "little") for k, _ in raw} == set(range(100))
        odd = list(client.dump(SET, COUNTERS,
                               filter=lambda k, v: v["matched"] % 2 == 1))
        assert sorted(k["rule_id"] for k, _ in odd) == list(range(1, 100, 2))
        with pytest.raises(bpfwarden.InvalidArgument):
            list(client.dump(SET, COUNTERS, resume_token=b"garbage"))
    finally:
        client.delete_many(SET, COUNTERS, [{"rule_id": i} for i in entries])


def test_watch_sees_changes(client):
    client.update(SET, COUNTERS, {"rule_id": 1}, {"matched": 10},
                  zero_fill=True)
    try:
        watch = client.watch(SET, COUNTERS, interval_ms=100)
        first = next(watch)
        assert first.full and [(c.kind, c.key, c.new_value["matched"])
                               for c in first.changes] == [
                                   ("added", {"rule_id": 1}, 10)]
        client.update(SET, COUNTERS, {"rule_id": 1}, {"matched": 11},
                      zero_fill=True)
        client.update(SET, COUNTERS, {"rule_id": 2}, {"matched": 20},
                      zero_fill=True)
        changes = {}
        while len(changes) < 2:
            update = next(watch)
            for c in update.changes:
                changes[c.key["rule_id"]] = c
        assert changes[1].kind == "changed"
        assert (changes[1].old_value["matched"],
                changes[1].new_value["matched"]) == (10, 11)
        assert changes[2].kind == "added" and changes[2].old_value is None
        watch.cancel()
        assert list(watch) == []
        with pytest.raises(bpfwarden.InvalidArgument):
            next(client.watch(SET, COUNTERS, interval_ms=5))
    finally:
        client.delete_many(SET, COUNTERS, [{"rule_id": 1}, {"rule_id": 2}],
                           ignore_missing=True)


def test_attach_traffic_logs_and_detach(client, daemon):
    """A rule naming a congestion control that does not exist: both ends of
    a loopback connection in the test cgroup log a warning, read back
    through logs(); tcp_stats counts the connection with 127.0.0.1 as an
    IPv4Address."""
    tune = client.attach(SET, "tcp_tune_sockops", daemon.cgroup)
    stats = client.attach(SET, "tcp_stats_sockops", daemon.cgroup)
    rule = {"prefixlen": 104, "addr": ipaddress.ip_address("127.0.0.0")}
    try:
        assert tune.id and tune.cgroup == daemon.cgroup
        assert tune.attach_type == "cgroup_sock_ops" and not tune.foreign
        listed = client.attachments(daemon.cgroup)
        assert {a.id for a in listed} == {tune.id, stats.id}
        assert sorted(daemon.attached_ids()) == sorted(
            a.program_id for a in listed)
        client.update(SET, RULES, rule, {"rule_id": 7,
                                         "congestion": "nosuchcc"},
                      zero_fill=True)
        tcp_exchange_in(daemon.cgroup)
        _, warnings = wait_for_value(
            lambda: list(client.logs(SET, follow=False, min_level="WARN")),
            lambda w: len(w) >= 2, 20, 0.1)
        assert [(r.level, r.program, r.message) for r in warnings] == [
            (bpfwarden.LogLevel.WARN, "tcp_tune_sockops",
             "congestion control nosuchcc refused for 127.0.0.1, rule 7 "
             "(error -2)")] * 2
        assert warnings[0].seq < warnings[1].seq
        cgroup_id = os.stat(daemon.cgroup).st_ino
        _, ours = wait_for_value(
            lambda: [(k, v) for k, v in client.dump(SET, "tcp_stats")
                     if k.get("cgroup_id") == cgroup_id],
            bool, 20, 0.2)
        assert ours, "no tcp_stats entry for the test cgroup"
        assert {k["remote_addr"] for k, _ in ours} == {
            ipaddress.IPv4Address("127.0.0.1")}
    finally:
        client.delete(SET, RULES, rule, ignore_missing=True)
        client.detach(tune)
        client.detach(stats.id)
    assert client.attachments(daemon.cgroup) == []
    assert daemon.attached_ids() == []
    with pytest.raises(bpfwarden.NotFound):
        client.detach(tune.id)


def test_follow_logs_until_cancelled(client):
    backlog = list(client.logs(SET, follow=False))
    records = client.logs(SET, follow=True)
    cancel = threading.Timer(0.5, records.cancel)
    start = time.monotonic()
    cancel.start()
    try:
        # The backlog, then nothing more: the follow waits until the
        # cancel from another thread ends it, without an error.
        got = list(records)
    finally:
        cancel.join()
    assert got == backlog
    assert time.monotonic() - start >= 0.5


def test_load_and_unload_a_second_set(client):
    loaded = client.load("second", builtin=True)
    try:
        assert loaded.name == "second" and loaded.builtin
        assert loaded.origin == "runtime"
        assert "tcp_stats_sockops" in {p.name for p in loaded.programs}
        assert {p.name for p in client.programs()} == {SET, "second"}
        assert client.program("second").maps == loaded.maps
        with pytest.raises(bpfwarden.AlreadyExists):
            client.load("second", builtin=True)
        client.update("second", COUNTERS, {"rule_id": 1}, {"matched": 4},
                      zero_fill=True)
        assert client.lookup("second", COUNTERS, {"rule_id": 1})["matched"] \
            == 4
        with pytest.raises(bpfwarden.NotFound):
            client.lookup(SET, COUNTERS, {"rule_id": 1})
    finally:
        client.unload("second", unpin_maps=True)
    assert {p.name for p in client.programs()} == {SET}
    with pytest.raises(bpfwarden.NotFound):
        client.program("second")
    with pytest.raises(bpfwarden.FailedPrecondition):
        client.unload(SET)


def test_unreachable_daemon_is_unavailable():
    with tempfile.TemporaryDirectory(dir="/tmp") as d:
        with bpfwarden.Client(os.path.join(d, "no.sock"), timeout=5) as c:
            with pytest.raises(bpfwarden.Unavailable) as e:
                c.status()
            assert "no.sock" in e.value.message, e.value.message
    with pytest.raises(ValueError, match="is 120 bytes; a Unix socket path "
                       "has at most 107"):
        bpfwarden.Client("/" + "x" * 119)
    with pytest.raises(ValueError, match="TLS options need address"):
        bpfwarden.Client(private_key=b"k")
    with pytest.raises(ValueError, match="both private_key"):
        bpfwarden.Client(address="localhost:1", private_key=b"k")
