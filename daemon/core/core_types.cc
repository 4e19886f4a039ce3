#include "daemon/core/core_types.h"

namespace bpfwarden {

std::optional<std::string> VerifierLogOf(const absl::Status& status) {
  auto log = status.GetPayload(kVerifierLogPayload);
  if (!log.has_value()) return std::nullopt;
  return std::string(*log);
}

}  // namespace bpfwarden
