// What each uid of the adversarial suite must hear from each call of
// hostile_client's tables (tests/adversary/hostile_calls.h).
#ifndef BPFWARDEN_TESTS_ADVERSARY_EXPECTED_CODES_H_
#define BPFWARDEN_TESTS_ADVERSARY_EXPECTED_CODES_H_

#include <string>

#include "grpcpp/support/status_code_enum.h"

namespace bpfwarden::testing {

enum class Role {
  kGrantless,    // in the socket's group, no grant at all
  kReader,       // READ on kinds/k_* and bpfwarden/tcp_tune_*
  kScopedAdmin,  // ADMIN on team-*: sock_ops, on the test's cgroup only
  kRoot,
};

const char* RoleName(Role role);

// The code `role` must get from call `name` of the warm-up table.
grpc::StatusCode ExpectedWarmup(Role role, const std::string& name);
// ... of the hostile table.
grpc::StatusCode ExpectedHostile(Role role, const std::string& name);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_ADVERSARY_EXPECTED_CODES_H_
