// The probe map, defined here and linked into probe_prog.bpf.c's program by
// the daemon (the multi-object linking test). No programs: loaded alone it
// is the "object without programs" bad input.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "tests/core/probe.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct probe_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} probe SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
