// The tcp_stats maps as the default object pinned them before entries were
// keyed by direction (bpfwarden before issue 10): the layouts an upgrade
// finds in bpffs. Only for the upgrade test; the program does nothing.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

struct tcp_stats_key {
  __u8 family;
  __u8 pad[3];
  __u32 remote_port;
  __u8 remote_addr[16];
  __u64 cgroup_id;
};

struct tcp_stats_value {
  __u64 active_opens;
  __u64 passive_opens;
  __u64 established;
  __u32 srtt_us;
  __u32 min_rtt_us;
  __u64 retransmits;
  __u64 bytes_acked;
  __u64 bytes_received;
  __u64 state_changes;
  __u64 first_seen_ms;
  __u64 last_seen_ms;
};

struct tcp_stats_owner {
  __u64 cgroup_id;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, struct tcp_stats_key);
  __type(value, struct tcp_stats_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} tcp_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
  __type(key, int);
  __type(value, struct tcp_stats_owner);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} tcp_stats_owner SEC(".maps");

SEC("sockops")
int legacy_sockops(struct bpf_sock_ops* skops) {
  struct tcp_stats_key key = {};
  bpf_map_lookup_elem(&tcp_stats, &key);  // keeps the map in the object
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
