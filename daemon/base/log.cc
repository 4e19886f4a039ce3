#include "daemon/base/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
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

std::string FormatLogLine(LogLevel level, absl::string_view message) {
  std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   " ", LogLevelName(level), " ", message);
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  return line;
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
