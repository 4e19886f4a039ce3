#include "tests/api/api_daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/testing/files.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kConfigFile[] = "/10-test.textproto";

}  // namespace

absl::StatusOr<std::unique_ptr<ApiDaemon>> ApiDaemon::Start(
    DaemonOptions options) {
  const std::string config_dir = options.work_dir + "/config";
  const std::string state_dir = options.work_dir + "/state";
  for (const std::string& dir : {config_dir, state_dir}) {
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, absl::StrCat("mkdir ", dir));
    }
  }
  if (absl::Status s = WriteFile(config_dir + kConfigFile, options.config);
      !s.ok()) {
    return s;
  }
  std::string socket_path = options.work_dir + "/api.sock";
  std::vector<std::string> args = {
      absl::StrCat("--pin_root=", options.pin_root),
      absl::StrCat("--config_dir=", config_dir),
      absl::StrCat("--state_dir=", state_dir),
      absl::StrCat("--api_socket=", socket_path),
      absl::StrCat("--api_socket_group=", options.socket_group),
  };
  args.insert(args.end(), options.extra_flags.begin(),
              options.extra_flags.end());
  absl::StatusOr<DaemonProcess> process =
      DaemonProcess::Start(args, options.work_dir + "/daemon.log");
  if (!process.ok()) return process.status();
  std::unique_ptr<ApiDaemon> daemon(new ApiDaemon(
      std::move(options), std::move(socket_path), *std::move(process)));
  if (absl::Status s = daemon->WaitUntilServing(); !s.ok()) {
    std::string log = daemon->Log();
    daemon->Stop().IgnoreError();
    return absl::Status(
        s.code(), absl::StrCat(s.message(), "\n--- daemon log ---\n", log));
  }
  return daemon;
}

ApiDaemon::~ApiDaemon() { Stop().IgnoreError(); }

std::shared_ptr<grpc::Channel> ApiDaemon::Channel() const {
  return grpc::CreateChannel(absl::StrCat("unix:", socket_path_),
                             grpc::InsecureChannelCredentials());
}

absl::Status ApiDaemon::WaitUntilServing() {
  absl::Status exited = absl::OkStatus();
  const bool serving = WaitFor(
      [&] {
        absl::StatusOr<std::optional<int>> status = process_.TryWait();
        if (!status.ok() || status->has_value()) {
          exited = absl::InternalError(
              absl::StrCat("bpfwardend exited during start-up (",
                           status.ok() ? absl::StrCat("status ", **status)
                                       : status.status().ToString(),
                           ")"));
          return true;
        }
        if (access(socket_path_.c_str(), F_OK) != 0) return false;
        auto stub = v1::Daemon::NewStub(Channel());
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
        v1::StatusResponse resp;
        return stub->Status(&ctx, v1::StatusRequest(), &resp).ok();
      },
      30, 50);
  if (!exited.ok()) return exited;
  if (!serving) {
    return absl::DeadlineExceededError("bpfwardend did not serve within 30 s");
  }
  return absl::OkStatus();
}

absl::Status ApiDaemon::Reload(const std::string& config,
                               const std::string& wait_for) {
  if (absl::Status s = WriteFile(config_dir() + kConfigFile, config); !s.ok()) {
    return s;
  }
  return process_.SignalAndAwaitLog(SIGHUP, wait_for);
}

}  // namespace bpfwarden::testing
