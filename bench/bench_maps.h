// The benchmark maps' layouts, shared by bench_maps.bpf.c and the bench
// tool: a 16-byte key and a 32-byte value, as in issue 9's measurements.
#ifndef BPFWARDEN_BENCH_BENCH_MAPS_H_
#define BPFWARDEN_BENCH_BENCH_MAPS_H_

#include <linux/types.h>

#define BENCH_MAX_ENTRIES 1000000
// LRU maps evict before they are full (per-CPU free lists): room to spare,
// so that every entry the benchmark writes stays.
#define BENCH_LRU_MAX_ENTRIES 2000000

struct bench_key {
  __u64 a;
  __u64 b;
};

struct bench_value {
  __u64 v[4];
};

#endif  // BPFWARDEN_BENCH_BENCH_MAPS_H_
