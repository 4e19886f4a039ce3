#include "tests/metrics/prometheus_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/metrics/http_get.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// fork + exec `argv` with stdout and stderr into `log` (and stdin from
// `input` when given); the child dies with the test.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args,
                            const std::string& log,
                            const std::string& input = "/dev/null") {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int in = ::open(input.c_str(), O_RDONLY);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(
    int target_port) {
  if (::access(kPrometheusBinary, X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(kPrometheusBinary,
                     " is missing: tools/setup installs Debian's prometheus"));
  }
  absl::StatusOr<ScopedTempDir> dir = ScopedTempDir::Create("prometheus");
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PrometheusServer> server(
      new PrometheusServer(*std::move(dir)));
  {
    std::ofstream config(server->dir_.path() + "/prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
           << "scrape_configs:\n  - job_name: bpfwarden\n"
           << "    static_configs:\n      - targets: ['127.0.0.1:"
           << target_port << "']\n";
  }
  absl::Status last;
  // A free port may be taken before Prometheus binds it: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    last = server->Spawn(*port);
    if (last.ok()) last = server->WaitReady();
    if (last.ok()) return server;
    server->Stop();
  }
  return last;
}

absl::Status PrometheusServer::Spawn(int port) {
  port_ = port;
  const std::string d = dir_.path();
  absl::StatusOr<pid_t> pid = testing::Spawn(
      {kPrometheusBinary, absl::StrCat("--config.file=", d, "/prometheus.yml"),
       absl::StrCat("--storage.tsdb.path=", d, "/data"),
       absl::StrCat("--web.listen-address=127.0.0.1:", port),
       "--storage.tsdb.retention.time=1h", "--log.level=warn"},
      d + "/prometheus.log");
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return absl::OkStatus();
}

absl::Status PrometheusServer::WaitReady() {
  absl::Status result = absl::DeadlineExceededError("prometheus not ready");
  const bool ended = WaitFor(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          result = absl::UnavailableError(
              absl::StrCat("prometheus exited (status ", status, "): ", Log()));
          return true;
        }
        absl::StatusOr<HttpResponse> ready = HttpGet(port_, "/-/ready");
        if (!ready.ok() || ready->status != 200) return false;
        result = absl::OkStatus();
        return true;
      },
      60, 200);
  if (!ended) {
    return absl::DeadlineExceededError(
        absl::StrCat("prometheus not ready after 60 s: ", Log()));
  }
  return result;
}

void PrometheusServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!WaitFor([&] { return ::waitpid(pid_, &status, WNOHANG) != 0; }, 10,
               50)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

PrometheusServer::~PrometheusServer() { Stop(); }

std::string PrometheusServer::Log() const {
  return ReadAll(dir_.path() + "/prometheus.log");
}

absl::StatusOr<nlohmann::json> PrometheusServer::Query(
    const std::string& expr) const {
  absl::StatusOr<HttpResponse> r =
      HttpGet(port_, absl::StrCat("/api/v1/query?query=", UrlEncode(expr)));
  if (!r.ok()) return r.status();
  nlohmann::json json = nlohmann::json::parse(r->body, nullptr, false);
  if (json.is_discarded() || json.value("status", "") != "success") {
    return absl::InternalError(
        absl::StrCat("query ", expr, ": HTTP ", r->status, ": ", r->body));
  }
  return json["data"]["result"];
}

absl::Status PromtoolCheckMetrics(const std::string& text) {
  absl::StatusOr<ScopedTempDir> dir = ScopedTempDir::Create("promtool");
  if (!dir.ok()) return dir.status();
  const std::string input = dir->path() + "/metrics.txt";
  const std::string log = dir->path() + "/promtool.log";
  std::ofstream(input) << text;
  absl::StatusOr<pid_t> pid =
      Spawn({kPromtoolBinary, "check", "metrics"}, log, input);
  if (!pid.ok()) return pid.status();
  int status = 0;
  ::waitpid(*pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("promtool check metrics (status ", status,
                   "): ", ReadAll(log)));
}

}  // namespace bpfwarden::testing
