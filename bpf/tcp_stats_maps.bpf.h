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

// The state of each open connection, keyed by its socket cookie: created at
// its established callback, removed at its close. An LRU hash, preallocated:
// insert and delete take an element from and give it back to a free list at
// once, with no allocation and no RCU-deferred free, which is what made
// socket-local storage cost more than everything else tcp_stats does. An
// entry whose close never came (the program was detached meanwhile) is
// evicted in time.
struct tcp_stats_conns_map {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, TCP_STATS_MAX_CONNS);
  __type(key, __u64);
  __type(value, struct tcp_stats_conn);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};

#endif  // BPFWARDEN_BPF_TCP_STATS_MAPS_BPF_H_
