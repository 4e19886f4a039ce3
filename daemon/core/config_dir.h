// The declarative configuration: every *.textproto in the config directory,
// in name order, merged into one v1::Config.
#ifndef BPFWARDEN_DAEMON_CORE_CONFIG_DIR_H_
#define BPFWARDEN_DAEMON_CORE_CONFIG_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

// Parses one file's text; InvalidArgument naming `label`, line and column.
absl::StatusOr<v1::Config> ParseConfigText(absl::string_view text,
                                           const std::string& label);

// Reads and merges the directory's *.textproto files. A missing directory is
// an empty config. InvalidArgument for a parse error or a program set name
// given twice.
absl::StatusOr<v1::Config> ReadConfigDir(const std::string& dir);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_CONFIG_DIR_H_
