// How many times slower than the host the machine running a test is: 1, or
// BPFWARDEN_TEST_TIME_SCALE, which tools/vm-test sets in its guests under
// software emulation (TCG), where everything takes several times longer.
// Only bounds that stand for "promptly" (a latency percentile, a wait for a
// screen, a read timeout) are multiplied by it; counts never are.
#ifndef BPFWARDEN_TESTS_TESTING_TIME_SCALE_H_
#define BPFWARDEN_TESTS_TESTING_TIME_SCALE_H_

namespace bpfwarden::testing {

// >= 1; a bad value of the variable is 1 (and said once on stderr).
int TestTimeScale();

// `bound` times TestTimeScale(), for any duration type (std::chrono,
// absl::Duration) or plain number.
template <typename D>
D Scaled(D bound) {
  return bound * TestTimeScale();
}

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_TIME_SCALE_H_
