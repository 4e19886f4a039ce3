#include "daemon/test_hooks.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/strings/numbers.h"
#include "daemon/base/crash_point.h"
#include "daemon/base/log.h"

ABSL_FLAG(std::string, test_stall_file, "",
          "TEST ONLY: when this file appears, the core stalls for good");
ABSL_FLAG(std::string, test_crash_at, "",
          "TEST ONLY: POINT:N, SIGKILL at the Nth pass of crash point POINT");

namespace bpfwarden::test_hooks {

void StartStallWatcher(Warden* warden) {
  const std::string path = absl::GetFlag(FLAGS_test_stall_file);
  if (path.empty()) return;
  std::thread([warden, path] {
    while (::access(path.c_str(), F_OK) != 0)
      absl::SleepFor(absl::Milliseconds(50));
    ::unlink(path.c_str());
    absl::StatusOr<std::vector<AttachmentInfo>> ours =
        warden->ListAttachments();
    if (!ours.ok() || ours->empty() || !(*ours)[0].ours) {
      BPFWARDEN_LOG(ERROR) << "test stall: no attachment to stall in";
      return;
    }
    BPFWARDEN_LOG(WARNING) << "test stall: the core stops answering now";
    warden
        ->Detach((*ours)[0].id,
                 [](const AttachmentInfo&) {
                   for (;;) absl::SleepFor(absl::Hours(1));
                   return absl::OkStatus();
                 })
        .IgnoreError();
  }).detach();
}

namespace {

std::string crash_point;  // set once, before any thread runs
int crash_hit = 0;
std::atomic<int> crash_passes{0};

void CrashAt(const char* point) {
  if (crash_point != point) return;
  const int n = crash_passes.fetch_add(1) + 1;
  if (n != crash_hit) return;
  std::fprintf(stderr, "test crash at %s, hit %d\n", point, n);
  std::fflush(stderr);
  ::kill(::getpid(), SIGKILL);
  for (;;) ::pause();
}

}  // namespace

void InstallCrashPoint() {
  const std::string spec = absl::GetFlag(FLAGS_test_crash_at);
  if (spec.empty()) return;
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(spec.substr(colon + 1), &crash_hit) || crash_hit < 1) {
    std::fprintf(stderr, "--test_crash_at=%s: want POINT:N, N >= 1\n",
                 spec.c_str());
    std::exit(2);
  }
  crash_point = spec.substr(0, colon);
  SetCrashHandler(&CrashAt);
}

}  // namespace bpfwarden::test_hooks
