// Map layouts of tcp_stats, shared by the BPF programs and the C++ side.
//
// Fixed-width types only, explicit padding, no pointers: the same bytes mean
// the same thing on both sides, and BTF describes every field by name.
#ifndef BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
#define BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_

#include <linux/types.h>

#include "bpf/include/btf_tags.h"
#include "bpf/include/layout.h"

// tcp_stats is a lossy cache, not a ledger. It is an LRU hash: when it is
// full, inserting a new entry evicts the least recently used one. Worse, the
// kernel's LRU keeps per-CPU free lists, so an insert can evict while the
// map still holds far fewer than max_entries (a CPU whose list ran dry takes
// from the global list and may shrink it). An evicted entry that comes back
// starts again from zero: it holds only what its connections added after
// the eviction (their opens and everything flushed before it are gone).
// Entries aggregate connections (see tcp_stats_key), so a host needs one per
// (peer, service port, cgroup) and side, not one per connection: 16384
// entries (key 32 B, value 88 B) cost 3015552 B (2.9 MiB) of kernel memory,
// as bpftool reports the map's memlock. Readers must treat a missing entry
// as "not seen recently", never as "never seen", and every count as a lower
// bound.
#define TCP_STATS_MAX_ENTRIES 16384

// Where tcp_stats keeps the state of open connections: tcp_stats_slots, an
// array of TCP_STATS_SLOTS slots indexed by the socket cookie's low bits
// (a power of two); a connection whose slot is taken by another one goes to
// tcp_stats_conns, an LRU hash keyed by socket cookie, of
// TCP_STATS_MAX_CONNS entries.
#define TCP_STATS_SLOTS 16384
#define TCP_STATS_MAX_CONNS 4096

// A slot whose connection has not flushed for this long past its due time
// (it has exchanged nothing, or its close never came because tcp_stats was
// detached meanwhile) goes to the next connection that needs it; the
// connection it held, if still open, then adds nothing more to its entry
// (its counts since its latest flush are lost: a lower bound, as for an
// evicted entry).
#define TCP_STATS_SLOT_STALE_MS (10 * 60 * 1000)

// Which side of the connection this host is.
enum tcp_stats_direction : __u8 {
  TCP_STATS_INITIATED = 1,  // a task here called connect(2)
  TCP_STATS_ACCEPTED = 2,   // a listener here accepted it
};

// One entry aggregates every connection with the same key:
//  - initiated: (remote address, remote port, owner cgroup), local_port 0;
//  - accepted: (remote address, local port, owner cgroup), remote_port 0,
//    so that all connections from one client to one local service share an
//    entry whatever ephemeral ports the client picked.
struct tcp_stats_key {
  __u8 family;  // AF_INET or AF_INET6, of the socket
  enum tcp_stats_direction direction;
  __u16 local_port;   // accepted: the port the client connected to; host order
  __u32 remote_port;  // initiated: the port connected to; host byte order
  // Network byte order; IPv4 peers are stored IPv4-mapped (::ffff:a.b.c.d).
  __u8 remote_addr[16] BPFWARDEN_IP_ADDR;
  // The cgroup v2 id of the socket: the cgroup of the task that created it
  // with socket(2), as the kernel stamps it on the socket (the cgroup whose
  // programs run for it); accepted sockets carry their listener's. Read
  // from the socket through BTF (sk->sk_cgrp_data), so it is right in
  // softirq context too, and for sockets created before tcp_stats was
  // attached.
  __u64 cgroup_id;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_key) == 32,
                        "tcp_stats_key layout");

// The default of tcp_stats_flush_interval_ms.
#define TCP_STATS_FLUSH_INTERVAL_MS 1000

