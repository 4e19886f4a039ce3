#include "daemon/policy/audit.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"

namespace bpfwarden::policy {
namespace {

// Keys longer than this are cut in the record (the record says so).
constexpr size_t kMaxKeyText = 1024;

std::string Quoted(absl::string_view text) {
  std::string cut(text.substr(0, kMaxKeyText));
  std::string out = absl::StrCat("\"", absl::CEscape(cut), "\"");
  if (text.size() > kMaxKeyText) absl::StrAppend(&out, "...");
  return out;
}

}  // namespace

std::string FormatAudit(const AuditEvent& event) {
  std::string out = absl::StrCat(
      "who=", Quoted(event.who ? event.who->Describe() : "unknown"),
      " method=", event.method);
  if (event.what != nullptr) {
    if (event.what->map.has_value()) {
      absl::StrAppend(
          &out, " map=",
          Quoted(absl::StrCat(event.what->program_set, "/", *event.what->map)));
    } else {
      absl::StrAppend(&out, " program_set=", Quoted(event.what->program_set));
    }
  }
  if (!event.keys.empty()) absl::StrAppend(&out, " keys=", Quoted(event.keys));
  absl::StrAppend(&out,
                  " result=", absl::StatusCodeToString(event.outcome.code()));
  if (!event.outcome.ok()) {
    absl::StrAppend(&out, " error=", Quoted(event.outcome.message()));
  }
  return out;
}

void Audit(const AuditEvent& event) {
  LogRecord record(LogLevel::kAudit);
  if (event.what != nullptr) {
    record.Field("BPFWARDEN_SET", event.what->program_set);
    if (event.what->map.has_value()) {
      record.Field("BPFWARDEN_MAP", *event.what->map);
    }
  }
  if (event.who != nullptr && event.who->kind == Identity::Kind::kUnix) {
    record.Field("BPFWARDEN_CALLER_UID", absl::StrCat(event.who->uid))
        .Field("BPFWARDEN_CALLER_PID", absl::StrCat(event.who->pid));
  }
  record.Field("BPFWARDEN_METHOD", event.method)
          .Field("BPFWARDEN_RESULT",
                 absl::StatusCodeToString(event.outcome.code()))
      << FormatAudit(event);
}

std::string HexForAudit(absl::string_view bytes, size_t limit) {
  std::string out = absl::BytesToHexString(bytes.substr(0, limit));
  if (bytes.size() > limit) absl::StrAppend(&out, "...");
  return out;
}

}  // namespace bpfwarden::policy
