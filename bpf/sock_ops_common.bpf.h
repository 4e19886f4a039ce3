// Definitions shared by the sock_ops programs of the default object. They
// live in sock_ops_common.bpf.c, are compiled once, and reach the programs
// through the linker (bpftool gen object), not through this header: it only
// declares them.
#ifndef BPFWARDEN_BPF_SOCK_OPS_COMMON_BPF_H_
#define BPFWARDEN_BPF_SOCK_OPS_COMMON_BPF_H_

#include <linux/bpf.h>

#define AF_INET 2
#define AF_INET6 10

// The remote end of a sock_ops event's socket.
struct bpfwarden_peer {
  __u8 addr[16];  // network byte order; IPv4 as ::ffff:a.b.c.d
  __u32 port;     // host byte order
  __u32 family;   // AF_INET or AF_INET6, of the socket
};

#ifdef BPFWARDEN_STATIC_COMMON
// Kernels before 5.12 verify no global function with a pointer argument
// other than the context ("Arg#1 type PTR in bpfwarden_peer_of() is not
// supported yet" on 5.10): the object built for them gets static copies.
#define BPFWARDEN_COMMON static __always_inline
#include "bpf/sock_ops_common_impl.bpf.h"
#else
// Fills *peer from the event. Returns 0, or -1 when the socket has no IPv4
// or IPv6 peer (or peer is NULL). Global: verified once, on its own.
int bpfwarden_peer_of(struct bpf_sock_ops* skops, struct bpfwarden_peer* peer);

// Milliseconds since boot on the jiffies clock (see tcp_stats.h).
__u64 bpfwarden_now_ms(void);

// Milliseconds to jiffies with the kernel's CONFIG_HZ, rounded up so that
// any non-zero duration is at least one jiffy; saturates at 2^31 - 1 (the
// sock_ops reply is an int).
__u32 bpfwarden_ms_to_jiffies(__u32 ms);
#endif  // BPFWARDEN_STATIC_COMMON

#endif  // BPFWARDEN_BPF_SOCK_OPS_COMMON_BPF_H_
