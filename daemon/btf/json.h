// The JSON type of the BTF codec, and exception-free parsing and printing.
#ifndef BPFWARDEN_DAEMON_BTF_JSON_H_
#define BPFWARDEN_DAEMON_BTF_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace bpfwarden {

// Objects keep insertion order, so an encoded struct lists its fields in
// declaration order. Integers are exact: int64 and uint64 are distinct kinds.
using Json = nlohmann::ordered_json;

// Parses `text` without throwing; malformed text is InvalidArgument naming
// `what` (e.g. "key") and the byte offset nlohmann reports.
absl::StatusOr<Json> ParseJson(absl::string_view text, absl::string_view what);

// Compact text of `value`; invalid UTF-8 in strings (which the codec never
// produces) is replaced rather than thrown.
std::string DumpJson(const Json& value);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_JSON_H_
