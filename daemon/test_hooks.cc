#include "daemon/test_hooks.h"

#include <unistd.h>

#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "daemon/base/log.h"

ABSL_FLAG(std::string, test_stall_file, "",
          "TEST ONLY: when this file appears, the core stalls for good");

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

}  // namespace bpfwarden::test_hooks
