// A log call whose hint does not fit its argument ({:i} on an integer),
// past a "{{" escape, where the header's compile-time check stops: the
// daemon refuses the object at load, naming this file and line.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "bpf/include/bpfwarden/log.h"

SEC("syscall")
int bad_hint(void* ctx) {
  BW_WARN(ctx, "{{x}} peer {:i}", (__u32)1);  // line 13
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
