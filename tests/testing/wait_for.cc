#include "tests/testing/wait_for.h"

#include <chrono>
#include <thread>

namespace bpfwarden::testing {

bool WaitFor(const std::function<bool()>& done, double seconds,
             int interval_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  return done();
}

}  // namespace bpfwarden::testing
