// The definitions of sock_ops_common.bpf.h, included once: as global
// functions by sock_ops_common.bpf.c (BPFWARDEN_COMMON empty), or, with
// BPFWARDEN_STATIC_COMMON, as static inline copies in each program's file.
// Not a header to include anywhere else.
#ifndef BPFWARDEN_BPF_SOCK_OPS_COMMON_IMPL_BPF_H_
#define BPFWARDEN_BPF_SOCK_OPS_COMMON_IMPL_BPF_H_

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

extern unsigned int CONFIG_HZ __kconfig;

BPFWARDEN_COMMON int bpfwarden_peer_of(struct bpf_sock_ops* skops,
                                       struct bpfwarden_peer* peer) {
  if (!skops || !peer) return -1;
  __u32 family = skops->family;
  if (family == AF_INET) {
    __u32 addr = skops->remote_ip4;
    __builtin_memset(peer->addr, 0, 10);
    peer->addr[10] = 0xff;  // ::ffff:a.b.c.d
    peer->addr[11] = 0xff;
    __builtin_memcpy(&peer->addr[12], &addr, sizeof(addr));
  } else if (family == AF_INET6) {
    // One 32-bit load a word: the context rejects the wider loads clang
    // would otherwise merge these into.
    __u32 addr[4];
    for (int i = 0; i < 4; i++) {
      addr[i] = *(volatile const __u32*)&skops->remote_ip6[i];
    }
    __builtin_memcpy(peer->addr, addr, sizeof(addr));
  } else {
    return -1;
  }
  // remote_port is the network-order port read as a big-endian 32-bit
  // word (port in the upper half), so bpf_ntohl() gives it in host order.
  peer->port = bpf_ntohl(skops->remote_port);
  peer->family = family;
  return 0;
}

// The kernel's INITIAL_JIFFIES: jiffies start 300 s short of wrapping a
// 32-bit counter, to flush out wrap bugs early.
static __always_inline __u64 InitialJiffies(void) {
  return (__u64)(__u32)(-300 * (int)CONFIG_HZ);
}

BPFWARDEN_COMMON __u64 bpfwarden_now_ms(void) {
  return (bpf_jiffies64() - InitialJiffies()) * 1000 / CONFIG_HZ;
}

BPFWARDEN_COMMON __u32 bpfwarden_ms_to_jiffies(__u32 ms) {
  __u64 jiffies = ((__u64)ms * CONFIG_HZ + 999) / 1000;
  return jiffies > 0x7fffffff ? 0x7fffffff : (__u32)jiffies;
}

#endif  // BPFWARDEN_BPF_SOCK_OPS_COMMON_IMPL_BPF_H_
