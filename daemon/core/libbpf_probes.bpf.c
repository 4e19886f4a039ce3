// Loaded once with the daemon's full privileges before the first scoped
// administrator's load (daemon/core/libbpf_probes.h): calling
// bpf_probe_read_kernel makes libbpf probe, and remember for the process,
// that the kernel has it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_nanosleep")
int bw_probe_read_kernel(void *ctx) {
  __u64 value = 0;
  bpf_probe_read_kernel(&value, sizeof(value), ctx);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
