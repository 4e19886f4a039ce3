// BTF annotations that tell bpfwardend how to render a field.
//
// They become BTF_KIND_DECL_TAG records in the object's BTF (clang 14+), so
// the daemon reads them from the map's BTF at run time; the C++ side sees no
// attribute at all.
#ifndef BPFWARDEN_BPF_INCLUDE_BTF_TAGS_H_
#define BPFWARDEN_BPF_INCLUDE_BTF_TAGS_H_

// The tag's text, as the daemon looks for it.
#define BPFWARDEN_TAG_IP_ADDR "bpfwarden.ip_addr"

#if defined(__bpf__)
// An IP address in network byte order: on a __u8[4] it is IPv4; on a
// __u8[16] it is IPv6, with IPv4 stored IPv4-mapped (::ffff:a.b.c.d) and
// shown in dotted form.
#define BPFWARDEN_IP_ADDR __attribute__((btf_decl_tag(BPFWARDEN_TAG_IP_ADDR)))
#else
#define BPFWARDEN_IP_ADDR
#endif

#endif  // BPFWARDEN_BPF_INCLUDE_BTF_TAGS_H_
