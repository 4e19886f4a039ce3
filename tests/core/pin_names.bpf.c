// Raw material for hostile objects (tests/core/hostile_objects_test.cc):
// the test edits these names and offsets in the built ELF. `target` is the
// map another set attacks; `aaaaaaaaaaa` has the length of "../v/target";
// `names_prog` is the program whose name gets a newline.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} target SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} aaaaaaaaaaa SEC(".maps");

const volatile __u64 names_magic = 7;

SEC("sockops")
int names_prog(struct bpf_sock_ops *skops) {
  __u32 zero = 0;
  __u64 *v = bpf_map_lookup_elem(&target, &zero);
  if (v) *v = names_magic;
  v = bpf_map_lookup_elem(&aaaaaaaaaaa, &zero);
  if (v) *v += 1;
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
