#include "tests/testing/kernel_clock.h"

#include <zlib.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

absl::StatusOr<uint32_t> KernelHz() {
  constexpr char kPath[] = "/proc/config.gz";
  gzFile file = gzopen(kPath, "rb");
  if (!file) return ErrnoStatus(errno, absl::StrCat("open ", kPath));
  char line[512];
  absl::StatusOr<uint32_t> hz =
      absl::NotFoundError(absl::StrCat("no CONFIG_HZ= in ", kPath));
  while (gzgets(file, line, sizeof(line)) != nullptr) {
    absl::string_view text = absl::StripTrailingAsciiWhitespace(line);
    uint32_t value = 0;
    if (absl::ConsumePrefix(&text, "CONFIG_HZ=") &&
        absl::SimpleAtoi(text, &value) && value > 0) {
      hz = value;
      break;
    }
  }
  gzclose(file);
  return hz;
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

uint64_t JiffiesToBootMs(uint64_t jiffies, uint32_t hz) {
  const uint64_t initial = static_cast<uint32_t>(-300 * static_cast<int>(hz));
  return (jiffies - initial) * 1000 / hz;
}

}  // namespace bpfwarden::testing
