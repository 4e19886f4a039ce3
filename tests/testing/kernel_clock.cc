#include "tests/testing/kernel_clock.h"

#include <cerrno>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "daemon/base/errno_status.h"
#include "daemon/core/kernel_hz.h"

namespace bpfwarden::testing {

absl::StatusOr<uint32_t> KernelHz() {
  absl::StatusOr<::bpfwarden::KernelHz> hz = DetectKernelHz();
  if (!hz.ok()) return hz.status();
  return hz->hz;
}

absl::StatusOr<uint32_t> TimerListHz() {
  const absl::Time t0 = absl::Now();
  absl::StatusOr<uint64_t> j0 = Jiffies();
  if (!j0.ok()) return j0.status();
  // The span measured over, not a wait: a longer one (a loaded machine)
  // only makes the rate more exact.
  absl::SleepFor(absl::Milliseconds(400));
  absl::StatusOr<uint64_t> j1 = Jiffies();
  const absl::Time t1 = absl::Now();
  if (!j1.ok()) return j1.status();
  return NearestLegalHz((*j1 - *j0) / absl::ToDoubleSeconds(t1 - t0));
}

absl::StatusOr<uint64_t> Jiffies() {
  constexpr char kPath[] = "/proc/timer_list";
  std::ifstream in(kPath);
  if (!in) return ErrnoStatus(errno, absl::StrCat("open ", kPath));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view text = line;
    uint64_t value = 0;
    if (absl::ConsumePrefix(&text, "jiffies: ") &&
        absl::SimpleAtoi(text, &value)) {
      return value;
    }
  }
  return absl::NotFoundError(absl::StrCat("no jiffies line in ", kPath));
}

const KernelPlatform& DetectedKernelPlatform() {
  // Measuring HZ takes 400 ms where no config file is.
  static const KernelPlatform* const platform =
      new KernelPlatform(DetectKernelPlatform(BuiltinVariant::kAuto));
  return *platform;
}

uint64_t JiffiesToBootMs(uint64_t jiffies, uint32_t hz) {
  const uint64_t initial = static_cast<uint32_t>(-300 * static_cast<int>(hz));
  return (jiffies - initial) * 1000 / hz;
}

}  // namespace bpfwarden::testing
