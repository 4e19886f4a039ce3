// Log and audit escaping: whatever a client or an object names, a record
// stays one line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "daemon/base/log.h"
#include "daemon/policy/audit.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"

namespace {

void OneLine(const std::string& line) {
  const size_t newline = line.find('\n');
  if (newline != std::string::npos && newline != line.size() - 1) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string escaped = bpfwarden::EscapeControl(text);
  for (unsigned char c : escaped) {
    if (c < 0x20 || c == 0x7f) __builtin_trap();
  }
  OneLine(bpfwarden::FormatLogLine(bpfwarden::LogLevel::kInfo, text));

  bpfwarden::policy::Identity who;
  who.kind = bpfwarden::policy::Identity::Kind::kCertificate;
  who.cert_subject = text;
  who.cert_common_name = text;
  bpfwarden::policy::Resource what{text, text};
  bpfwarden::policy::AuditEvent event;
  event.who = &who;
  event.method = "Maps.Update";  // a constant of the code, never input
  event.what = &what;
  event.keys = text;
  event.outcome = absl::PermissionDeniedError(text);
  OneLine(bpfwarden::policy::FormatAudit(event));
  return 0;
}
