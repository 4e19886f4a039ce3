#include "daemon/base/libbpf_messages.h"

#include <bpf/libbpf.h>

#include <string>
#include <thread>

#include "daemon/base/libbpf_ptr.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// libbpf warns when asked to open bytes that are not an ELF object.
void OpenGarbage() {
  const std::string junk = "not an ELF object at all, just text";
  BpfObjectPtr obj(bpf_object__open_mem(junk.data(), junk.size(), nullptr));
  ASSERT_EQ(obj, nullptr);
}

class LibbpfMessagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { InstallLibbpfPrint(); }
};

TEST_F(LibbpfMessagesTest, CapturesWhatLibbpfSaysDuringTheCall) {
  LibbpfMessages messages;
  OpenGarbage();
  EXPECT_THAT(messages.text(), HasSubstr("elf"));
  absl::Status annotated =
      messages.Annotate(absl::InvalidArgumentError("open set x"));
  EXPECT_THAT(annotated, StatusIs(absl::StatusCode::kInvalidArgument,
                                  "open set x; libbpf said: "));
  EXPECT_THAT(annotated.message(), Not(HasSubstr("\n")));
}

TEST_F(LibbpfMessagesTest, NothingOutsideTheCapture) {
  OpenGarbage();
  LibbpfMessages messages;
  EXPECT_THAT(messages.text(), IsEmpty());
  absl::Status plain = absl::NotFoundError("x");
  EXPECT_EQ(messages.Annotate(plain), plain);
}

TEST_F(LibbpfMessagesTest, OtherThreadsDoNotLeakIn) {
  LibbpfMessages messages;
  std::thread other([] { OpenGarbage(); });
  other.join();
  EXPECT_THAT(messages.text(), IsEmpty());
}

TEST_F(LibbpfMessagesTest, InnerCaptureTakesItsOwnAndRestoresTheOuter) {
  LibbpfMessages outer;
  {
    LibbpfMessages inner;
    OpenGarbage();
    EXPECT_THAT(inner.text(), Not(IsEmpty()));
  }
  EXPECT_THAT(outer.text(), IsEmpty());
  OpenGarbage();
  EXPECT_THAT(outer.text(), Not(IsEmpty()));
}

TEST_F(LibbpfMessagesTest, BoundedKeepingTheNewest) {
  LibbpfMessages messages;
  for (int i = 0; i < 1000; ++i) messages.Add("message " + std::to_string(i));
  EXPECT_LE(messages.text().size(), LibbpfMessages::kMaxBytes);
  EXPECT_THAT(messages.text(), HasSubstr("message 999"));
  EXPECT_EQ(messages.text().substr(0, 3), "...");
}

TEST_F(LibbpfMessagesTest, AnnotateKeepsPayloads) {
  LibbpfMessages messages;
  messages.Add("prog 'p': failed");
  absl::Status status = absl::InvalidArgumentError("load");
  status.SetPayload("type.test/x", absl::Cord("log"));
  absl::Status annotated = messages.Annotate(status);
  ASSERT_TRUE(annotated.GetPayload("type.test/x").has_value());
  EXPECT_EQ(*annotated.GetPayload("type.test/x"), "log");
}

}  // namespace
}  // namespace bpfwarden
