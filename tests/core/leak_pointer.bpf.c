// A sock_ops program that stores a kernel address (its map value's) in a
// map, where user space could read it: the verifier allows pointer leaks
// only with CAP_PERFMON, so root loads it and a scoped administrator may
// not (issue 20, finding 4).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} leaked_addresses SEC(".maps");

SEC("sockops")
int leak_pointer_sockops(struct bpf_sock_ops *skops) {
  __u32 zero = 0;
  __u64 *slot = bpf_map_lookup_elem(&leaked_addresses, &zero);
  if (slot) *slot = (__u64)(long)slot;
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
