// What the daemon found out about the running kernel at start, for every
// load: CONFIG_HZ (appended to each object's kconfig text) and which
// variant of the builtin object it can load.
#ifndef BPFWARDEN_DAEMON_CORE_KERNEL_PLATFORM_H_
#define BPFWARDEN_DAEMON_CORE_KERNEL_PLATFORM_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

enum class BuiltinVariant {
  kAuto,       // only as a request: chosen by probing for cmpxchg
  kDefault,    // //bpf:bpfwarden (tcp_stats claims slots with cmpxchg)
  kNoCmpxchg,  // //bpf:bpfwarden_compat, for kernels before 5.12
};

// "auto", "default", "no_cmpxchg"; and back (InvalidArgument otherwise).
absl::string_view BuiltinVariantName(BuiltinVariant variant);
absl::StatusOr<BuiltinVariant> ParseBuiltinVariant(absl::string_view name);

// The bytes of the builtin object of `variant` (kAuto: the default one).
std::span<const uint8_t> BuiltinObject(BuiltinVariant variant);

struct KernelPlatform {
  // 0: unknown (nothing is appended; libbpf reads the system config, and
  // a set may say CONFIG_HZ itself). `hz_source` then holds why.
  uint32_t hz = 0;
  std::string hz_source;
  bool atomic_cmpxchg = true;
  std::string atomic_cmpxchg_detail;  // the kernel's refusal, when absent
  BuiltinVariant builtin = BuiltinVariant::kDefault;
};

// Reads or measures CONFIG_HZ (daemon/core/kernel_hz.h) and probes for
// cmpxchg; `builtin` kAuto picks the builtin variant by that probe, any
// other value is kept as asked (for tests and operators).
KernelPlatform DetectKernelPlatform(BuiltinVariant builtin);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_KERNEL_PLATFORM_H_
