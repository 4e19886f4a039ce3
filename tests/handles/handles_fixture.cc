#include "tests/handles/handles_fixture.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

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

std::map<std::string, int> HandlesFixture::DaemonFds() const {
  std::map<std::string, int> kinds = {
      {"socket:", 0}, {"pipe:", 0}, {"anon_inode:bpf-map", 0}, {"other", 0}};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           absl::StrCat("/proc/", daemon_->pid(), "/fd"), ec)) {
    std::error_code link_ec;
    const std::string target =
        std::filesystem::read_symlink(entry.path(), link_ec).string();
    std::string kind = "other";
    for (const auto& [prefix, n] : kinds) {
      if (target.rfind(prefix, 0) == 0) kind = prefix;
    }
    ++kinds[kind];
  }
  return kinds;
}

void HandlesFixture::ExpectNoFdLeak(
    const std::map<std::string, int>& before) const {
  auto within = [&] {
    for (const auto& [kind, n] : DaemonFds()) {
      if (n > before.at(kind)) return false;
    }
    return true;
  };
  EXPECT_TRUE(WaitFor(within, 20)) << [&] {
    std::string out;
    for (const auto& [kind, n] : DaemonFds()) {
      absl::StrAppend(&out, kind, " ", n, " (before ", before.at(kind), ") ");
    }
    return out;
  }();
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
