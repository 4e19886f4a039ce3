// Helpers for the daemon core's kernel tests: pins below a directory and
// the probe map. The per-test scope is tests/testing/test_scope.h.
#ifndef BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
#define BPFWARDEN_TESTS_CORE_CORE_TESTING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/core/probe.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {

// Every non-directory entry below `dir`, recursively (pins).
std::vector<std::string> PinsUnder(const std::string& dir);

// The probe map's only value.
absl::StatusOr<probe_value> ReadProbe(int map_fd);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
