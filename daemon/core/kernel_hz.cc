#include "daemon/core/kernel_hz.h"

#include <sys/utsname.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "daemon/base/errno_status.h"
#include "daemon/core/kernel_probes.h"

namespace bpfwarden {
namespace {

constexpr absl::string_view kHzPrefix = "CONFIG_HZ=";

// The whole of a gzip file; the error names the file.
absl::StatusOr<std::string> ReadGzip(const std::string& path) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) return ErrnoStatus(errno, absl::StrCat("open ", path));
  std::string text;
  char buf[16384];
  int n;
  while ((n = gzread(in, buf, sizeof(buf))) > 0) text.append(buf, n);
  int err = 0;
  const std::string message = n < 0 ? gzerror(in, &err) : "";
  gzclose(in);
  if (n < 0) {
    return absl::DataLossError(absl::StrCat("read ", path, ": ", message));
  }
  return text;
}

absl::StatusOr<std::string> ReadPlain(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, absl::StrCat("open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("read ", path));
  return text.str();
}

double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

absl::StatusOr<uint32_t> ParseKconfigHz(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, kHzPrefix)) continue;
    line = absl::StripAsciiWhitespace(line);
    uint32_t hz = 0;
    if (!absl::SimpleAtoi(line, &hz) ||
        std::find(std::begin(kLegalHz), std::end(kLegalHz), hz) ==
            std::end(kLegalHz)) {
      return absl::InvalidArgumentError(
          absl::StrCat("CONFIG_HZ=", line.substr(0, 32),
                       " is not one of 100, 250, 300, 1000"));
    }
    return hz;
  }
  return absl::NotFoundError("no CONFIG_HZ line");
}

absl::StatusOr<uint32_t> NearestLegalHz(double measured) {
  for (uint32_t hz : kLegalHz) {
    if (std::fabs(measured - hz) <= 0.05 * hz) return hz;
  }
  return absl::OutOfRangeError(absl::StrFormat(
      "measured %.1f jiffies a second, not within 5%% of 100, 250, 300 or "
      "1000",
      measured));
}

std::vector<std::string> KconfigFilePaths() {
  utsname uts{};
  std::vector<std::string> paths;
  if (uname(&uts) == 0) {
    paths.push_back(absl::StrCat("/boot/config-", uts.release));
  }
  paths.push_back("/proc/config.gz");
  return paths;
}

absl::StatusOr<KernelHz> ReadKconfigFileHz(
    const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    absl::StatusOr<std::string> text =
        absl::EndsWith(path, ".gz") ? ReadGzip(path) : ReadPlain(path);
    if (!text.ok()) return text.status();
    absl::StatusOr<uint32_t> hz = ParseKconfigHz(*text);
    if (!hz.ok()) {
      return absl::Status(hz.status().code(),
                          absl::StrCat(path, ": ", hz.status().message()));
    }
    return KernelHz{*hz, absl::StrCat("kconfig file ", path)};
  }
  return absl::NotFoundError(
      absl::StrCat("no kernel config file (", absl::StrJoin(paths, ", "), ")"));
}

absl::StatusOr<KernelHz> MeasureKernelHz(absl::Duration span) {
  absl::StatusOr<JiffiesProbe> probe = JiffiesProbe::Create();
  if (!probe.ok()) return probe.status();
  const double t0 = MonotonicSeconds();
  absl::StatusOr<uint32_t> j0 = probe->Jiffies();
  if (!j0.ok()) return j0.status();
  absl::SleepFor(span);
  absl::StatusOr<uint32_t> j1 = probe->Jiffies();
  const double t1 = MonotonicSeconds();
  if (!j1.ok()) return j1.status();
  absl::StatusOr<uint32_t> hz =
      NearestLegalHz(static_cast<uint32_t>(*j1 - *j0) / (t1 - t0));
  if (!hz.ok()) return hz.status();
  return KernelHz{*hz, "measured"};
}

absl::StatusOr<KernelHz> DetectKernelHz(const std::vector<std::string>& paths) {
  absl::StatusOr<KernelHz> from_file = ReadKconfigFileHz(paths);
  if (from_file.ok()) return from_file;
  // A stalled or loaded machine (seen in an emulated guest: 232.8 jiffies a
  // second) can miss ticks in one window; it rarely does in three.
  absl::StatusOr<KernelHz> measured = MeasureKernelHz();
  for (int retry = 0; retry < 2 && !measured.ok() &&
                      measured.status().code() == absl::StatusCode::kOutOfRange;
       ++retry) {
    measured = MeasureKernelHz();
  }
  if (measured.ok()) return measured;
  return absl::Status(
      measured.status().code(),
      absl::StrCat("CONFIG_HZ unknown: ", from_file.status().message(),
                   "; measuring it failed: ", measured.status().message()));
}

}  // namespace bpfwarden
