// UTF-8 as the Prometheus text format wants it: label values and HELP text
// must be valid UTF-8, but what they come from need not be (a cgroup may
// be named with any bytes but '/' and NUL).
#ifndef BPFWARDEN_DAEMON_METRICS_UTF8_H_
#define BPFWARDEN_DAEMON_METRICS_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace bpfwarden::metrics {

// U+FFFD REPLACEMENT CHARACTER, in UTF-8.
inline constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";

struct Utf8Step {
  size_t length = 0;  // bytes taken from the text (at least 1)
  bool valid = false;
};

// The sequence at the start of `text` (not empty): a well-formed UTF-8
// sequence (Unicode table 3-7: no overlong forms, no surrogates, nothing
// above U+10FFFF), or else the maximal subpart of one (the longest prefix
// that could begin a well-formed sequence, at least one byte).
Utf8Step NextUtf8(absl::string_view text);

// `text` with each maximal subpart of an ill-formed sequence replaced by
// U+FFFD (the Unicode standard's recommended practice, as browsers and
// Go's strings.ToValidUTF8 per subpart do); valid text is returned as is.
std::string ToValidUtf8(absl::string_view text);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_UTF8_H_
