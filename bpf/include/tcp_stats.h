// Map layout of tcp_stats, shared by the BPF programs and the C++ side.
//
// Fixed-width types only, explicit padding, no pointers: the same bytes mean
// the same thing on both sides, and BTF describes every field by name.
#ifndef BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
#define BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_

#include <linux/types.h>

#include "bpf/include/btf_tags.h"

// Lossy cache: an LRU hash evicts before max_entries is reached when its
// per-CPU free lists run dry, so size it well above the expected peer count.
#define TCP_STATS_MAX_ENTRIES 16384

struct tcp_stats_key {
  __u8 family;  // AF_INET or AF_INET6
  __u8 pad[3];
  __u32 remote_port;  // host byte order
  // Network byte order; IPv4 peers are stored IPv4-mapped (::ffff:a.b.c.d).
  __u8 remote_addr[16] BPFWARDEN_IP_ADDR;
  // cgroup v2 id of the task in whose context the event ran.
  __u64 cgroup_id;
};

struct tcp_stats_value {
  __u64 active_opens;
  __u64 passive_opens;
  __u64 established;
  __u32 srtt_us;     // last smoothed RTT
  __u32 min_rtt_us;  // minimum RTT seen
  __u64 retransmits;
  __u64 bytes_acked;     // summed over connections, taken at close
  __u64 bytes_received;  // summed over connections, taken at close
  __u64 state_changes;
  __u64 first_seen_ms;  // from bpf_jiffies64() and CONFIG_HZ
  __u64 last_seen_ms;
};

#endif  // BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
