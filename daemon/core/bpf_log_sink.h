// Where the daemon writes the BPF programs' log records: one record, one
// call. The core writes to stderr (StderrBpfLogSink); main may plug in
// another (the journald writer of daemon/systemd).
#ifndef BPFWARDEN_DAEMON_CORE_BPF_LOG_SINK_H_
#define BPFWARDEN_DAEMON_CORE_BPF_LOG_SINK_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "daemon/core/log_sites.h"

namespace bpfwarden {

// One formatted record.
struct BpfLogEntry {
  uint64_t seq = 0;  // per set, from 1, in arrival order
  absl::Time time;   // when the daemon read it
  BpfLogLevel level = BpfLogLevel::kInfo;
  std::string set;
  std::string program;  // the enclosing BPF function
  std::string site;     // file:line of the call
  std::string message;
};

class BpfLogSink {
 public:
  virtual ~BpfLogSink() = default;
  // Called from the log thread only, one record at a time.
  virtual void Write(const BpfLogEntry& entry) = 0;
};

// Through the daemon's logger (BPFWARDEN_LOG): "bpf <set>/<program>
// <file:line> <LEVEL>: <message>", at ERROR, WARNING or INFO (for INFO,
// DEBUG and TRACE).
class StderrBpfLogSink : public BpfLogSink {
 public:
  void Write(const BpfLogEntry& entry) override;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_BPF_LOG_SINK_H_
