// A tiny logger: one line per record to stderr, written with a single
// write(2) so records from several threads never interleave.
//
//   BPFWARDEN_LOG(INFO) << "loaded set " << name;
//   BPFWARDEN_LOG(AUDIT) << "uid=1000 op=Update map=tcp_stats ok";
//
// Line format: "<RFC 3339 UTC time> <LEVEL> <message>\n".
#ifndef BPFWARDEN_DAEMON_BASE_LOG_H_
#define BPFWARDEN_DAEMON_BASE_LOG_H_

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace bpfwarden {

enum class LogLevel { kInfo, kWarning, kError, kAudit };

// Structured fields of a record, e.g. {"BPFWARDEN_MAP", "tcp_stats"}: kept by
// a sink that can (journald); the stderr line does not show them.
using LogFields = std::vector<std::pair<std::string, std::string>>;

// Collects one record and writes it when destroyed.
//
//   BPFWARDEN_LOG(INFO).Field("BPFWARDEN_SET", name) << "loaded " << name;
class LogRecord {
 public:
  explicit LogRecord(LogLevel level) : level_(level) {}
  LogRecord(const LogRecord&) = delete;
  LogRecord& operator=(const LogRecord&) = delete;
  ~LogRecord();

  template <typename T>
  LogRecord& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }
  // Adds a structured field; an empty value is left out.
  LogRecord& Field(absl::string_view name, absl::string_view value);

 private:
  LogLevel level_;
  std::ostringstream stream_;
  LogFields fields_;
};

// Receives every record instead of the log fd (e.g. the journal).
using LogSink = void (*)(LogLevel level, absl::string_view message,
                         const LogFields& fields);
// nullptr: back to the fd.
void SetLogSink(LogSink sink);

// "INFO", "WARNING", "ERROR", "AUDIT".
absl::string_view LogLevelName(LogLevel level);

// The formatted line, without writing it (for tests).
std::string FormatLogLine(LogLevel level, absl::string_view message);

// `text` with control characters escaped ("\n", "\x1b"), so that it stays
// on one line; FormatLogLine applies it to every message.
std::string EscapeControl(absl::string_view text);

// Where records go; -1 silences them. Default 2 (stderr).
void SetLogFd(int fd);

}  // namespace bpfwarden

#define BPFWARDEN_LOG_LEVEL_INFO ::bpfwarden::LogLevel::kInfo
#define BPFWARDEN_LOG_LEVEL_WARNING ::bpfwarden::LogLevel::kWarning
#define BPFWARDEN_LOG_LEVEL_ERROR ::bpfwarden::LogLevel::kError
#define BPFWARDEN_LOG_LEVEL_AUDIT ::bpfwarden::LogLevel::kAudit
#define BPFWARDEN_LOG(level) ::bpfwarden::LogRecord(BPFWARDEN_LOG_LEVEL_##level)

#endif  // BPFWARDEN_DAEMON_BASE_LOG_H_
