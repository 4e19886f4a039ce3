// One syscall program that logs a line: it loads from Linux 5.14 on;
// before, the daemon refuses it naming the missing program type.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "bpf/include/bpfwarden/log.h"

SEC("syscall")
int log_syscall(void* ctx) {
  BW_WARN(ctx, "from a syscall program {}", (__u32)514);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
