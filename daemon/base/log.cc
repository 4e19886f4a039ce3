#include "daemon/base/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace bpfwarden {
namespace {

std::atomic<int> log_fd{2};

absl::string_view LevelName(LogLevel level) {
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

}  // namespace

std::string FormatLogLine(LogLevel level, absl::string_view message) {
  std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   " ", LevelName(level), " ", message);
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  return line;
}

void SetLogFd(int fd) { log_fd.store(fd); }

LogRecord::~LogRecord() {
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
