// Polling for a condition with a deadline.
#ifndef BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_
#define BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_

#include <functional>

namespace bpfwarden::testing {

// Polls `done` every `interval_ms` for up to `seconds`; true as soon as it
// holds, false if it still does not at the deadline (checked once more).
bool WaitFor(const std::function<bool()>& done, double seconds = 10,
             int interval_ms = 20);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_WAIT_FOR_H_
