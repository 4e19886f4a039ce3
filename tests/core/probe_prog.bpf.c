// A sock_ops program that records CONFIG_HZ (a kconfig extern), a .rodata
// global and a call count in the probe map, which lives in probe_maps.bpf.c.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "tests/core/probe.h"

struct probe_map {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct probe_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
};
extern struct probe_map probe SEC(".maps");

extern unsigned int CONFIG_HZ __kconfig;

const volatile __u64 probe_magic = 7;

SEC("sockops")
int probe_sockops(struct bpf_sock_ops *skops) {
  __u32 zero = 0;
  struct probe_value *v = bpf_map_lookup_elem(&probe, &zero);
  if (v) {
    v->hz = CONFIG_HZ;
    v->magic = probe_magic;
    __sync_fetch_and_add(&v->calls, 1);
  }
  return 1;
}