// Counters are sums over the entry's connections. A connection adds to its
// entry only at flush points, not on every callback: when it is established
// (its opens, and its counters so far), when it closes (TCP_CLOSE), and in
// between at most once per tcp_stats_flush_interval_ms (a .rodata global of
// the object, default 1000 ms), at the first RTT sample after the interval
// ran out; the counters of a live connection that exchanges data are
// therefore never staler than the interval. A connection that only receives
// (no RTT samples: it sends nothing to be acknowledged) is flushed at its
// close. A connect(2) that never reaches ESTABLISHED (refused, timed out)
// adds its active open when its socket closes.
struct tcp_stats_value {
  // initiated: connect(2) calls that sent a SYN, counted when established
  // or, failing that, when the socket closes
  __u64 active_opens;
  __u64 passive_opens;  // accepted: connections accepted by a listener
  __u64 established;    // connections that reached ESTABLISHED
  // RTT, microseconds, as the flushing connection saw it at its latest
  // flush: its smoothed RTT and its windowed minimum RTT (left alone by a
  // flush before the first RTT sample).
  __u32 srtt_us;
  __u32 min_rtt_us;
  // Segments retransmitted successfully, as the socket counts them
  // (TCP_INFO's tcpi_total_retrans), SYN and SYN-ACK retransmissions
  // included; added at each flush since the previous one.
  __u64 retransmits;
  // Sequence space counted by the socket (RFC 4898), added at each flush
  // since the previous one; complete once the connection closed:
  //  - bytes_acked: sequence space of ours the peer acknowledged: payload,
  //    plus 1 for our SYN on the active side (a passive socket starts past
  //    its SYN), plus 1 for our FIN once the peer acknowledged it;
  //  - bytes_received: sequence space received in order: payload plus 1 for
  //    the peer's FIN (never the peer's SYN).
  // A connection aborted by RST counts what it had at TCP_CLOSE.
  __u64 bytes_acked;
  __u64 bytes_received;
  // TCP state transitions from the established callback on: an initiated
  // socket's start after ESTABLISHED, an accepted one's include its own
  // SYN_RECV -> ESTABLISHED. An orderly close adds 3 (active closer:
  // FIN_WAIT1, FIN_WAIT2, CLOSE) or 3 (passive closer: CLOSE_WAIT,
  // LAST_ACK, CLOSE), an abort by RST 1 (CLOSE). Counted at the close from
  // the state it closes from (no callback per transition: each state past
  // ESTABLISHED is reached by one path only), so a live connection's
  // transitions show once it closed; an accepted one's SYN_RECV ->
  // ESTABLISHED shows at its first flush after it.
  __u64 state_changes;
  // Milliseconds since boot on the kernel's jiffies clock:
  // (bpf_jiffies64() - INITIAL_JIFFIES) * 1000 / CONFIG_HZ. Resolution is
  // one jiffy (4 ms at HZ=250); it runs with CLOCK_MONOTONIC, within a
  // fixed offset of a fraction of a second set at boot. first_seen_ms is
  // when the entry was created, last_seen_ms its latest flush.
  __u64 first_seen_ms;
  __u64 last_seen_ms;
  // The largest smoothed RTT any of the entry's connections had at an RTT
  // sample or a flush, microseconds; merged at flushes with max (two
  // flushes racing on two CPUs may keep the smaller of their two values).
  __u32 max_srtt_us;
  __u32 pad;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_value) == 88,
                        "tcp_stats_value layout");

// What tcp_stats keeps per open connection between flushes, from its
// established callback to its close: in its slot of tcp_stats_slots, or in
// tcp_stats_conns when another connection holds that slot (see
// TCP_STATS_SLOTS). Not socket-local storage: creating and freeing that on
// every connection (the free deferred through RCU) cost more than
// everything else tcp_stats does. Readable from user space, but only
// meaningful to tcp_stats.
struct tcp_stats_conn {
  struct tcp_stats_key key;  // the connection's entry
  __u64 flush_due_jiffies;  // the next RTT sample at or after it flushes
  // The socket's own cumulative counters as of the latest flush: the next
  // flush adds what they grew by since.
  __u64 bytes_acked;
  __u64 bytes_received;
  __u32 retransmits;
  __u32 state_changes;  // transitions not flushed yet
  __u32 max_srtt_us;    // over the connection's RTT samples and flushes
  __u32 pad;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_conn) == 72,
                        "tcp_stats_conn layout");

// Value of tcp_stats_slots: a connection's state, and the socket cookie of
// the connection holding the slot (0: free).
struct tcp_stats_slot {
  __u64 cookie;
  struct tcp_stats_conn conn;
};
BPFWARDEN_LAYOUT_ASSERT(sizeof(struct tcp_stats_slot) == 80,
                        "tcp_stats_slot layout");

#endif  // BPFWARDEN_BPF_INCLUDE_TCP_STATS_H_
