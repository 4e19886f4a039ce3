#include "daemon/core/kernel_platform.h"

#include "absl/strings/str_cat.h"
#include "bpf/bpfwarden_compat_embedded.h"
#include "bpf/bpfwarden_embedded.h"
#include "daemon/base/log.h"
#include "daemon/core/kernel_hz.h"
#include "daemon/core/kernel_probes.h"

namespace bpfwarden {

absl::string_view BuiltinVariantName(BuiltinVariant variant) {
  switch (variant) {
    case BuiltinVariant::kAuto:
      return "auto";
    case BuiltinVariant::kDefault:
      return "default";
    case BuiltinVariant::kNoCmpxchg:
      return "no_cmpxchg";
  }
  return "?";
}

absl::StatusOr<BuiltinVariant> ParseBuiltinVariant(absl::string_view name) {
  for (BuiltinVariant v : {BuiltinVariant::kAuto, BuiltinVariant::kDefault,
                           BuiltinVariant::kNoCmpxchg}) {
    if (name == BuiltinVariantName(v)) return v;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown builtin variant \"", name,
                   "\": want auto, default or no_cmpxchg"));
}

std::span<const uint8_t> BuiltinObject(BuiltinVariant variant) {
  return variant == BuiltinVariant::kNoCmpxchg
             ? embedded::BpfwardenCompatObject()
             : embedded::BpfwardenObject();
}

KernelPlatform DetectKernelPlatform(BuiltinVariant builtin) {
  KernelPlatform out;
  absl::StatusOr<KernelHz> hz = DetectKernelHz();
  if (hz.ok()) {
    out.hz = hz->hz;
    out.hz_source = hz->source;
  } else {
    out.hz_source = std::string(hz.status().message());
    BPFWARDEN_LOG(WARNING) << hz.status();
  }
  absl::Status cmpxchg = ProbeAtomicCmpxchg();
  out.atomic_cmpxchg = cmpxchg.ok();
  if (!cmpxchg.ok()) out.atomic_cmpxchg_detail = std::string(cmpxchg.message());
  out.builtin = builtin != BuiltinVariant::kAuto ? builtin
                : out.atomic_cmpxchg             ? BuiltinVariant::kDefault
                                                 : BuiltinVariant::kNoCmpxchg;
  BPFWARDEN_LOG(INFO) << "kernel: CONFIG_HZ "
                      << (out.hz
                              ? absl::StrCat(out.hz, " (", out.hz_source, ")")
                              : "unknown")
                      << ", atomic cmpxchg "
                      << (out.atomic_cmpxchg ? "present" : "absent")
                      << ", builtin object " << BuiltinVariantName(out.builtin);
  return out;
}

}  // namespace bpfwarden
