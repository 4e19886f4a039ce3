// A program the verifier rejects: it dereferences a map lookup's result
// without checking it for NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} reject_counts SEC(".maps");

SEC("sockops")
int reject_sockops(struct bpf_sock_ops *skops) {
  __u32 zero = 0;
  __u64 *count = bpf_map_lookup_elem(&reject_counts, &zero);
  __sync_fetch_and_add(count, 1);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
