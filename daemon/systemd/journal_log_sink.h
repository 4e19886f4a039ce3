// The BPF programs' log records to journald, one entry each, with the
// fields PRIORITY (from the level), BPFWARDEN_SET, BPFWARDEN_PROGRAM,
// BPFWARDEN_LOG_SITE (file:line of the call) and MESSAGE.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_LOG_SINK_H_
#define BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_LOG_SINK_H_

#include "daemon/core/bpf_log_sink.h"

namespace bpfwarden::systemd {

class JournalBpfLogSink : public BpfLogSink {
 public:
  void Write(const BpfLogEntry& entry) override;
};

// syslog priority of a BPF log level: ERROR 3, WARN 4, INFO 6, DEBUG and
// TRACE 7.
int JournalPriority(BpfLogLevel level);

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_LOG_SINK_H_
