// BTF-defined map types of tcp_stats, shared across the linked object.
#ifndef BPFWARDEN_BPF_TCP_STATS_MAPS_BPF_H_
#define BPFWARDEN_BPF_TCP_STATS_MAPS_BPF_H_

// linux/bpf.h first: libbpf's headers build on its types.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "bpf/include/tcp_stats.h"

struct tcp_stats_map {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, TCP_STATS_MAX_ENTRIES);
  __type(key, struct tcp_stats_key);
  __type(value, struct tcp_stats_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};

// The state of each open connection, kept from its established callback to
// its close, where socket-local storage would have cost more than
// everything else tcp_stats does (its allocation, and its free deferred
// through RCU, on every connection).
//
// Fast path: the array slot of the socket cookie's low bits, claimed with a
// compare-and-swap of its cookie field and released by zeroing it; a lookup
// of an array is inlined by the verifier, and nothing is allocated.
struct tcp_stats_slots_map {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, TCP_STATS_SLOTS);
  __type(key, __u32);
  __type(value, struct tcp_stats_slot);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};

// Overflow: a connection whose slot another connection holds, keyed by its
// socket cookie. Preallocated, so insert and delete neither allocate nor
// defer a free; an entry whose close never came (the program was detached
// meanwhile) is evicted in time.
struct tcp_stats_conns_map {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, TCP_STATS_MAX_CONNS);
  __type(key, __u64);
  __type(value, struct tcp_stats_conn);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};

#endif  // BPFWARDEN_BPF_TCP_STATS_MAPS_BPF_H_
