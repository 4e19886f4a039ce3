// Audit records: every write and every denial, in the daemon's log.
#ifndef BPFWARDEN_DAEMON_POLICY_AUDIT_H_
#define BPFWARDEN_DAEMON_POLICY_AUDIT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"

namespace bpfwarden::policy {

struct AuditEvent {
  const Identity* who = nullptr;
  absl::string_view method;  // e.g. "Maps.Update"
  const Resource* what = nullptr;
  // The key(s) touched, as the client sent them (JSON text, or hex of raw
  // bytes); empty when the call has no key.
  std::string keys;
  absl::Status outcome;
};

// "who=\"uid:65534(nobody) gid:65534 pid:42\" method=Maps.Update
// map=bpfwarden/tcp_stats keys=... result=PERMISSION_DENIED: ..." - values
// quoted and escaped so a client-chosen key cannot forge fields or lines.
std::string FormatAudit(const AuditEvent& event);

// Writes FormatAudit(event) as an AUDIT record to the daemon log.
void Audit(const AuditEvent& event);

// Hex of raw bytes, at most `limit` bytes shown ("..." after).
std::string HexForAudit(absl::string_view bytes, size_t limit = 64);

}  // namespace bpfwarden::policy

#endif  // BPFWARDEN_DAEMON_POLICY_AUDIT_H_
