// libbpf probes kernel features once per process and remembers the answer.
// A probe that first runs on a thread with fewer capabilities (a scoped
// administrator's load, daemon/core/reduced_caps.h) can fail for want of
// them, and then libbpf rewrites everyone's programs as if the kernel
// lacked the feature: bpf_probe_read_kernel, probed with a kprobe program
// that needs CAP_PERFMON, would become bpf_probe_read in root's loads too.
#ifndef BPFWARDEN_DAEMON_CORE_LIBBPF_PROBES_H_
#define BPFWARDEN_DAEMON_CORE_LIBBPF_PROBES_H_

namespace bpfwarden {

// Runs, once per process and with the calling thread's privileges, the
// libbpf feature probes that a load with reduced capabilities could
// answer wrongly. A failure is logged (the kernel may lack kprobes); the
// loads go on.
void WarmLibbpfFeatureProbes();

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_LIBBPF_PROBES_H_
