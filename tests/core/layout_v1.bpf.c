// The `layout` map with value layout version 1: the same struct name and
// size in both versions, different members (the C++ side mirrors them as
// layout_value_v1 and layout_value_v2 in probe.h).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct layout_value {
  __u64 packets;
  __u64 bytes;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, struct layout_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} layout SEC(".maps");

SEC("sockops")
int layout_sockops(struct bpf_sock_ops *skops) {
  __u32 key = 1;
  struct layout_value *v = bpf_map_lookup_elem(&layout, &key);
  if (v) __sync_fetch_and_add(&v->packets, 1);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
