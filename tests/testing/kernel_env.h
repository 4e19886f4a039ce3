// What a kernel test needs of the machine, checked up front.
#ifndef BPFWARDEN_TESTS_TESTING_KERNEL_ENV_H_
#define BPFWARDEN_TESTS_TESTING_KERNEL_ENV_H_

#include <string>

#include "absl/status/status.h"

namespace bpfwarden::testing {

// Set to 1 to let kernel tests skip (with a message) on a machine that cannot
// run them. Unset, a missing prerequisite fails the test.
inline constexpr char kAllowSkipEnv[] = "BPFWARDEN_ALLOW_SKIP_KERNEL_TESTS";

// OK when this process runs as root, bpffs is mounted at /sys/fs/bpf, a
// cgroup v2 hierarchy is mounted and the kernel exposes BTF; otherwise an
// error naming everything that is missing.
absl::Status CheckKernelPrerequisites();

// The cgroup v2 mount point, found from /proc/mounts.
std::string Cgroup2Mount();

}  // namespace bpfwarden::testing

// Use first in every kernel test: fails the test (or skips it, when the
// opt-out variable is set) with what is missing.
#define BPFWARDEN_REQUIRE_KERNEL()                                            \
  do {                                                                        \
    absl::Status prereq_ = ::bpfwarden::testing::CheckKernelPrerequisites();  \
    if (!prereq_.ok()) {                                                      \
      if (::bpfwarden::testing::SkipAllowed()) {                              \
        GTEST_SKIP() << "kernel test skipped ("                               \
                     << ::bpfwarden::testing::kAllowSkipEnv                   \
                     << "=1): " << prereq_.message();                         \
      }                                                                       \
      FAIL() << "kernel test cannot run: " << prereq_.message() << " (set "   \
             << ::bpfwarden::testing::kAllowSkipEnv << "=1 to skip instead)"; \
    }                                                                         \
  } while (0)

namespace bpfwarden::testing {
bool SkipAllowed();

// Whether the running kernel's release (uname -r) is at least
// major.minor. For tests' expectations only; the daemon probes instead.
bool KernelAtLeast(int major, int minor);

// Whether the kernel takes BTF decl tags (Linux 5.16), probed by loading a
// tiny BTF with one. Without them, the kernel's copy of an object's BTF has
// lost its IP-address tags.
bool KernelHasDeclTags();
}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_KERNEL_ENV_H_
