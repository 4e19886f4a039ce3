// Map layout of tcp_stats, shared by the BPF programs and the C++ side.
//
// Fixed-width types only, explicit padding, no pointers: the same bytes mean
// the same thing on both sides, and BTF describes every field by name.
#ifndef BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
#define BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_

#include <linux/types.h>

#include "bpf/include/btf_tags.h"
#include "bpf/include/layout.h"

// tcp_stats is a lossy cache, not a ledger. It is an LRU hash: when it is
// full, inserting a new peer evicts the least recently used one. Worse, the
// kernel's LRU keeps per-CPU free lists, so an insert can evict while the
// map still holds far fewer than max_entries (a CPU whose list ran dry takes
// from the global list and may shrink it), and an evicted peer starts again
// from zero. Size it well above the number of (peer, port, cgroup) triples
// expected to be live at once: 16384 entries (key 32 B, value 80 B) cost
// 2884480 B (2.75 MiB) of kernel memory, as bpftool reports the map's memlock.
// Readers must treat a missing peer as "not seen recently", never as "never
// seen", and every count as a lower bound.
#define TCP_STATS_MAX_ENTRIES 16384

struct tcp_stats_key {
  __u8 family;  // AF_INET or AF_INET6, of the socket
  __u8 pad[3];
  __u32 remote_port;  // host byte order
  // Network byte order; IPv4 peers are stored IPv4-mapped (::ffff:a.b.c.d).
  __u8 remote_addr[16] BPFWARDEN_IP_ADDR;
  // The cgroup v2 id of the task that opened the socket: the task calling
  // connect(2) for active opens, the task calling listen(2) for passive
  // ones (accepted sockets inherit it from their listener). 0 when the
  // opening call happened before tcp_stats was attached (see
  // tcp_stats_owner below).
  __u64 cgroup_id;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_key) == 32,
                        "tcp_stats_key layout");

// Counters are sums over every connection with the key's peer; a value
// lives until LRU eviction (see above).
struct tcp_stats_value {
  __u64 active_opens;   // connect(2) calls that sent a SYN
  __u64 passive_opens;  // connections accepted by a listener
  __u64 established;    // connections that reached ESTABLISHED, both sides
  __u32 srtt_us;        // last smoothed RTT, microseconds
  __u32 min_rtt_us;     // last windowed minimum RTT, microseconds
  __u64 retransmits;    // segments retransmitted successfully
  // Taken from the socket when it reaches TCP_CLOSE (RFC 4898 counters):
  //  - bytes_acked: sequence space of ours the peer acknowledged: payload,
  //    plus 1 for our SYN on the active side (a passive socket starts past
  //    its SYN), plus 1 for our FIN once the peer acknowledged it;
  //  - bytes_received: sequence space received in order: payload plus 1 for
  //    the peer's FIN (never the peer's SYN).
  // A connection aborted by RST before TCP_CLOSE is seen counts what it had.
  __u64 bytes_acked;
  __u64 bytes_received;
  // TCP state transitions from the established callback on: an active
  // socket's start after ESTABLISHED, a passive one's include its own
  // SYN_RECV -> ESTABLISHED. An orderly close adds 3 (active closer:
  // FIN_WAIT1, FIN_WAIT2, CLOSE) or 3 (passive closer: CLOSE_WAIT,
  // LAST_ACK, CLOSE).
  __u64 state_changes;
  // Milliseconds since boot on the kernel's jiffies clock:
  // (bpf_jiffies64() - INITIAL_JIFFIES) * 1000 / CONFIG_HZ. Resolution is
  // one jiffy (4 ms at HZ=250); it runs with CLOCK_MONOTONIC, within a
  // fixed offset of a fraction of a second set at boot.
  __u64 first_seen_ms;
  __u64 last_seen_ms;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_value) == 80,
                        "tcp_stats_value layout");

// Value of tcp_stats_owner, socket-local storage (BPF_MAP_TYPE_SK_STORAGE,
// cloned to accepted sockets). Why it exists: most sock_ops callbacks run
// in softirq context, where the "current task" is whatever the CPU happened
// to interrupt, so bpf_get_current_cgroup_id() there names an unrelated
// cgroup; and bpf_sk_cgroup_id() is not offered to sock_ops programs. So the
// owner is read with bpf_get_current_cgroup_id() where it is meaningful, in
// the connect(2) and listen(2) callbacks that run in the opening task, and
// kept with the socket.
struct tcp_stats_owner {
  __u64 cgroup_id;
};

#endif  // BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
