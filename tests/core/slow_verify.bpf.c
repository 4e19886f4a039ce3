// An object the verifier accepts after seconds of work: twelve programs,
// each a bounded loop the verifier walks iteration by iteration (about
// 400k instructions each, well under the 1M limit). Its map is pinned by
// name, so the pin appears when libbpf creates the maps, just before the
// verifier starts on the programs: a test sees from it that a load is
// under way.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} slow_sink SEC(".maps");

#define ROUNDS 50000

static __always_inline int Churn(struct __sk_buff *skb) {
  __u64 acc = skb->len;
#pragma clang loop unroll(disable)
  for (__u32 i = 0; i < ROUNDS; i++) acc = (acc << 3) ^ (acc >> 5) ^ i;
  __u32 key = 0;
  __u64 *out = bpf_map_lookup_elem(&slow_sink, &key);
  if (out) *out = acc;
  return 1;  // allow
}

#define SLOW_PROGRAM(n)                             \
  SEC("cgroup_skb/egress")                          \
  int slow_##n(struct __sk_buff *skb) { return Churn(skb); }

SLOW_PROGRAM(0)
SLOW_PROGRAM(1)
SLOW_PROGRAM(2)
SLOW_PROGRAM(3)
SLOW_PROGRAM(4)
SLOW_PROGRAM(5)
SLOW_PROGRAM(6)
SLOW_PROGRAM(7)
SLOW_PROGRAM(8)
SLOW_PROGRAM(9)
SLOW_PROGRAM(10)
SLOW_PROGRAM(11)

char LICENSE[] SEC("license") = "GPL";
