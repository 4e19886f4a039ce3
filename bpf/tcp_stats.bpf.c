// tcp_stats: per-peer TCP statistics, counted by a sock_ops program.
//
// Each socket's state lives in its own storage (tcp_stats_owner); the shared
// LRU tcp_stats is touched only at a connection's flush points (see
// tcp_stats.h): connect, established, close, and at most once per
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
extern struct tcp_stats_owner_map tcp_stats_owner SEC(".maps");

// How long a live connection may keep counts from its entry, at most
// (milliseconds). Set at load time through the daemon's `globals`; 0 flushes
// at every RTT sample.
const volatile __u32 tcp_stats_flush_interval_ms = TCP_STATS_FLUSH_INTERVAL_MS;

// The socket's tcp_stats state; NULL for a request socket, or when absent
// and not created (flags 0) or not creatable.
static __always_inline struct tcp_stats_conn* ConnOf(struct bpf_sock_ops* skops,
                                                     __u64 flags) {
  struct bpf_sock* sk = skops->sk;
  if (!sk) return NULL;
  return bpf_sk_storage_get(&tcp_stats_owner, sk, 0, flags);
}

// Starts counting a connection: its entry's key and zero baselines (the
// socket's own counters start from zero, also after a reconnect). Returns
// -1 when the socket has no IP peer.
static __always_inline int Track(struct bpf_sock_ops* skops,
                                 struct tcp_stats_conn* conn,
                                 enum tcp_stats_direction direction,
                                 __u64 cgroup_id) {
  struct bpfwarden_peer peer;
  __builtin_memset(&peer, 0, sizeof(peer));
  if (bpfwarden_peer_of(skops, &peer) != 0) return -1;
  __builtin_memset(conn, 0, sizeof(*conn));
  conn->key.family = peer.family;
  conn->key.direction = direction;
  if (direction == TCP_STATS_ACCEPTED) {
    conn->key.local_port = skops->local_port;  // host byte order
  } else {
    conn->key.remote_port = peer.port;
  }
  __builtin_memcpy(conn->key.remote_addr, peer.addr, sizeof(peer.addr));
  conn->key.cgroup_id = cgroup_id;
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

// Adds the event's opens and what the connection's counters grew by since
// its last flush to its entry, and sets the next interval flush. When the
// entry cannot be had, the baselines stay: the next flush adds it all.
static __always_inline void Flush(struct bpf_sock_ops* skops,
                                  struct tcp_stats_conn* conn,
                                  const struct opens* opens) {
  const __u64 now_ms = bpfwarden_now_ms();
  struct tcp_stats_value* value = EntryOf(&conn->key, now_ms);
  if (!value) return;
  Add(&value->active_opens, opens->active);
  Add(&value->passive_opens, opens->passive);
  Add(&value->established, opens->established);

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
  // first_seen_ms is only ever written on insert, so last >= first.
  if (now_ms > value->last_seen_ms) value->last_seen_ms = now_ms;
  conn->flush_due_jiffies =
      bpf_jiffies64() + bpfwarden_ms_to_jiffies(tcp_stats_flush_interval_ms);
}

// Adds the per-connection callbacks tcp_stats needs to whatever flags the
// socket has: the flags are per socket, and tcp_tune or any other program
// on the cgroup may have set their own.
static __always_inline void EnableCallbacks(struct bpf_sock_ops* skops) {
  bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
                                       BPF_SOCK_OPS_RTT_CB_FLAG |
                                       BPF_SOCK_OPS_STATE_CB_FLAG);
}

// listen(2), in the listening task: its cgroup owns the accepted sockets,
// which inherit this storage (BPF_F_CLONE).
static __always_inline void Listening(struct bpf_sock_ops* skops) {
  struct tcp_stats_conn* conn = ConnOf(skops, BPF_SK_STORAGE_GET_F_CREATE);
  if (!conn) return;
  conn->key.cgroup_id = bpf_get_current_cgroup_id();
  conn->phase = TCP_STATS_LISTENER;
}

// Each event below returns the socket's state when the event is a flush
// point (with the opens it adds in *opens), NULL otherwise.

// connect(2), in the connecting task: the owner, and the open.
static __always_inline struct tcp_stats_conn* Connecting(
    struct bpf_sock_ops* skops, struct opens* opens) {
  struct tcp_stats_conn* conn = ConnOf(skops, BPF_SK_STORAGE_GET_F_CREATE);
  if (!conn) return NULL;
  if (Track(skops, conn, TCP_STATS_INITIATED, bpf_get_current_cgroup_id())) {
    return NULL;
  }
  conn->phase = TCP_STATS_CONNECTING;
  opens->active = 1;
  return conn;
}

// Both established callbacks, in softirq context. A socket whose
// connect(2) or listen(2) came before tcp_stats was attached has no owner
// here: cgroup 0.
static __always_inline struct tcp_stats_conn* Established(
    struct bpf_sock_ops* skops, __u32 op, struct opens* opens) {
  struct tcp_stats_conn* conn = ConnOf(skops, BPF_SK_STORAGE_GET_F_CREATE);
  if (!conn) return NULL;
  const int accepted = op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
  if (accepted) {
    const __u64 owner =
        conn->phase == TCP_STATS_LISTENER ? conn->key.cgroup_id : 0;
    if (Track(skops, conn, TCP_STATS_ACCEPTED, owner)) return NULL;
  } else if (conn->phase != TCP_STATS_CONNECTING) {
    if (Track(skops, conn, TCP_STATS_INITIATED, 0)) return NULL;
  }
  conn->phase = TCP_STATS_OPEN;
  EnableCallbacks(skops);
  opens->passive = accepted;
  opens->established = 1;
  return conn;
}

// Fires at every ACK that yields an RTT sample: kept cheap, it flushes only
// once the interval ran out.
static __always_inline struct tcp_stats_conn* RttSample(
    struct bpf_sock_ops* skops) {
  struct tcp_stats_conn* conn = ConnOf(skops, 0);
  if (!conn || conn->phase != TCP_STATS_OPEN) return NULL;
  const __u32 srtt_us = skops->srtt_us >> 3;
  if (srtt_us > conn->max_srtt_us) conn->max_srtt_us = srtt_us;
  return bpf_jiffies64() >= conn->flush_due_jiffies ? conn : NULL;
}

// args: old state, new state. The close is the last flush.
static __always_inline struct tcp_stats_conn* StateChanged(
    struct bpf_sock_ops* skops) {
  struct tcp_stats_conn* conn = ConnOf(skops, 0);
  if (!conn || conn->phase != TCP_STATS_OPEN) return NULL;
  conn->state_changes++;
  if (skops->args[1] != BPF_TCP_CLOSE) return NULL;
  conn->phase = TCP_STATS_CLOSED;
  return conn;
}

SEC("sockops")
int tcp_stats_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  struct opens opens = {};
  struct tcp_stats_conn* flush = NULL;
  switch (op) {
    case BPF_SOCK_OPS_TCP_LISTEN_CB:
      Listening(skops);
      break;
    case BPF_SOCK_OPS_TCP_CONNECT_CB:
      flush = Connecting(skops, &opens);
      break;
    case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
    case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
      flush = Established(skops, op, &opens);
      break;
    case BPF_SOCK_OPS_RTT_CB:
      flush = RttSample(skops);
      break;
    case BPF_SOCK_OPS_STATE_CB:
      flush = StateChanged(skops);
      break;
    default:
      break;
  }
  if (flush) Flush(skops, flush, &opens);
  // Always 1: any other value makes tcp_call_bpf() report -EPERM and the
  // kernel ignore reply for every program on the cgroup.
  return 1;
}
