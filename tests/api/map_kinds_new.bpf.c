// The map types of map_kinds.bpf.c that came after Linux 5.10: task
// storage (5.11), bloom filter (5.16), user ring buffer (6.1). On a kernel
// without one of them the daemon refuses the whole set naming the type, and
// the tests load api_map_kinds_base instead.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} k_task_storage SEC(".maps");

// A fixed hash seed: membership of a given element is the same every run.
struct {
  __uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
  __uint(max_entries, 16);
  __uint(map_flags, BPF_F_ZERO_SEED);
  __uint(map_extra, 3);
  __type(value, __u32);
} k_bloom_filter SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_USER_RINGBUF);
  __uint(max_entries, 4096);
} k_user_ringbuf SEC(".maps");
