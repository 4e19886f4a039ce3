// One map of every type the API answers for (element_methods_test): the
// element methods each type offers, and the precise refusal of the others.
// The program only makes the object loadable; nothing attaches it. The map
// types Debian 11's 5.10 lacks are in map_kinds_new.bpf.c, linked into
// api_map_kinds but not into api_map_kinds_base.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define KEYED(kind, map_type, k, v, n)      \
  struct {                                   \
    __uint(type, map_type);                  \
    __uint(max_entries, n);                  \
    __type(key, k);                          \
    __type(value, v);                        \
  } kind SEC(".maps")

KEYED(k_hash, BPF_MAP_TYPE_HASH, __u32, __u64, 8);
KEYED(k_array, BPF_MAP_TYPE_ARRAY, __u32, __u64, 8);
KEYED(k_percpu_hash, BPF_MAP_TYPE_PERCPU_HASH, __u32, __u64, 8);
KEYED(k_percpu_array, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 8);
KEYED(k_stack_trace, BPF_MAP_TYPE_STACK_TRACE, __u32, __u64[4], 8);
KEYED(k_lru_hash, BPF_MAP_TYPE_LRU_HASH, __u32, __u64, 8);
KEYED(k_lru_percpu_hash, BPF_MAP_TYPE_LRU_PERCPU_HASH, __u32, __u64, 8);
KEYED(k_devmap, BPF_MAP_TYPE_DEVMAP, __u32, __u32, 4);
KEYED(k_devmap_hash, BPF_MAP_TYPE_DEVMAP_HASH, __u32, __u32, 4);
KEYED(k_cpumap, BPF_MAP_TYPE_CPUMAP, __u32, __u32, 1);
KEYED(k_prog_array, BPF_MAP_TYPE_PROG_ARRAY, __u32, __u32, 2);
KEYED(k_perf_event_array, BPF_MAP_TYPE_PERF_EVENT_ARRAY, __u32, __u32, 1);
KEYED(k_cgroup_array, BPF_MAP_TYPE_CGROUP_ARRAY, __u32, __u32, 1);
KEYED(k_sockmap, BPF_MAP_TYPE_SOCKMAP, __u32, __u64, 2);
KEYED(k_sockhash, BPF_MAP_TYPE_SOCKHASH, __u32, __u64, 2);
KEYED(k_xskmap, BPF_MAP_TYPE_XSKMAP, __u32, __u32, 1);
KEYED(k_reuseport, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, __u32, __u64, 1);

struct lpm_key {
  __u32 prefixlen;
  __u32 addr;
};

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, 8);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct lpm_key);
  __type(value, __u32);
} k_lpm_trie SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
  __type(key, struct bpf_cgroup_storage_key);
  __type(value, __u64);
} k_cgroup_storage SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} k_sk_storage SEC(".maps");

struct inner {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 1);
  __type(key, __u32);
  __array(values, struct inner);
} k_array_of_maps SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_QUEUE);
  __uint(max_entries, 4);
  __type(value, __u32);
} k_queue SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_STACK);
  __uint(max_entries, 4);
  __type(value, __u32);
} k_stack SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4096);
} k_ringbuf SEC(".maps");

// Large per-CPU values (the most a per-CPU value may be): a small request
// stands for a large answer (element_methods_test's allocation bounds).
struct big {
  __u8 bytes[32760];
  __u64 last;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, struct big);
} k_big_percpu SEC(".maps");

SEC("sockops")
int map_kinds_sockops(struct bpf_sock_ops* ctx) { return 1; }

char LICENSE[] SEC("license") = "GPL";
