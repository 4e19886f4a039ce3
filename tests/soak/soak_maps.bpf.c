// The soak's own maps (tests/soak): a map of 100k entries that clients dump
// and look up, a map the writers update and delete in (every acknowledged
// write is checked after each restart), and a sock_ops program to attach to
// the cgroups the soak removes and re-creates.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

struct soak_value {
  __u64 seq;     // the writer's sequence number, or the big map's index
  __u32 writer;  // which writer wrote it (the big map: 0)
  __u32 check;   // seq ^ writer ^ key, so a torn value shows
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 131072);
  __type(key, __u32);
  __type(value, struct soak_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} soak_big SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, __u32);
  __type(value, struct soak_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} soak_writes SEC(".maps");

SEC("sockops")
int soak_sockops(struct bpf_sock_ops* ctx) { return 1; }

char LICENSE[] SEC("license") = "GPL";
