// The kernel's jiffies clock as a test sees it from user space.
#ifndef BPFWARDEN_TESTS_TESTING_KERNEL_CLOCK_H_
#define BPFWARDEN_TESTS_TESTING_KERNEL_CLOCK_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "daemon/core/kernel_platform.h"

namespace bpfwarden::testing {

// CONFIG_HZ of the running kernel, as the daemon finds it: from the kernel
// config file, else measured with bpf_jiffies64() (daemon/core/kernel_hz.h).
absl::StatusOr<uint32_t> KernelHz();

// CONFIG_HZ told by /proc/timer_list's jiffies over 400 ms of the wall
// clock, rounded to a legal HZ: a reference independent of BPF and of the
// config files.
absl::StatusOr<uint32_t> TimerListHz();

// The daemon's view of this kernel (HZ, the builtin variant by probe),
// found once per test binary, for tests that make a Warden themselves
// (WardenOptions::platform): as bpfwardend would at start.
const KernelPlatform& DetectedKernelPlatform();

// The current jiffies_64, from /proc/timer_list (root only).
absl::StatusOr<uint64_t> Jiffies();

// What the BPF programs report as "ms since boot" for `jiffies`:
// (jiffies - INITIAL_JIFFIES) * 1000 / hz.
uint64_t JiffiesToBootMs(uint64_t jiffies, uint32_t hz);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_KERNEL_CLOCK_H_
