#include "tests/handles/handles_fixture.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

RunResult HandlesFixture::Reader(const std::vector<std::string>& args,
                                 const Credentials& creds) {
  const std::string reader = work_->path() + "/handle_reader";
  if (!std::filesystem::exists(reader)) {
    absl::Status s =
        CopyExecutable(Runfile("tests/handles/handle_reader"), reader);
    EXPECT_TRUE(s.ok()) << s;
  }
  std::vector<std::string> argv = {reader, HandleSocket()};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<RunResult> result = RunAs(creds, argv);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : RunResult{};
}

absl::StatusOr<v1::StatusResponse> HandlesFixture::Status() {
  v1::StatusResponse resp;
  grpc::Status s = status_->Status(Ctx().get(), {}, &resp);
  if (!s.ok()) return absl::UnknownError(s.error_message());
  return resp;
}

int HandlesFixture::DaemonFds() const {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           absl::StrCat("/proc/", daemon_->pid(), "/fd"), ec)) {
    (void)entry;
    ++n;
  }
  return ec ? -1 : n;
}

std::string HandlesFixture::PinOf(const std::string& map) {
  v1::GetMapRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map(map);
  v1::MapInfo info;
  grpc::Status s = maps_->Get(Ctx().get(), req, &info);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return info.pin_path();
}

int HandlesFixture::AuditLines(const std::string& part) const {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(daemon_->Log(), '\n')) {
    if (line.find(" AUDIT ") != absl::string_view::npos &&
        line.find("method=Handles.Open") != absl::string_view::npos &&
        line.find(part) != absl::string_view::npos) {
      ++n;
    }
  }
  return n;
}

}  // namespace bpfwarden::testing
