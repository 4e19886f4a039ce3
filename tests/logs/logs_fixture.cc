#include "tests/logs/logs_fixture.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {

std::vector<std::string> Messages(const std::vector<v1::LogRecord>& records) {
  std::vector<std::string> out;
  for (const v1::LogRecord& r : records) out.push_back(r.message());
  return out;
}

void LogsFixture::StartLogsDaemon(const std::string& tag,
                                  const std::string& config,
                                  std::vector<std::string> flags) {
  extra_flags_ = std::move(flags);
  ASSERT_NO_FATAL_FAILURE(StartDaemonWithConfig(
      tag, absl::StrReplaceAll(
               config, {{"$PROBE", Runfile("tests/logs/log_probe.bpf.o")}})));
  if (daemon_ == nullptr) return;
  logs_ = v1::Logs::NewStub(daemon_->Channel());
  cli_ = work_->path() + "/bpfwarden";
  absl::Status s = CopyExecutable(Runfile("client/bpfwarden"), cli_);
  ASSERT_TRUE(s.ok()) << s;
}

void LogsFixture::RunBpf(const std::string& set, const std::string& program) {
  v1::GetProgramSetRequest req;
  req.set_name(set);
  v1::ProgramSetInfo info;
  grpc::Status s = programs_->Get(Ctx().get(), req, &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const v1::ProgramInfo& p : info.programs()) {
    if (p.name() != program) continue;
    UniqueFd fd(bpf_prog_get_fd_by_id(p.id()));
    ASSERT_TRUE(fd) << "program " << program << " id " << p.id();
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    ASSERT_EQ(bpf_prog_test_run_opts(fd.get(), &opts), 0)
        << "test run " << program << ": " << std::strerror(errno);
    return;
  }
  FAIL() << "set " << set << " has no program " << program;
}

uint32_t LogsFixture::XlatedBytes(const std::string& set,
                                    const std::string& program) {
  v1::GetProgramSetRequest req;
  req.set_name(set);
  v1::ProgramSetInfo info;
  EXPECT_TRUE(programs_->Get(Ctx().get(), req, &info).ok());
  for (const v1::ProgramInfo& p : info.programs()) {
    if (p.name() != program) continue;
    UniqueFd fd(bpf_prog_get_fd_by_id(p.id()));
    bpf_prog_info prog{};
    uint32_t len = sizeof(prog);
    EXPECT_EQ(bpf_obj_get_info_by_fd(fd.get(), &prog, &len), 0);
    return prog.xlated_prog_len;
  }
  ADD_FAILURE() << "set " << set << " has no program " << program;
  return 0;
}

v1::LogCounts LogsFixture::Counts(const std::string& set) {
  v1::StatusResponse resp;
  grpc::Status s = status_->Status(Ctx().get(), v1::StatusRequest(), &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  for (const v1::LogCounts& c : resp.logs()) {
    if (c.program_set() == set) return c;
  }
  return v1::LogCounts();
}

void LogsFixture::WaitForRecords(const std::string& set, uint64_t n) {
  ASSERT_TRUE(WaitFor([&] {
    v1::LogCounts c = Counts(set);
    return c.received() + c.dropped() >= n;
  })) << "set "
      << set << ": " << Counts(set).DebugString() << " of " << n;
}

std::vector<v1::LogRecord> LogsFixture::Tail(const std::string& set,
                                             v1::LogLevel min_level,
                                             grpc::Status* status) {
  v1::TailRequest req;
  req.set_program_set(set);
  req.set_min_level(min_level);
  auto ctx = Ctx();
  auto reader = logs_->Tail(ctx.get(), req);
  StreamResult<v1::LogRecord> read = ReadStream(*reader);
  if (status != nullptr) {
    *status = read.status;
  } else {
    EXPECT_TRUE(read.status.ok()) << read.status.error_message();
  }
  return read.messages;
}

RunResult LogsFixture::Cli(std::vector<std::string> args,
                           const std::optional<Credentials>& creds) {
  args.insert(args.begin(),
              {cli_, absl::StrCat("--socket=", daemon_->socket_path())});
  absl::StatusOr<RunResult> result =
      creds.has_value() ? RunAs(*creds, args) : RunProgram(args);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : RunResult{};
}

}  // namespace bpfwarden::testing
