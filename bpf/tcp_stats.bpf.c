// tcp_stats: per-peer TCP statistics, counted by a sock_ops program.
//
// Each open connection's state lives in tcp_stats_slots (or, when its slot
// is taken, tcp_stats_conns), keyed by its socket cookie; the shared LRU
// tcp_stats is touched only at a connection's flush points (see
// tcp_stats.h): established, close, and at most once per
// tcp_stats_flush_interval_ms in between, at an RTT sample.
//
// The maps live in tcp_stats_maps.bpf.c and the peer and clock helpers in
// sock_ops_common.bpf.c; this file declares them and the linker joins them.
// linux/bpf.h first: libbpf's headers build on its types.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "bpf/include/tcp_stats.h"

#include "bpf/sock_ops_common.bpf.h"
#include "bpf/tcp_stats_maps.bpf.h"

extern struct tcp_stats_map tcp_stats SEC(".maps");
extern struct tcp_stats_slots_map tcp_stats_slots SEC(".maps");
extern struct tcp_stats_conns_map tcp_stats_conns SEC(".maps");

// How long a live connection may keep counts from its entry, at most
// (milliseconds). Set at load time through the daemon's `globals`; 0 flushes
// at every RTT sample.
const volatile __u32 tcp_stats_flush_interval_ms = TCP_STATS_FLUSH_INTERVAL_MS;

// The few kernel fields tcp_stats reads through BTF, relocated (CO-RE) to
// the running kernel's layout when the object is loaded.
struct kernfs_node {
  __u64 id;
} __attribute__((preserve_access_index));
struct cgroup {
  struct kernfs_node* kn;
} __attribute__((preserve_access_index));
struct sock_cgroup_data {
  struct cgroup* cgroup;
} __attribute__((preserve_access_index));
struct sock {
  struct sock_cgroup_data sk_cgrp_data;
} __attribute__((preserve_access_index));

// The owner of the event's socket (see tcp_stats_key.cgroup_id): the cgroup
// v2 id the kernel stamped on it at socket(2), which an accepted socket
// copies from its listener. 0 for a socket that is not a full TCP socket.
static __always_inline __u64 OwnerOf(struct bpf_sock_ops* skops) {
  struct bpf_sock* sk = skops->sk;
  if (!sk) return 0;
  // The tcp_sock starts with its struct sock.
  struct sock* tcp = (struct sock*)bpf_skc_to_tcp_sock(sk);
  if (!tcp) return 0;
  struct cgroup* cgroup = tcp->sk_cgrp_data.cgroup;
  if (!cgroup) return 0;
  return cgroup->kn->id;
}

// The key of the event's connection, on the given side. Returns -1 when the
// socket has no IP peer.
static __always_inline int KeyOf(struct bpf_sock_ops* skops,
                                 enum tcp_stats_direction direction,
                                 struct tcp_stats_key* key) {
  struct bpfwarden_peer peer;
  __builtin_memset(&peer, 0, sizeof(peer));
  if (bpfwarden_peer_of(skops, &peer) != 0) return -1;
  __builtin_memset(key, 0, sizeof(*key));
  key->family = peer.family;
  key->direction = direction;
  if (direction == TCP_STATS_ACCEPTED) {
    key->local_port = skops->local_port;  // host byte order
  } else {
    key->remote_port = peer.port;
  }
  __builtin_memcpy(key->remote_addr, peer.addr, sizeof(peer.addr));
  key->cgroup_id = OwnerOf(skops);
  return 0;
}

// The entry under `key`, created empty if missing (also after an eviction);
// NULL when the map refused the insert.
static __always_inline struct tcp_stats_value* EntryOf(
    const struct tcp_stats_key* key, __u64 now_ms) {
  struct tcp_stats_value* value = bpf_map_lookup_elem(&tcp_stats, key);
  if (value) return value;
  struct tcp_stats_value fresh = {.first_seen_ms = now_ms};
  bpf_map_update_elem(&tcp_stats, key, &fresh, BPF_NOEXIST);
  return bpf_map_lookup_elem(&tcp_stats, key);
}

static __always_inline void Add(__u64* counter, __u64 delta) {
  if (delta) __sync_fetch_and_add(counter, delta);
}

// The opens an event adds to its entry.
struct opens {
  __u64 active;
  __u64 passive;
  __u64 established;
};

