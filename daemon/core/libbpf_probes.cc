#include "daemon/core/libbpf_probes.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <span>

#include "daemon/base/libbpf_messages.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/log.h"
#include "daemon/core/feature_probes_embedded.h"

namespace bpfwarden {

void WarmLibbpfFeatureProbes() {
  static std::once_flag once;
  std::call_once(once, [] {
    const std::span<const uint8_t> elf = embedded::FeatureProbesObject();
    LibbpfMessages quiet;  // its warnings go with this call, not a caller's
    BpfObjectPtr obj(bpf_object__open_mem(elf.data(), elf.size(), nullptr));
    // Loading probes the features; the program is closed right away.
    if (!obj || bpf_object__load(obj.get()) != 0) {
      BPFWARDEN_LOG(WARNING)
          << "warming libbpf's feature probes: " << std::strerror(errno)
          << "; a scoped administrator's load may make libbpf believe the "
             "kernel lacks bpf_probe_read_kernel";
    }
  });
}

}  // namespace bpfwarden
