// Programs for attach types other than sock_ops: a cgroup_skb program that
// may be attached as ingress or egress, and a connect4 program (sock_addr,
// which the kernel only attaches as the type it was loaded for). Each bumps
// its own slot of hook_counts.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} hook_counts SEC(".maps");

static __always_inline void Bump(__u32 slot) {
  __u64 *count = bpf_map_lookup_elem(&hook_counts, &slot);
  if (count) __sync_fetch_and_add(count, 1);
}

// Slot 0: ingress packets, slot 1: egress packets.
SEC("cgroup_skb/ingress")
int count_skb(struct __sk_buff *skb) {
  Bump(skb->ingress_ifindex ? 0 : 1);
  return 1;  // allow
}

// Slot 2: connect(2) calls on IPv4 sockets.
SEC("cgroup/connect4")
int count_connect4(struct bpf_sock_addr *ctx) {
  Bump(2);
  return 1;  // allow
}

char LICENSE[] SEC("license") = "GPL";
