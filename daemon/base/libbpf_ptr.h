// Owning smart pointers for libbpf handles.
#ifndef BPFWARDEN_DAEMON_BASE_LIBBPF_PTR_H_
#define BPFWARDEN_DAEMON_BASE_LIBBPF_PTR_H_

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <memory>

namespace bpfwarden {

struct BpfObjectDeleter {
  void operator()(bpf_object* obj) const { bpf_object__close(obj); }
};
// Destroying a bpf_link detaches it unless it was pinned or disconnected.
struct BpfLinkDeleter {
  void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};
struct BtfDeleter {
  void operator()(btf* b) const { btf__free(b); }
};
struct RingBufferDeleter {
  void operator()(ring_buffer* rb) const { ring_buffer__free(rb); }
};
struct BpfLinkerDeleter {
  void operator()(bpf_linker* linker) const { bpf_linker__free(linker); }
};

using BpfObjectPtr = std::unique_ptr<bpf_object, BpfObjectDeleter>;
using BpfLinkPtr = std::unique_ptr<bpf_link, BpfLinkDeleter>;
using BtfPtr = std::unique_ptr<btf, BtfDeleter>;
using RingBufferPtr = std::unique_ptr<ring_buffer, RingBufferDeleter>;
using BpfLinkerPtr = std::unique_ptr<bpf_linker, BpfLinkerDeleter>;

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_LIBBPF_PTR_H_
