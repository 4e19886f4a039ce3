// bpfwardend: flags and wiring only.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "daemon/signals.h"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "bpfwardend: loads eBPF cgroup programs, pins their maps, attaches "
      "them through bpf_link and serves their maps over gRPC.");
  absl::ParseCommandLine(argc, argv);

  auto signals = bpfwarden::SignalWaiter::Create();
  if (!signals.ok()) {
    std::cerr << "bpfwardend: " << signals.status() << "\n";
    return 1;
  }
  std::cerr << "bpfwardend: running; SIGTERM or Ctrl-C stops it\n";
  for (;;) {
    auto signal = signals->Wait();
    if (!signal.ok()) {
      std::cerr << "bpfwardend: " << signal.status() << "\n";
      return 1;
    }
    if (*signal == bpfwarden::ControlSignal::kShutdown) break;
  }
  std::cerr << "bpfwardend: stopped\n";
  return 0;
}
