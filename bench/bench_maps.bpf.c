// Maps for bench/run: a hash and an LRU hash of bench_key -> bench_value,
// and a sock_ops program that does nothing (a set needs one program; the
// benchmark never attaches it).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bench/bench_maps.h"

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, BENCH_MAX_ENTRIES);
  __type(key, struct bench_key);
  __type(value, struct bench_value);
} bench_hash SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, BENCH_LRU_MAX_ENTRIES);
  __type(key, struct bench_key);
  __type(value, struct bench_value);
} bench_lru SEC(".maps");

SEC("sockops")
int bench_noop_sockops(struct bpf_sock_ops* ctx) { return 1; }

char LICENSE[] SEC("license") = "GPL";
