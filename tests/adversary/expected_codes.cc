#include "tests/adversary/expected_codes.h"

namespace bpfwarden::testing {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kGrantless:
      return "grantless";
    case Role::kReader:
      return "reader";
    case Role::kScopedAdmin:
      return "scoped-admin";
    case Role::kRoot:
      return "root";
  }
  return "?";
}

grpc::StatusCode ExpectedWarmup(Role role, const std::string& name) {
  return grpc::StatusCode::UNKNOWN;
}

grpc::StatusCode ExpectedHostile(Role role, const std::string& name) {
  return grpc::StatusCode::UNKNOWN;
}

}  // namespace bpfwarden::testing
