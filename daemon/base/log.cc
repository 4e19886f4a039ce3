#include "daemon/base/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace bpfwarden {
namespace {

std::atomic<int> log_fd{2};
std::atomic<LogSink> log_sink{nullptr};

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kAudit:
      return "AUDIT";
  }
  return "?";
}

void SetLogSink(LogSink sink) { log_sink.store(sink); }

LogRecord& LogRecord::Field(absl::string_view name, absl::string_view value) {
  if (!value.empty()) fields_.emplace_back(name, value);
  return *this;
}

std::string EscapeControl(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string FormatLogLine(LogLevel level, absl::string_view message) {
  // One record, one line: names from objects, libbpf's messages and
  // callers' strings cannot forge another line.
  absl::ConsumeSuffix(&message, "\n");
  return absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                       absl::UTCTimeZone()),
                      " ", LogLevelName(level), " ", EscapeControl(message),
                      "\n");
}

void SetLogFd(int fd) { log_fd.store(fd); }

LogRecord::~LogRecord() {
  if (LogSink sink = log_sink.load(); sink != nullptr) {
    sink(level_, stream_.str(), fields_);
    return;
  }
  int fd = log_fd.load();
  if (fd < 0) return;
  std::string line = FormatLogLine(level_, stream_.str());
  absl::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n <= 0) return;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace bpfwarden
