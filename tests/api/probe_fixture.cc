#include "tests/api/probe_fixture.h"

#include <filesystem>

#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

std::vector<std::string> ApiProbeArgv(const std::string& work_dir,
                                      const std::string& socket,
                                      const std::vector<std::string>& args) {
  const std::string probe = work_dir + "/api_probe";
  if (!std::filesystem::exists(probe)) {
    absl::Status s = CopyExecutable(Runfile("tests/api/api_probe"), probe);
    EXPECT_TRUE(s.ok()) << s;
  }
  std::vector<std::string> argv = {probe, socket};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunResult RunApiProbe(const std::string& work_dir, const std::string& socket,
                      const std::vector<std::string>& args,
                      const Credentials& creds) {
  auto result = RunAs(creds, ApiProbeArgv(work_dir, socket, args));
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : RunResult{};
}

RunResult ProbeFixture::Probe(const std::vector<std::string>& args,
                              const Credentials& creds) {
  return RunApiProbe(work_->path(), daemon_->socket_path(), args, creds);
}

absl::StatusOr<RunningProgram> ProbeFixture::StartProbe(
    const std::vector<std::string>& args, const Credentials& creds) {
  return RunningProgram::Start(
      creds, ApiProbeArgv(work_->path(), daemon_->socket_path(), args));
}

std::string ProbeFixture::Readable(const std::string& runfile) {
  const std::string path =
      work_->path() + "/" + std::filesystem::path(runfile).filename().string();
  std::filesystem::copy_file(Runfile(runfile), path,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  return path;
}

}  // namespace bpfwarden::testing
