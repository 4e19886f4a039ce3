// The log call sites of a BPF object (bpf/include/bpfwarden/log.h): read
// from its ".bw_log_sites" ELF section at load, checked (hints against
// argument types, placeholder count against argument count, unique ids),
// and used to turn a ring-buffer record back into its line.
#ifndef BPFWARDEN_DAEMON_CORE_LOG_SITES_H_
#define BPFWARDEN_DAEMON_CORE_LOG_SITES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/core/log_args.h"

namespace bpfwarden {

// BW_LEVEL_* of log.h.
enum class BpfLogLevel : uint8_t {
  kError = 1,
  kWarn = 2,
  kInfo = 3,
  kDebug = 4,
  kTrace = 5
};
absl::string_view BpfLogLevelName(BpfLogLevel level);  // "WARN", ...

enum class LogHint {
  kDefault,
  kLowerHex,
  kUpperHex,
  kIp,
  kMac,
  kUpperMac,
  kPointer
};

// One piece of a format: literal text, or the argument `arg` shown by `hint`.
struct LogPiece {
  std::string text;  // literal (when arg < 0)
  int arg = -1;
  LogHint hint = LogHint::kDefault;
};

struct LogSite {
  uint32_t id = 0;
  BpfLogLevel level = BpfLogLevel::kInfo;
  std::string file;  // as the compiler saw it
  uint32_t line = 0;
  // The BPF function(s) whose code writes the site's records (the program
  // an inline helper went into; ","-joined when several), else the
  // function the call is written in; "" if unknown.
  std::string function;
  std::string format;
  uint32_t record_size = 0;
  std::vector<LogArg> args;
  std::vector<LogPiece> pieces;

  std::string Where() const;  // "file:line"
};

using LogSites = std::map<uint32_t, LogSite>;

// The sites of the ELF object `elf`; empty when it has none. InvalidArgument
// naming file:line for a bad hint, a count mismatch, a malformed format, an
// argument whose type, size or place breaks CheckLogArg (naming it too) or
// two sites that share an id.
absl::StatusOr<LogSites> ReadLogSites(absl::string_view elf);

// Parses `format` against the argument types; InvalidArgument on error
// (without the site: the caller names it).
absl::StatusOr<std::vector<LogPiece>> ParseLogFormat(
    absl::string_view format, const std::vector<LogArg>& args);

// The message of one record of `site`; InvalidArgument when the record is
// shorter than the site's. Trusts nothing of `site`: an argument that breaks
// CheckLogArg against the record, or a piece naming no argument, shows as
// "<bad argument N>".
absl::StatusOr<std::string> FormatLogRecord(const LogSite& site,
                                            absl::string_view record);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_LOG_SITES_H_
