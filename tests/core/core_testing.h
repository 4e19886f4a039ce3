// Helpers for the daemon core's kernel tests: residue checks and the probe
// map.
#ifndef BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
#define BPFWARDEN_TESTS_CORE_CORE_TESTING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/core/probe.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {

// Every program attached directly to `cgroup`, any cgroup attach type, as
// "type:id" strings (empty when nothing is attached).
std::vector<std::string> AttachedAnyType(const std::string& cgroup);

// Every non-directory entry below `dir`, recursively (pins).
std::vector<std::string> PinsUnder(const std::string& dir);

// The probe map's only value.
absl::StatusOr<probe_value> ReadProbe(int map_fd);

// The pin directory and cgroup of the running test, named after it, and the
// residue check at its end.
class TestScope {
 public:
  // `prefix` keeps names apart between test binaries.
  static absl::StatusOr<TestScope> Create(const std::string& prefix);

  const ScopedPinDir& pins() const { return *pins_; }
  const ScopedCgroup& cgroup() const { return *cgroup_; }

  // Removes both and returns the residue: programs still attached to the
  // cgroup before its removal, and the paths that still exist after.
  std::vector<std::string> Finish();

 private:
  TestScope(ScopedPinDir pins, ScopedCgroup cgroup);
  std::optional<ScopedPinDir> pins_;
  std::optional<ScopedCgroup> cgroup_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
