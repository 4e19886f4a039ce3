// Polling for a condition with a deadline.
#ifndef BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_
#define BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_

#include <functional>

namespace bpfwarden::testing {

// Polls `done` every `interval_ms` for up to `seconds`; true as soon as it
// holds, false if it still does not at the deadline (checked once more).
bool WaitFor(const std::function<bool()>& done, double seconds = 10,
             int interval_ms = 20);

// What WaitForValue saw: whether the condition held, and the last value
// observed (for the failure message when it did not).
template <typename T>
struct Observed {
  bool held = false;
  T last{};
};

// Polls `observe()` every `interval_ms` for up to `seconds` until
// `done(value)` holds; returns the last value either way.
template <typename Observe, typename Done>
auto WaitForValue(Observe observe, Done done, double seconds = 10,
                  int interval_ms = 20) -> Observed<decltype(observe())> {
  Observed<decltype(observe())> out;
  out.held = WaitFor(
      [&] {
        out.last = observe();
        return static_cast<bool>(done(out.last));
      },
      seconds, interval_ms);
  return out;
}

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_
