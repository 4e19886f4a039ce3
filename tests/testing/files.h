// Whole-file reads and writes for tests.
#ifndef BPFWARDEN_TESTS_TESTING_FILES_H_
#define BPFWARDEN_TESTS_TESTING_FILES_H_

#include <string>

#include "absl/status/status.h"

namespace bpfwarden::testing {

// The bytes of `path`; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// Replaces `path` with `text` atomically (a temporary file renamed over it),
// so that a daemon reading it concurrently sees the old or the new text.
absl::Status WriteFile(const std::string& path, const std::string& text);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_FILES_H_
