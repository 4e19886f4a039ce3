// tcp_stats: per-peer TCP statistics, counted by a sock_ops program.
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

// Records the calling task's cgroup as the socket's owner. Only called from
// connect(2) and listen(2) callbacks, which run in the opening task.
static __always_inline void RememberOwner(struct bpf_sock_ops* skops) {
  struct bpf_sock* sk = skops->sk;
  if (!sk) return;
  struct tcp_stats_owner* owner =
      bpf_sk_storage_get(&tcp_stats_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
  if (owner) owner->cgroup_id = bpf_get_current_cgroup_id();
}

static __always_inline __u64 OwnerCgroup(struct bpf_sock_ops* skops) {
  struct bpf_sock* sk = skops->sk;
  if (!sk) return 0;
  struct tcp_stats_owner* owner =
      bpf_sk_storage_get(&tcp_stats_owner, sk, 0, 0);
  return owner ? owner->cgroup_id : 0;
}

// Opening callbacks create the peer's entry; the rest only update one.
static __always_inline int OpensConnection(__u32 op) {
  return op == BPF_SOCK_OPS_TCP_CONNECT_CB ||
         op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
         op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
}

// Returns the entry for this peer, or NULL: when the socket has no IP peer,
// when the event does not open a connection and no entry exists (evicted),
// or when the map refused the insert.
static __always_inline struct tcp_stats_value* Entry(struct bpf_sock_ops* skops,
                                                     __u32 op, __u64 now_ms) {
  struct bpfwarden_peer peer;
  __builtin_memset(&peer, 0, sizeof(peer));
  if (bpfwarden_peer_of(skops, &peer) != 0 || peer.port == 0) return NULL;
  struct tcp_stats_key key;
  __builtin_memset(&key, 0, sizeof(key));
  key.family = peer.family;
  key.remote_port = peer.port;
  __builtin_memcpy(key.remote_addr, peer.addr, sizeof(key.remote_addr));
  key.cgroup_id = OwnerCgroup(skops);
  struct tcp_stats_value* value = bpf_map_lookup_elem(&tcp_stats, &key);
  if (value || !OpensConnection(op)) return value;
  struct tcp_stats_value fresh = {.first_seen_ms = now_ms};
  bpf_map_update_elem(&tcp_stats, &key, &fresh, BPF_NOEXIST);
  return bpf_map_lookup_elem(&tcp_stats, &key);
}

// Adds the per-connection callbacks tcp_stats needs to whatever flags the
// socket has: the flags are per socket, and tcp_tune or any other program
// on the cgroup may have set their own.
static __always_inline void EnableCallbacks(struct bpf_sock_ops* skops) {
  bpf_sock_ops_cb_flags_set(
      skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTT_CB_FLAG |
                 BPF_SOCK_OPS_STATE_CB_FLAG | BPF_SOCK_OPS_RETRANS_CB_FLAG);
}

SEC("sockops")
int tcp_stats_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  if (op == BPF_SOCK_OPS_TCP_LISTEN_CB) {
    RememberOwner(skops);  // accepted sockets inherit it
    return 1;
  }
  if (op == BPF_SOCK_OPS_TCP_CONNECT_CB) RememberOwner(skops);

  const __u64 now_ms = bpfwarden_now_ms();
  struct tcp_stats_value* value = Entry(skops, op, now_ms);
  if (!value) return 1;

  switch (op) {
    case BPF_SOCK_OPS_TCP_CONNECT_CB:
      __sync_fetch_and_add(&value->active_opens, 1);
      break;
    case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
      __sync_fetch_and_add(&value->passive_opens, 1);
      // fallthrough
    case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
      __sync_fetch_and_add(&value->established, 1);
      EnableCallbacks(skops);
      break;
    case BPF_SOCK_OPS_RTT_CB:
      value->srtt_us = skops->srtt_us >> 3;  // the kernel keeps srtt << 3
      value->min_rtt_us = skops->rtt_min;
      break;
    case BPF_SOCK_OPS_RETRANS_CB:
      // args: first sequence number, segments, tcp_transmit_skb()'s result.
      if (skops->args[2] == 0) {
        __sync_fetch_and_add(&value->retransmits, skops->args[1]);
      }
      break;
    case BPF_SOCK_OPS_STATE_CB:
      // args: old state, new state.
      __sync_fetch_and_add(&value->state_changes, 1);
      if (skops->args[1] == BPF_TCP_CLOSE) {
        __sync_fetch_and_add(&value->bytes_acked, skops->bytes_acked);
        __sync_fetch_and_add(&value->bytes_received, skops->bytes_received);
      }
      break;
    default:
      break;
  }
  // first_seen_ms is only ever written on insert, so last >= first.
  if (now_ms > value->last_seen_ms) value->last_seen_ms = now_ms;
  // Always 1: any other value makes tcp_call_bpf() report -EPERM and the
  // kernel ignore reply for every program on the cgroup.
  return 1;
}
