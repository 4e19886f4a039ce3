// Paths into the test's runfiles tree.
#ifndef BPFWARDEN_TESTS_TESTING_RUNFILES_H_
#define BPFWARDEN_TESTS_TESTING_RUNFILES_H_

#include <string>

namespace bpfwarden::testing {

// A file of the test's runfiles, e.g. "daemon/bpfwardend" or
// "tests/core/probe_prog.bpf.o"; "" is the runfiles root of the workspace.
std::string Runfile(const std::string& path);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_RUNFILES_H_