// Adds the event's opens to the entry under `key` and, with the
// connection's state `conn` (NULL at connect(2), which has none yet), what
// the connection's counters grew by since its last flush; then sets the
// next interval flush. When the entry cannot be had, the baselines stay:
// the next flush adds it all.
static __always_inline void Flush(struct bpf_sock_ops* skops,
                                  const struct tcp_stats_key* key,
                                  struct tcp_stats_conn* conn,
                                  const struct opens* opens) {
  const __u64 now_ms = bpfwarden_now_ms();
  struct tcp_stats_value* value = EntryOf(key, now_ms);
  if (!value) return;
  Add(&value->active_opens, opens->active);
  Add(&value->passive_opens, opens->passive);
  Add(&value->established, opens->established);
  // first_seen_ms is only ever written on insert, so last >= first.
  if (now_ms > value->last_seen_ms) value->last_seen_ms = now_ms;
  if (!conn) return;

  const __u64 acked = skops->bytes_acked;
  const __u64 received = skops->bytes_received;
  const __u32 retransmits = skops->total_retrans;
  Add(&value->bytes_acked, acked - conn->bytes_acked);
  Add(&value->bytes_received, received - conn->bytes_received);
  Add(&value->retransmits, retransmits - conn->retransmits);
  Add(&value->state_changes, conn->state_changes);
  conn->bytes_acked = acked;
  conn->bytes_received = received;
  conn->retransmits = retransmits;
  conn->state_changes = 0;

  const __u32 srtt_us = skops->srtt_us >> 3;  // the kernel keeps srtt << 3
  if (srtt_us != 0) {                         // 0: no RTT sample yet
    value->srtt_us = srtt_us;
    value->min_rtt_us = skops->rtt_min;
    if (srtt_us > conn->max_srtt_us) conn->max_srtt_us = srtt_us;
  }
  if (conn->max_srtt_us > value->max_srtt_us) {
    value->max_srtt_us = conn->max_srtt_us;
  }
  conn->flush_due_jiffies =
      bpf_jiffies64() + bpfwarden_ms_to_jiffies(tcp_stats_flush_interval_ms);
}

// Adds callbacks to whatever flags the socket has: the flags are per
// socket, and tcp_tune or any other program on the cgroup may have set their
// own.
static __always_inline void EnableCallbacks(struct bpf_sock_ops* skops,
                                            __u32 flags) {
  const __u32 had = skops->bpf_sock_ops_cb_flags;
  if ((had & flags) != flags) bpf_sock_ops_cb_flags_set(skops, had | flags);
}

#ifndef TCP_STATS_NO_CMPXCHG
// The slot of a socket cookie (never NULL for the verifier's sake alone:
// the index is in range).
static __always_inline struct tcp_stats_slot* SlotOf(__u64 cookie) {
  const __u32 index = (__u32)cookie & (TCP_STATS_SLOTS - 1);
  return bpf_map_lookup_elem(&tcp_stats_slots, &index);
}

// Keeps a connection's state under its socket cookie: in its slot when the
// slot is free (or already its own: a socket connected again), else in the
// overflow map. A socket cookie is never 0, a free slot's is. A slot whose
// holder has not flushed for TCP_STATS_SLOT_STALE_MS past its due time is
// taken over: its close may never come (tcp_stats was detached before it).
static __always_inline void Keep(__u64 cookie,
                                 const struct tcp_stats_conn* conn) {
  struct tcp_stats_slot* slot = SlotOf(cookie);
  if (slot) {
    __u64 held = __sync_val_compare_and_swap(&slot->cookie, 0, cookie);
    if (held != 0 && held != cookie &&
        slot->conn.flush_due_jiffies +
                bpfwarden_ms_to_jiffies(TCP_STATS_SLOT_STALE_MS) <
            bpf_jiffies64() &&
        __sync_val_compare_and_swap(&slot->cookie, held, cookie) == held) {
      held = 0;
    }
    if (held == 0 || held == cookie) {
      __builtin_memcpy(&slot->conn, conn, sizeof(*conn));
      return;
    }
  }
  bpf_map_update_elem(&tcp_stats_conns, &cookie, conn, BPF_ANY);
}
#else  // TCP_STATS_NO_CMPXCHG
// Kernels without BPF_ATOMIC cmpxchg (before 5.12) cannot claim a slot:
// every connection keeps its state in the overflow map, and no instruction
// of the slot claim is in the program (5.10's verifier refuses it even in
// dead code).
static __always_inline void Keep(__u64 cookie,
                                 const struct tcp_stats_conn* conn) {
  bpf_map_update_elem(&tcp_stats_conns, &cookie, conn, BPF_ANY);
}
#endif  // TCP_STATS_NO_CMPXCHG

// Where a connection's state is kept, found by its socket cookie.
struct kept {
  __u64 cookie;
  struct tcp_stats_slot* slot;  // non-NULL when in its slot
  struct tcp_stats_conn* conn;  // NULL when tcp_stats did not see it open
};

static __always_inline struct kept Find(struct bpf_sock_ops* skops) {
  struct kept kept = {.cookie = bpf_get_socket_cookie(skops)};
#ifndef TCP_STATS_NO_CMPXCHG
  struct tcp_stats_slot* slot = SlotOf(kept.cookie);
  if (slot && slot->cookie == kept.cookie) {
    kept.slot = slot;
    kept.conn = &slot->conn;
  } else {
    kept.conn = bpf_map_lookup_elem(&tcp_stats_conns, &kept.cookie);
  }
#else  // every connection's state is in the overflow map
  kept.conn = bpf_map_lookup_elem(&tcp_stats_conns, &kept.cookie);
#endif
  return kept;
}

