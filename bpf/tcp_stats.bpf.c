// tcp_stats: per-peer TCP statistics, counted by a sock_ops program.
//
// The map lives in tcp_stats_maps.bpf.c; this file declares it extern and
// the two are linked into one object.
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/include/tcp_stats.h"
#include "bpf/tcp_stats_maps.bpf.h"

#define AF_INET 2
#define AF_INET6 10

extern struct tcp_stats_map tcp_stats SEC(".maps");

extern unsigned int CONFIG_HZ __kconfig;

static __always_inline __u64 NowMs(void) {
  return bpf_jiffies64() * 1000 / CONFIG_HZ;
}

static __always_inline int KeyOf(const struct bpf_sock_ops *skops,
                                 struct tcp_stats_key *key) {
  __builtin_memset(key, 0, sizeof(*key));
  key->family = skops->family;
  key->remote_port = bpf_ntohl(skops->remote_port);
  key->cgroup_id = bpf_get_current_cgroup_id();
  if (skops->family == AF_INET) {
    __u32 addr = skops->remote_ip4;
    key->remote_addr[10] = 0xff;  // ::ffff:a.b.c.d
    key->remote_addr[11] = 0xff;
    __builtin_memcpy(&key->remote_addr[12], &addr, sizeof(addr));
    return 0;
  }
  if (skops->family == AF_INET6) {
    // One 32-bit load a word: the context rejects the wider loads clang
    // would otherwise merge these into.
    __u32 addr[4];
    for (int i = 0; i < 4; i++) {
      addr[i] = *(volatile const __u32 *)&skops->remote_ip6[i];
    }
    __builtin_memcpy(key->remote_addr, addr, sizeof(addr));
    return 0;
  }
  return -1;
}

// Opening callbacks create the peer's entry; the rest only update one.
static __always_inline int OpensConnection(__u32 op) {
  return op == BPF_SOCK_OPS_TCP_CONNECT_CB ||
         op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
         op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
}

// Returns the entry for this peer, or NULL: when the socket has no IP peer
// (a listener, say), when the event does not open a connection and no entry
// exists, or when the map refused the insert.
static __always_inline struct tcp_stats_value *Entry(
    const struct bpf_sock_ops *skops, __u64 now_ms) {
  struct tcp_stats_key key;
  if (KeyOf(skops, &key) != 0 || key.remote_port == 0) return NULL;
  struct tcp_stats_value *value = bpf_map_lookup_elem(&tcp_stats, &key);
  if (value || !OpensConnection(skops->op)) return value;
  struct tcp_stats_value fresh = {.first_seen_ms = now_ms};
  bpf_map_update_elem(&tcp_stats, &key, &fresh, BPF_NOEXIST);
  return bpf_map_lookup_elem(&tcp_stats, &key);
}

SEC("sockops")
int tcp_stats_sockops(struct bpf_sock_ops *skops) {
  const __u64 now_ms = NowMs();
  struct tcp_stats_value *value = Entry(skops, now_ms);
  if (!value) return 1;

  switch (skops->op) {
    case BPF_SOCK_OPS_TCP_CONNECT_CB:
      __sync_fetch_and_add(&value->active_opens, 1);
      break;
    case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
      __sync_fetch_and_add(&value->passive_opens, 1);
      // fallthrough
    case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
      __sync_fetch_and_add(&value->established, 1);
      bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_RTT_CB_FLAG |
                                           BPF_SOCK_OPS_STATE_CB_FLAG |
                                           BPF_SOCK_OPS_RETRANS_CB_FLAG);
      break;
    case BPF_SOCK_OPS_RTT_CB:
      value->srtt_us = skops->srtt_us >> 3;  // the kernel keeps srtt << 3
      value->min_rtt_us = skops->rtt_min;
      break;
    case BPF_SOCK_OPS_RETRANS_CB:
      __sync_fetch_and_add(&value->retransmits, 1);
      break;
    case BPF_SOCK_OPS_STATE_CB:
      __sync_fetch_and_add(&value->state_changes, 1);
      if (skops->args[1] == BPF_TCP_CLOSE) {
        __sync_fetch_and_add(&value->bytes_acked, skops->bytes_acked);
        __sync_fetch_and_add(&value->bytes_received, skops->bytes_received);
      }
      break;
    default:
      break;
  }
  value->last_seen_ms = now_ms;
  // Always 1: any other value makes tcp_call_bpf() report -EPERM.
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
