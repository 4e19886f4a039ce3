#include "daemon/systemd/journal.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/base/log.h"

#define SD_JOURNAL_SUPPRESS_LOCATION  // our call site says nothing useful
#include <systemd/sd-journal.h>

namespace bpfwarden::systemd {
namespace {

int Priority(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return LOG_INFO;
    case LogLevel::kWarning:
      return LOG_WARNING;
    case LogLevel::kError:
      return LOG_ERR;
    case LogLevel::kAudit:
      return LOG_NOTICE;
  }
  return LOG_INFO;
}

void JournalSink(LogLevel level, absl::string_view message,
                 const LogFields& fields) {
  std::vector<std::string> items = {
      absl::StrCat("MESSAGE=", LogLevelName(level), " ", message),
      absl::StrCat("PRIORITY=", Priority(level)),
      "SYSLOG_IDENTIFIER=bpfwardend",
      absl::StrCat("BPFWARDEN_LEVEL=", LogLevelName(level)),
  };
  for (const auto& [name, value] : fields) {
    items.push_back(absl::StrCat(name, "=", value));
  }
  std::vector<iovec> iov;
  iov.reserve(items.size());
  for (std::string& item : items) iov.push_back({item.data(), item.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

}  // namespace

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(stream, ':');
  uint64_t dev = 0, ino = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &dev) ||
      !absl::SimpleAtoi(parts[1], &ino)) {
    return false;
  }
  struct stat st;
  return ::fstat(2, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

absl::StatusOr<std::string> ChooseLogTarget(const std::string& target) {
  if (target != "auto" && target != "journal" && target != "stderr") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_target=", target, ": expected auto, journal or stderr"));
  }
  const bool journal =
      target == "journal" || (target == "auto" && StderrIsJournal());
  if (journal) SetLogSink(&JournalSink);
  return std::string(journal ? "journal" : "stderr");
}

}  // namespace bpfwarden::systemd
