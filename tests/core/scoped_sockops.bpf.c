// What a scoped administrator can load (issue 20, finding 4): two sock_ops
// programs and maps that need CAP_BPF (LRU hash, socket storage), and no
// kernel reads (the shipped tcp_stats casts with bpf_skc_to_tcp_sock, which
// the verifier offers only with CAP_PERFMON).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u64);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} scoped_ops SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} scoped_seen SEC(".maps");

SEC("sockops")
int scoped_count_sockops(struct bpf_sock_ops *skops) {
  __u32 op = skops->op;
  __u64 one = 1;
  __u64 *count = bpf_map_lookup_elem(&scoped_ops, &op);
  if (count) {
    __sync_fetch_and_add(count, 1);
  } else {
    bpf_map_update_elem(&scoped_ops, &op, &one, BPF_NOEXIST);
  }
  return 1;
}

SEC("sockops")
int scoped_tune_sockops(struct bpf_sock_ops *skops) {
  struct bpf_sock *sk = skops->sk;
  if (!sk) return 1;
  __u64 *seen = bpf_sk_storage_get(&scoped_seen, sk, 0,
                                   BPF_SK_STORAGE_GET_F_CREATE);
  if (seen) *seen += 1;
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
