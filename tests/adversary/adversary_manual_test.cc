// Known failures of the adversarial suite, kept as tests (tagged manual)
// until they are fixed; each says what it wants and what happens now.
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

class AdversaryManualTest : public ApiFixture {};

// FAILS NOW: a request whose proto3 string fields are not UTF-8 (here a
// set name) cannot be parsed; gRPC 1.51's callback API then answers
// UNIMPLEMENTED with an empty message, which tells the client nothing (it
// reads as "no such method"). Wanted: INVALID_ARGUMENT naming the field.
// The daemon never sees the request, so the fix is in how requests are
// parsed (a parse that reports the field), not in a handler.
TEST_F(AdversaryManualTest, InvalidUtf8IsInvalidArgument) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("adversary-utf8"));
  v1::LookupRequest req;
  req.mutable_map()->set_program_set("x\xff\xfe");
  req.mutable_map()->set_map("tcp_tune_counters");
  req.mutable_key()->set_json(R"({"rule_id":1})");
  v1::LookupResponse resp;
  EXPECT_THAT(maps_->Lookup(Ctx().get(), req, &resp),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "UTF-8"));
}

}  // namespace
}  // namespace bpfwarden::testing
