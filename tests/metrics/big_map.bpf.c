// A map of a million flows for the series-cap test, and a value with a
// field that is not a number, for the refusals.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

struct flow_key {
  __u32 flow;
  __u16 port;
  __u16 pad;
};

struct flow_value {
  __u64 bytes;
  __u64 packets;
  char name[8];
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1 << 20);
  __type(key, struct flow_key);
  __type(value, struct flow_value);
} flows SEC(".maps");

SEC("sockops")
int flows_noop(struct bpf_sock_ops* ctx) { return 1; }

char LICENSE[] SEC("license") = "GPL";
