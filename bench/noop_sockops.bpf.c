// The sock_ops benchmark's floors: programs that do nothing and return 1, so
// that a case with them measures only what running sock_ops programs costs,
// and what the callbacks a program asks for cost without any work in them.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

// Runs on the callbacks every socket gets (connect, the SYN's and SYN-ACK's
// questions, established).
SEC("sockops")
int noop_sockops(struct bpf_sock_ops* skops) { return 1; }

// The same again, for two programs on one cgroup, as tcp_stats + tcp_tune
// (the kernel refuses one program attached twice to one cgroup).
SEC("sockops")
int noop2_sockops(struct bpf_sock_ops* skops) { return 1; }

static __always_inline void Ask(struct bpf_sock_ops* skops, __u32 flags) {
  bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | flags);
}

// The least a program that sees each connection's close asks for: state
// callbacks from established on (the close is a state change). On an
// accepted socket it also gets SYN_RECV -> ESTABLISHED, which the kernel
// makes right after the established callback.
SEC("sockops")
int close_noop_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  if (op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
      op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) {
    Ask(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
  }
  return 1;
}

// The callbacks tcp_stats asks for, and nothing else: state callbacks from
// connect(2) (to see a connect that fails), and from established on RTT
// callbacks too (its interval flush).
SEC("sockops")
int stats_cbs_noop_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  if (op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
    Ask(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
  } else if (op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
             op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) {
    Ask(skops, BPF_SOCK_OPS_STATE_CB_FLAG | BPF_SOCK_OPS_RTT_CB_FLAG);
  }
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
