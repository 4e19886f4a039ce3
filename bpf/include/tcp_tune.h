// Map layouts of tcp_tune, shared by the BPF program and the C++ side.
//
// tcp_tune_rules is an LPM trie from remote prefix to rule; operators write
// it. tcp_tune_counters counts, per rule id, what the rules did.
#ifndef BPFWARDEN_BPF_INCLUDE_TCP_TUNE_H_
#define BPFWARDEN_BPF_INCLUDE_TCP_TUNE_H_

#include <linux/types.h>

#include "bpf/include/btf_tags.h"
#include "bpf/include/layout.h"

#define TCP_TUNE_MAX_RULES 1024
#define TCP_TUNE_MAX_COUNTERS 1024
// TCP_CA_NAME_MAX in the kernel, terminating NUL included.
#define TCP_TUNE_CC_NAME_LEN 16

// One trie holds IPv4 and IPv6: IPv4 prefixes are stored IPv4-mapped, so
// a.b.c.d/n is ::ffff:a.b.c.d with prefixlen 96 + n. (A rule shorter than
// /96, ::/0 say, therefore also matches IPv4 peers.) The longest matching
// prefix wins.
struct tcp_tune_key {
  __u32 prefixlen;                  // 0..128, bits of addr that must match
  __u8 addr[16] BPFWARDEN_IP_ADDR;  // network byte order
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_tune_key) == 20,
                        "tcp_tune_key layout");

// Every field's zero means "leave the kernel's default".
struct tcp_tune_rule {
  // Names the rule in tcp_tune_counters; several prefixes may share one.
  __u32 rule_id;
  // Initial retransmission timeout of the SYN (active side) or SYN-ACK
  // (passive side), in milliseconds; converted to jiffies with CONFIG_HZ,
  // rounded up. The kernel default is 1000 ms and it caps the value at its
  // TCP_RTO_MAX (120 s).
  __u32 initial_rto_ms;
  // Initial receive window in segments (MSS). The kernel takes it as a cap:
  // the window advertised first is min(its own choice, this * MSS).
  __u32 initial_rwnd_segments;
  __u32 pad;
  // Congestion control to switch to once the connection is established,
  // NUL-terminated ("reno", "cubic", "bbr", ...); "" leaves it alone. The
  // algorithm must already be available (net.ipv4.tcp_available_...); the
  // program cannot load a module.
  char congestion[TCP_TUNE_CC_NAME_LEN];
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_tune_rule) == 32,
                        "tcp_tune_rule layout");

struct tcp_tune_counter_key {
  __u32 rule_id;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_tune_counter_key) == 4,
                        "tcp_tune_counter_key layout");

struct tcp_tune_counters {
  // Connections that reached ESTABLISHED while the rule matched their peer;
  // a loopback connection counts twice, once for each end.
  __u64 matched;
  __u64 congestion_set;     // bpf_setsockopt(TCP_CONGESTION) succeeded
  __u64 congestion_failed;  // ... failed (unknown or unavailable name)
  __u64 rto_replies;   // initial RTOs answered (one per SYN and per SYN-ACK)
  __u64 rwnd_replies;  // initial receive windows answered (likewise)
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_tune_counters) == 40,
                        "tcp_tune_counters layout");

#endif  // BPFWARDEN_BPF_INCLUDE_TCP_TUNE_H_
