// The kernel's CONFIG_HZ, which the shipped programs need (the jiffies
// clock): read from the kernel config file when there is one, else
// measured by running bpf_jiffies64() against CLOCK_MONOTONIC.
#ifndef BPFWARDEN_DAEMON_CORE_KERNEL_HZ_H_
#define BPFWARDEN_DAEMON_CORE_KERNEL_HZ_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace bpfwarden {

struct KernelHz {
  uint32_t hz = 0;
  // "kconfig file /boot/config-6.1.0-13-amd64" or "measured".
  std::string source;
};

// The values Linux allows for CONFIG_HZ.
inline constexpr uint32_t kLegalHz[] = {100, 250, 300, 1000};

// CONFIG_HZ from a kernel config's text ("CONFIG_HZ=250" on a line of its
// own; comments and other lines ignored). NotFound when it has none,
// InvalidArgument when its value is not a legal HZ.
absl::StatusOr<uint32_t> ParseKconfigHz(absl::string_view text);

// The legal HZ nearest `measured` (ticks per second); OutOfRange when it is
// more than 5% away from each.
absl::StatusOr<uint32_t> NearestLegalHz(double measured);

// The kernel config files, in the order libbpf tries them:
// /boot/config-$(uname -r), then /proc/config.gz.
std::vector<std::string> KconfigFilePaths();

// CONFIG_HZ from the first of `paths` that exists (gzip-compressed when its
// name ends in .gz). NotFound when none exists; the error of the first that
// exists but does not say (unreadable, no CONFIG_HZ, bad value).
absl::StatusOr<KernelHz> ReadKconfigFileHz(
    const std::vector<std::string>& paths);

// Runs a BPF program that returns bpf_jiffies64() twice, `span` apart on
// CLOCK_MONOTONIC, and rounds the rate (NearestLegalHz).
absl::StatusOr<KernelHz> MeasureKernelHz(
    absl::Duration span = absl::Milliseconds(400));

// The config file's CONFIG_HZ, or measured when no file says.
absl::StatusOr<KernelHz> DetectKernelHz(
    const std::vector<std::string>& paths = KconfigFilePaths());

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_KERNEL_HZ_H_
