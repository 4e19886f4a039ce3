// The sock_ops benchmark's floor: a program that does nothing and returns 1,
// so a case with it measures only what running any sock_ops program costs.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

SEC("sockops")
int noop_sockops(struct bpf_sock_ops* skops) { return 1; }

char LICENSE[] SEC("license") = "GPL";
