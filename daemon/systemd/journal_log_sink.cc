#include "daemon/systemd/journal_log_sink.h"

#include <syslog.h>
#include <systemd/sd-journal.h>

#include <cstring>

#include "daemon/base/log.h"

namespace bpfwarden::systemd {

int JournalPriority(BpfLogLevel level) {
  switch (level) {
    case BpfLogLevel::kError:
      return LOG_ERR;
    case BpfLogLevel::kWarn:
      return LOG_WARNING;
    case BpfLogLevel::kInfo:
      return LOG_INFO;
    case BpfLogLevel::kDebug:
    case BpfLogLevel::kTrace:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

void JournalBpfLogSink::Write(const BpfLogEntry& e) {
  const int r = sd_journal_send(
      "PRIORITY=%d", JournalPriority(e.level), "SYSLOG_IDENTIFIER=bpfwardend",
      "BPFWARDEN_SET=%s", e.set.c_str(), "BPFWARDEN_PROGRAM=%s",
      e.program.c_str(), "BPFWARDEN_LOG_SITE=%s", e.site.c_str(), "MESSAGE=%s",
      e.message.c_str(), nullptr);
  if (r < 0) {
    BPFWARDEN_LOG(WARNING) << "journald refused a BPF log record ("
                           << std::strerror(-r) << "): " << e.set << "/"
                           << e.program << " " << e.site << ": " << e.message;
  }
}

}  // namespace bpfwarden::systemd
