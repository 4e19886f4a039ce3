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

// Socket-local storage: no max_entries, one value per socket, freed with
// the socket; BPF_F_CLONE copies a listener's value (its owner) to accepted
// sockets.
struct tcp_stats_owner_map {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
  __type(key, int);
  __type(value, struct tcp_stats_conn);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};

#endif  // BPFWARDEN_BPF_TCP_STATS_MAPS_BPF_H_
