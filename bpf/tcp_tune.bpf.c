// tcp_tune: per-destination TCP tuning by a sock_ops program.
//
// Looks the peer up in the tcp_tune_rules LPM trie and answers the
// kernel's questions for it: the initial RTO (BPF_SOCK_OPS_TIMEOUT_INIT),
// the initial receive window (BPF_SOCK_OPS_RWND_INIT), and, once the
// connection is established, switches its congestion control. Counts what
// each rule did in tcp_tune_counters. The peer and time helpers come from
// sock_ops_common.bpf.c through the linker.
//
// The trie is searched once per connecting socket, at connect(2); the rule
// found is kept in the socket's storage (tcp_tune_conn) for its SYN's
// questions and its established callback, so a rule changed meanwhile does
// not apply half-way. No storage means no rule. On the accepting side the
// SYN-ACK's questions are asked of a request socket, which has no storage:
// each of them, and the accepted socket's established callback, searches
// the trie itself.
// linux/bpf.h first: libbpf's headers build on its types.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "bpf/include/tcp_tune.h"

#include "bpf/include/bpfwarden/log.h"
#include "bpf/sock_ops_common.bpf.h"

#define SOL_TCP 6
#define TCP_CONGESTION 13

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(map_flags, BPF_F_NO_PREALLOC);  // required for LPM tries
  __uint(max_entries, TCP_TUNE_MAX_RULES);
  __type(key, struct tcp_tune_key);
  __type(value, struct tcp_tune_rule);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} tcp_tune_rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, TCP_TUNE_MAX_COUNTERS);
  __type(key, struct tcp_tune_counter_key);
  __type(value, struct tcp_tune_counters);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} tcp_tune_counters SEC(".maps");

// The rule of a connecting socket, as found at connect(2): socket-local, it
// only matters from connect(2) to ESTABLISHED. Pinned with the set's other
// maps, so that a reloaded set keeps the rules of sockets mid-handshake.
struct {
  __uint(type, BPF_MAP_TYPE_SK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct tcp_tune_rule);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} tcp_tune_conn SEC(".maps");

static __always_inline int Interesting(__u32 op) {
  return op == BPF_SOCK_OPS_TCP_CONNECT_CB || op == BPF_SOCK_OPS_TIMEOUT_INIT ||
         op == BPF_SOCK_OPS_RWND_INIT ||
         op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
         op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
}

// The longest-prefix rule for the event's peer, or NULL.
static __always_inline const struct tcp_tune_rule* SearchRules(
    struct bpf_sock_ops* skops) {
  struct bpfwarden_peer peer;
  __builtin_memset(&peer, 0, sizeof(peer));
  if (bpfwarden_peer_of(skops, &peer) != 0) return NULL;
  struct tcp_tune_key key = {.prefixlen = 128};
  __builtin_memcpy(key.addr, peer.addr, sizeof(key.addr));
  return bpf_map_lookup_elem(&tcp_tune_rules, &key);
}

// The rule for the event: the trie's at connect(2), for a request socket
// (the accepting side's SYN-ACK) and for an accepted socket; the one a
// connecting socket kept at connect(2) for its later events.
static __always_inline const struct tcp_tune_rule* RuleOf(
    struct bpf_sock_ops* skops, __u32 op) {
  struct bpf_sock* sk = skops->sk;
  if (sk && op != BPF_SOCK_OPS_TCP_CONNECT_CB &&
      op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) {
    return bpf_sk_storage_get(&tcp_tune_conn, sk, 0, 0);
  }
  return SearchRules(skops);
}

// connect(2): keeps a copy of the matching rule with the socket.
static __always_inline void Keep(struct bpf_sock_ops* skops,
                                 const struct tcp_tune_rule* rule) {
  struct bpf_sock* sk = skops->sk;
  if (!sk) return;
  struct tcp_tune_rule* kept =
      bpf_sk_storage_get(&tcp_tune_conn, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
  if (kept) __builtin_memcpy(kept, rule, sizeof(*kept));
}

// The counters of rule_id, created on first use; NULL when the map is full.
static __always_inline struct tcp_tune_counters* CountersOf(__u32 rule_id) {
  struct tcp_tune_counter_key key = {.rule_id = rule_id};
  struct tcp_tune_counters* counters =
      bpf_map_lookup_elem(&tcp_tune_counters, &key);
  if (counters) return counters;
  struct tcp_tune_counters zero = {};
  bpf_map_update_elem(&tcp_tune_counters, &key, &zero, BPF_NOEXIST);
  return bpf_map_lookup_elem(&tcp_tune_counters, &key);
}

static __always_inline void Count(__u64* counter) {
  if (counter) __sync_fetch_and_add(counter, 1);
}

// Switches congestion control; the name is copied to the stack first so
// the helper sees a fixed-size, NUL-terminated buffer whatever the map held.
static __always_inline void SetCongestion(struct bpf_sock_ops* skops,
                                          const struct tcp_tune_rule* rule,
                                          struct tcp_tune_counters* counters) {
  char name[TCP_TUNE_CC_NAME_LEN];
  __builtin_memcpy(name, rule->congestion, sizeof(name));
  name[sizeof(name) - 1] = '\0';
  int err = bpf_setsockopt(skops, SOL_TCP, TCP_CONGESTION, name, sizeof(name));
  if (err != 0) {  // an unknown or unloaded algorithm: say so, with the peer
    struct bpfwarden_peer peer;
    __builtin_memset(&peer, 0, sizeof(peer));
    bpfwarden_peer_of(skops, &peer);
    BW_WARN(skops, "congestion control {} refused for {:i}, rule {} (error {})",
            name, peer.addr, rule->rule_id, err);
  }
  if (counters) {
    Count(err == 0 ? &counters->congestion_set : &counters->congestion_failed);
  }
}

SEC("sockops")
int tcp_tune_sockops(struct bpf_sock_ops* skops) {
  const __u32 op = skops->op;
  if (!Interesting(op)) return 1;
  const struct tcp_tune_rule* rule = RuleOf(skops, op);
  if (!rule) return 1;
  if (op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
    Keep(skops, rule);
    return 1;
  }
  struct tcp_tune_counters* counters = CountersOf(rule->rule_id);

  switch (op) {
    case BPF_SOCK_OPS_TIMEOUT_INIT:
      if (rule->initial_rto_ms != 0) {
        skops->reply = bpfwarden_ms_to_jiffies(rule->initial_rto_ms);
        if (counters) Count(&counters->rto_replies);
      }
      break;
    case BPF_SOCK_OPS_RWND_INIT:
      if (rule->initial_rwnd_segments != 0) {
        skops->reply = rule->initial_rwnd_segments;
        if (counters) Count(&counters->rwnd_replies);
      }
      break;
    default:  // established, either side
      if (counters) Count(&counters->matched);
      if (rule->congestion[0] != '\0') SetCongestion(skops, rule, counters);
      break;
  }
  // Always 1: any other value makes the kernel ignore reply.
  return 1;
}
