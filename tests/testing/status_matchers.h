// StatusIs: one matcher for a status's code and a part of its message, for
// absl::Status, absl::StatusOr<T> and grpc::Status alike (gRPC's codes have
// absl's numbers).
//
//   EXPECT_THAT(warden->Load(spec), StatusIs(absl::StatusCode::kNotFound,
//                                            "does-not-exist.o"));
//   EXPECT_THAT(stub->Lookup(...), StatusIs(grpc::StatusCode::NOT_FOUND));
//
// A failure prints the actual code by name and the whole message.
#ifndef BPFWARDEN_TESTS_TESTING_STATUS_MATCHERS_H_
#define BPFWARDEN_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"

namespace bpfwarden::testing {
namespace status_internal {

// (code, message) of any of the three status types.
template <typename S>
std::pair<absl::StatusCode, std::string> CodeAndMessage(const S& s) {
  if constexpr (requires { s.error_code(); }) {  // grpc::Status
    return {static_cast<absl::StatusCode>(s.error_code()), s.error_message()};
  } else if constexpr (requires { s.status(); }) {  // absl::StatusOr<T>
    return CodeAndMessage(s.status());
  } else {
    return {s.code(), std::string(s.message())};
  }
}

template <typename Code>
std::string CodeName(Code code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace status_internal

MATCHER_P2(StatusIs, code, substring,
           absl::StrCat(negation ? "is not" : "is", " a status with code ",
                        status_internal::CodeName(code),
                        " and a message containing \"", std::string(substring),
                        "\"")) {
  const auto [actual, message] = status_internal::CodeAndMessage(arg);
  *result_listener << "code " << absl::StatusCodeToString(actual)
                   << ", message \"" << message << "\"";
  return actual == static_cast<absl::StatusCode>(code) &&
         message.find(substring) != std::string::npos;
}

MATCHER_P(StatusIs, code,
          absl::StrCat(negation ? "is not" : "is", " a status with code ",
                       status_internal::CodeName(code))) {
  const auto [actual, message] = status_internal::CodeAndMessage(arg);
  *result_listener << "code " << absl::StatusCodeToString(actual)
                   << ", message \"" << message << "\"";
  return actual == static_cast<absl::StatusCode>(code);
}

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_STATUS_MATCHERS_H_