// Forgets a connection's state, at its close.
static __always_inline void Forget(struct kept* kept) {
  if (kept->slot) {
    *(volatile __u64*)&kept->slot->cookie = 0;  // the slot is free again
  } else {
    bpf_map_delete_elem(&tcp_stats_conns, &kept->cookie);
  }
}

// connect(2): asks for state callbacks, to see the close. The open is counted
// at the connection's established callback, or at its close when it never
// got there (refused, timed out), so that a successful connect(2) costs one
// flush, not two.
static __always_inline void Connecting(struct bpf_sock_ops* skops) {
  EnableCallbacks(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
}

// Both established callbacks, in softirq context: the first flush of the
// connection's counters, and its state, kept under its socket cookie until
// its close.
static __always_inline void Established(struct bpf_sock_ops* skops,
                                        __u32 op) {
  const int accepted = op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
  struct tcp_stats_conn conn;
  __builtin_memset(&conn, 0, sizeof(conn));
  if (KeyOf(skops, accepted ? TCP_STATS_ACCEPTED : TCP_STATS_INITIATED,
            &conn.key)) {
    return;
  }
  const struct opens opens = {
      .active = !accepted, .passive = accepted, .established = 1};
  Flush(skops, &conn.key, &conn, &opens);
  // The kernel moves an accepted socket from SYN_RECV to ESTABLISHED right
  // after this callback: the first of its state changes.
  conn.state_changes = accepted;
  Keep(bpf_get_socket_cookie(skops), &conn);
  EnableCallbacks(skops,
                  BPF_SOCK_OPS_RTT_CB_FLAG | BPF_SOCK_OPS_STATE_CB_FLAG);
}

// A connect(2) that never reached ESTABLISHED: its open, at its close.
static __always_inline void Failed(struct bpf_sock_ops* skops) {
  struct tcp_stats_key key;
  if (KeyOf(skops, TCP_STATS_INITIATED, &key)) return;
  const struct opens opens = {.active = 1};
  Flush(skops, &key, NULL, &opens);
}

// Fires at every ACK that yields an RTT sample: kept cheap, it flushes only
// once the interval ran out.
static __always_inline void RttSample(struct bpf_sock_ops* skops) {
  struct kept kept = Find(skops);
  struct tcp_stats_conn* conn = kept.conn;
  if (!conn) return;
  const __u32 srtt_us = skops->srtt_us >> 3;
  if (srtt_us > conn->max_srtt_us) conn->max_srtt_us = srtt_us;
  if (bpf_jiffies64() < conn->flush_due_jiffies) return;
  const struct opens none = {};
  Flush(skops, &conn->key, conn, &none);
}

// The state changes of a connection from its established callback to its
// close, told by the state it closes from: each state past ESTABLISHED is
// reached by one path only (FIN_WAIT2 and CLOSING through FIN_WAIT1,
// LAST_ACK through CLOSE_WAIT), and the close is one more.
static __always_inline __u32 ChangesClosingFrom(__u32 state) {
  switch (state) {
    case BPF_TCP_FIN_WAIT1:
    case BPF_TCP_CLOSE_WAIT:
      return 2;
    case BPF_TCP_FIN_WAIT2:
    case BPF_TCP_CLOSING:
    case BPF_TCP_LAST_ACK:
    case BPF_TCP_TIME_WAIT:
      return 3;
    default:  // ESTABLISHED
      return 1;
  }
}

// args: old state, new state. The close is the last flush; it forgets the
// connection, so that a socket connected again starts afresh.
static __always_inline void StateChanged(struct bpf_sock_ops* skops) {
  if (skops->args[1] != BPF_TCP_CLOSE) return;
  if (skops->args[0] == BPF_TCP_SYN_SENT) {
    Failed(skops);
    return;
  }
  struct kept kept = Find(skops);
  struct tcp_stats_conn* conn = kept.conn;
  if (!conn) return;
  conn->state_changes += ChangesClosingFrom(skops->args[0]);
  const struct opens none = {};
  Flush(skops, &conn->key, conn, &none);
  Forget(&kept);
}

SEC("sockops")
int tcp_stats_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  switch (op) {
    case BPF_SOCK_OPS_TCP_CONNECT_CB:
      Connecting(skops);
      break;
    case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
    case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
      Established(skops, op);
      break;
    case BPF_SOCK_OPS_RTT_CB:
      RttSample(skops);
      break;
    case BPF_SOCK_OPS_STATE_CB:
      StateChanged(skops);
      break;
    default:
      break;
  }
  // Always 1: any other value makes tcp_call_bpf() report -EPERM and the
  // kernel ignore reply for every program on the cgroup.
  return 1;
}
