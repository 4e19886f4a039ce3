// The arguments of BPF log sites (bpf/include/bpfwarden/log.h): where each
// lies in a record, its type, and the one size each type has. The site
// reader refuses an argument that breaks these rules and the formatter
// checks them again before it reads a byte.
#ifndef BPFWARDEN_DAEMON_CORE_LOG_ARGS_H_
#define BPFWARDEN_DAEMON_CORE_LOG_ARGS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// The longest char[N] argument, NUL included.
inline constexpr size_t kMaxLogStringBytes = 4096;

struct LogArg {
  uint8_t type = 0;  // enum bw_log_arg_type
  uint16_t offset = 0;
  uint16_t size = 0;
};

bool IsLogInteger(uint8_t type);                 // BW_ARG_U8 .. BW_ARG_I64
absl::string_view LogArgTypeName(uint8_t type);  // "__u32", "char[N]", ...

// OK when `arg` has a known type, the size log.h gives that type (integers
// 1, 2, 4 or 8 bytes as their width; __u8[4], __u8[16], __u8[6]; pointers
// 8; char[N] 1 to kMaxLogStringBytes) and lies in a record of
// `record_size` bytes after its 32-bit site id. Otherwise InvalidArgument
// saying what is wrong (the caller names the site and argument).
absl::Status CheckLogArg(const LogArg& arg, size_t record_size);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_LOG_ARGS_H_
