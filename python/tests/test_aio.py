"""bpfwarden.aio.Client against a real bpfwardend: the same typed round
trips, exceptions, paged dumps, watch and logs, on asyncio."""
import asyncio
import ipaddress

import pytest

import bpfwarden
import bpfwarden.aio

SET = "bpfwarden"
COUNTERS = "tcp_tune_counters"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_aio_round_trips_and_errors(daemon):
    async def body():
        async with bpfwarden.aio.Client(daemon.socket) as c:
            assert (await c.status()).caller.startswith("uid:0(root)")
            key = {"prefixlen": 120, "addr": ipaddress.ip_address("10.1.2.0")}
            await c.update(SET, "tcp_tune_rules", key,
                           {"rule_id": 9, "congestion": "reno"},
                           zero_fill=True)
            got = await c.lookup(SET, "tcp_tune_rules", key)
            assert (got["rule_id"], got["congestion"]) == (9, "reno")
            keys = [k async for k, _ in c.dump(SET, "tcp_tune_rules")]
            assert keys == [key]
            assert isinstance(keys[0]["addr"], ipaddress.IPv4Address)
            with pytest.raises(bpfwarden.AlreadyExists):
                await c.update(SET, "tcp_tune_rules", key, {"rule_id": 1},
                               zero_fill=True, flag="noexist")
            assert await c.delete(SET, "tcp_tune_rules", key)
            with pytest.raises(bpfwarden.NotFound):
                await c.lookup(SET, "tcp_tune_rules", key)
            with pytest.raises(bpfwarden.InvalidArgument,
                               match="value.matched"):
                await c.update(SET, COUNTERS, {"rule_id": 1},
                               {"matched": -1}, zero_fill=True)
            assert [m.name for m in await c.maps(SET)]
            assert [p.name for p in await c.programs()] == [SET]
            assert await c.attachments() == []
    run(body())


def test_aio_dump_pages_lookup_many_and_watch(daemon):
    async def body():
        async with bpfwarden.aio.Client(daemon.socket) as c:
            entries = [({"rule_id": i}, {"matched": i}) for i in range(50)]
            assert await c.update_many(SET, COUNTERS, entries,
                                       zero_fill=True) == 50
            try:
                seen = {k["rule_id"]: v["matched"] async for k, v in
                        c.dump(SET, COUNTERS, page_size=4, pages_per_call=3)}
                assert seen == {i: i for i in range(50)}
                got = await c.lookup_many(SET, COUNTERS,
                                          [{"rule_id": 3}, {"rule_id": 500}])
                assert got[0]["matched"] == 3 and got[1] is None
                async with await c.watch(SET, COUNTERS,
                                         interval_ms=100) as watch:
                    first = await watch.__anext__()
                    assert first.full and len(first.changes) == 50
                    await c.update(SET, COUNTERS, {"rule_id": 3},
                                   {"matched": 33}, zero_fill=True)
                    update = await watch.__anext__()
                    assert [(ch.kind, ch.key, ch.old_value["matched"],
                             ch.new_value["matched"])
                            for ch in update.changes] == [
                                ("changed", {"rule_id": 3}, 3, 33)]
                    watch.cancel()
                    assert [u async for u in watch] == []
                records = [r async for r in c.logs(SET, follow=False)]
                assert all(isinstance(r, bpfwarden.LogRecord)
                           for r in records)
            finally:
                await c.delete_many(SET, COUNTERS, [k for k, _ in entries])
    run(body())


def test_aio_unreachable_is_unavailable():
    async def body():
        async with bpfwarden.aio.Client("/tmp/bpfwarden-no-such.sock",
                                        timeout=5) as c:
            with pytest.raises(bpfwarden.Unavailable):
                await c.status()
    run(body())
