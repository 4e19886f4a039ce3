// A bpf() command the kernel refuses to one thread: a seccomp filter on a
// thread of its own (as a unit's SystemCallFilter= would set for a whole
// service), so that a test sees the daemon's code meet a real refusal.
#ifndef BPFWARDEN_TESTS_TESTING_REFUSED_BPF_COMMAND_H_
#define BPFWARDEN_TESTS_TESTING_REFUSED_BPF_COMMAND_H_

#include <linux/bpf.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace bpfwarden::testing {

// Runs `fn` on a new thread whose bpf(`cmd`, ...) calls fail with `err`;
// every other call, and every other thread, is untouched. Returns once `fn`
// did; an error (and `fn` not run) when the filter cannot be installed.
absl::Status RunWithBpfCommandRefused(bpf_cmd cmd, int err,
                                      absl::FunctionRef<void()> fn);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_REFUSED_BPF_COMMAND_H_
