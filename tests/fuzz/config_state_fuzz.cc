// The configuration (text proto, then its policy) and the state file: the
// first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/core/config_dir.h"
#include "daemon/core/state_store.h"
#include "daemon/policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1),
                               size - 1);
  if (data[0] & 1) {
    (void)bpfwarden::ParseState(text);
    return 0;
  }
  auto config = bpfwarden::ParseConfigText(text, "fuzz.textproto");
  if (config.ok())
    (void)bpfwarden::policy::Policy::FromConfig(config->policy());
  return 0;
}
