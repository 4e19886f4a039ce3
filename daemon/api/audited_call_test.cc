#include "daemon/api/audited_call.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "daemon/base/log.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::api {
namespace {

using ::bpfwarden::testing::StatusIs;

// The log records written while it lives.
class CapturedLog {
 public:
  CapturedLog() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_NONBLOCK), 0);
    read_.Reset(fds[0]);
    write_.Reset(fds[1]);
    SetLogFd(write_.get());
  }
  ~CapturedLog() { SetLogFd(2); }

  std::string Take() {
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(read_.get(), buf, sizeof(buf))) > 0;) {
      out.append(buf, n);
    }
    return out;
  }

 private:
  UniqueFd read_;
  UniqueFd write_;
};

size_t Lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

policy::Identity Root() {
  policy::Identity who;
  who.kind = policy::Identity::Kind::kUnix;
  who.uid = 0;
  who.gid = 0;
  return who;
}

TEST(AuditedCallTest, FinishRecordsTheOutcomeOnce) {
  CapturedLog log;
  {
    AuditedCall audit(Root(), "Maps.Update", {"set", "map"}, "key");
    grpc::Status s = audit.Finish(absl::NotFoundError("gone"));
    EXPECT_THAT(s, StatusIs(grpc::StatusCode::NOT_FOUND));
    EXPECT_EQ(s.error_message(), "gone");
    EXPECT_TRUE(audit.Finish(absl::OkStatus()).ok());
  }
  const std::string text = log.Take();
  EXPECT_EQ(Lines(text), 1u) << text;
  EXPECT_NE(text.find(" AUDIT "), std::string::npos) << text;
  EXPECT_NE(text.find("method=Maps.Update map=\"set/map\" keys=\"key\" "
                      "result=NOT_FOUND error=\"gone\""),
            std::string::npos)
      << text;
}

TEST(AuditedCallTest, UnfinishedCallIsRecordedByTheDestructor) {
  CapturedLog log;
  { AuditedCall audit(Root(), "Programs.Load", {"set", std::nullopt}); }
  const std::string text = log.Take();
  EXPECT_EQ(Lines(text), 1u) << text;
  EXPECT_NE(text.find("method=Programs.Load program_set=\"set\" "
                      "result=UNKNOWN"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace bpfwarden::api
