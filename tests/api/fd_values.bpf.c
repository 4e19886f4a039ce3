// Maps whose values hold a file descriptor on update (issue 20): device and
// CPU maps (a program fd beside the ifindex or queue size), and a program
// array. Through the daemon those fds would be the daemon's own.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_DEVMAP);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, struct bpf_devmap_val);
} devices SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, struct bpf_devmap_val);
} devices_by_index SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_CPUMAP);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} programs SEC(".maps");

SEC("xdp")
int fd_values_xdp(struct xdp_md* ctx) {
  __u32 key = 0;
  if (bpf_map_lookup_elem(&devices, &key)) return XDP_PASS;
  bpf_tail_call(ctx, &programs, 0);
  return bpf_redirect_map(&cpus, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
