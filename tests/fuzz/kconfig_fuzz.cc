// ParseKconfigHz (daemon/core/kernel_hz.h) on arbitrary kernel config text,
// and NearestLegalHz on arbitrary rates: what they accept is a legal HZ
// that the text says, and nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/kernel_hz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<uint32_t> hz = bpfwarden::ParseKconfigHz(text);
  if (hz.ok()) {
    if (*hz != 100 && *hz != 250 && *hz != 300 && *hz != 1000) __builtin_trap();
    if (!absl::StrContains(text, "CONFIG_HZ=")) __builtin_trap();
  } else if (hz.status().code() != absl::StatusCode::kNotFound &&
             hz.status().code() != absl::StatusCode::kInvalidArgument) {
    __builtin_trap();
  }
  if (size >= sizeof(double)) {
    double rate;
    std::memcpy(&rate, data, sizeof(rate));
    absl::StatusOr<uint32_t> nearest = bpfwarden::NearestLegalHz(rate);
    if (nearest.ok() && !(rate >= 95 && rate <= 1050)) __builtin_trap();
  }
  return 0;
}
