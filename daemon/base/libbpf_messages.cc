#include "daemon/base/libbpf_messages.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "daemon/base/log.h"

namespace bpfwarden {
namespace {

thread_local LibbpfMessages* current = nullptr;

int Print(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  const int n = std::vsnprintf(buf, sizeof(buf), format, args);
  // libbpf starts most of its messages with its own name.
  std::string text(
      absl::StripPrefix(absl::StripTrailingAsciiWhitespace(buf), "libbpf: "));
  // The BPF log call sites (bpf/include/bpfwarden/log.h): the daemon reads
  // that section itself, libbpf rightly skips it.
  if (level == LIBBPF_INFO && absl::StrContains(text, ".bw_log_sites")) {
    return n;
  }
  BPFWARDEN_LOG(WARNING) << "libbpf: " << text;
  if (level == LIBBPF_WARN && current != nullptr) {
    current->Add(std::move(text));
  }
  return n;
}

}  // namespace

void InstallLibbpfPrint() { libbpf_set_print(Print); }

LibbpfMessages::LibbpfMessages() : outer_(current) { current = this; }

LibbpfMessages::~LibbpfMessages() { current = outer_; }

void LibbpfMessages::Add(std::string message) {
  absl::StrAppend(&text_, text_.empty() ? "" : "\n", message);
  if (text_.size() > kMaxBytes) {
    text_.erase(0, text_.size() - kMaxBytes);
    text_.replace(0, 3, "...");
  }
}

absl::Status LibbpfMessages::Annotate(const absl::Status& status) const {
  if (status.ok() || text_.empty()) return status;
  absl::Status out(status.code(),
                   absl::StrCat(status.message(), "; libbpf said: ",
                                absl::StrReplaceAll(text_, {{"\n", "; "}})));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace bpfwarden
