// Shared sock_ops definitions, linked into the default object (see
// sock_ops_common.bpf.h). The functions are global, not static: the linker
// resolves the programs' calls to them, and the verifier checks each once
// against its BTF signature instead of once per caller. With
// BPFWARDEN_STATIC_COMMON (the object for older kernels) each program's file
// has its own static copies instead, and this file adds only the license.
#include "bpf/sock_ops_common.bpf.h"

#ifndef BPFWARDEN_STATIC_COMMON
#define BPFWARDEN_COMMON
#include "bpf/sock_ops_common_impl.bpf.h"
#endif

// The one license of the linked object (GPL: the programs call GPL-only
// helpers).
char LICENSE[] SEC("license") = "GPL";
