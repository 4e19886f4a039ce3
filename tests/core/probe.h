// Layout of the test-only `probe` map, shared by tests/core's BPF objects
// and the C++ tests.
#ifndef BPFWARDEN_TESTS_CORE_PROBE_H_
#define BPFWARDEN_TESTS_CORE_PROBE_H_

#include <linux/types.h>

struct probe_value {
  __u64 hz;     // CONFIG_HZ as the program saw it (kconfig extern)
  __u64 magic;  // the .rodata global probe_magic
  __u64 calls;  // sock_ops callbacks seen
};

// Value of the `layout` map (struct layout_value in layout_v1.bpf.c and
// layout_v2.bpf.c): both versions have the same size but different members,
// which only a BTF comparison can tell apart.
struct layout_value_v1 {
  __u64 packets;
  __u64 bytes;
};
struct layout_value_v2 {
  __u64 bytes;
  __u32 lo;
  __u32 hi;
};

#endif  // BPFWARDEN_TESTS_CORE_PROBE_H_
