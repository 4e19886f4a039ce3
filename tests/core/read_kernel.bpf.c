// A sock_ops program that reads kernel memory (bpf_probe_read_kernel, which
// the verifier offers only with CAP_PERFMON): loads as root, refused to a
// scoped administrator (issue 20, finding 4).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} read_kernel_words SEC(".maps");

SEC("sockops")
int read_kernel_sockops(struct bpf_sock_ops *skops) {
  __u32 zero = 0;
  __u64 *word = bpf_map_lookup_elem(&read_kernel_words, &zero);
  if (word) bpf_probe_read_kernel(word, sizeof(*word), skops->sk);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
