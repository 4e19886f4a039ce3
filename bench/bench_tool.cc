// The measuring half of bench/run: one mode per call, one JSON result line
// on stdout (bench/run collects them; bench/report.py makes the tables).
#include "bench/bench_tool.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "bpfwarden/v1/api.grpc.pb.h"

ABSL_FLAG(std::string, mode, "",
          "fill, dump_batch, dump_nextkey, api_dump, point, syscall, ready, "
          "load_attach");
ABSL_FLAG(std::string, label, "", "names the result");
ABSL_FLAG(std::string, pin, "", "pinned map (fill, dump_*, syscall)");
ABSL_FLAG(uint64_t, entries, 1000, "fill: entries to write");
ABSL_FLAG(std::string, socket, "", "the daemon's API socket");
ABSL_FLAG(std::string, set, "bench", "program set");
ABSL_FLAG(std::string, map, "bench_hash", "map");
ABSL_FLAG(std::string, encoding, "raw", "raw or json");
ABSL_FLAG(bool, entries_form, false, "api_dump: per-entry pages");
ABSL_FLAG(std::string, op, "lookup", "point: lookup, update, lookup_batch");
ABSL_FLAG(int, clients, 1, "point: concurrent clients");
ABSL_FLAG(double, seconds, 2, "point, syscall: duration");
ABSL_FLAG(uint64_t, keys, 1000, "point, syscall: keys 0..keys-1");
ABSL_FLAG(uint32_t, batch, 1000, "point lookup_batch: keys per call");
ABSL_FLAG(int, pid, 0, "point: the daemon, for its RSS");
ABSL_FLAG(std::string, cgroup, "", "load_attach: cgroup to attach to");

namespace bpfwarden::bench {
namespace {

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1,
                            static_cast<size_t>(p / 100.0 * sorted.size()));
  return sorted[i];
}

void Print(const Result& r) {
  nlohmann::ordered_json out;
  out["mode"] = absl::GetFlag(FLAGS_mode);
  out["label"] = absl::GetFlag(FLAGS_label);
  out["count"] = r.count;
  out["errors"] = r.errors;
  out["seconds"] = r.seconds;
  out["rate"] = r.seconds > 0 ? r.count / r.seconds : 0;
  if (!r.latencies_us.empty()) {
    std::vector<double> l = r.latencies_us;
    std::sort(l.begin(), l.end());
    out["calls"] = l.size();
    out["calls_per_s"] = l.size() / r.seconds;
    out["p50_us"] = Percentile(l, 50);
    out["p99_us"] = Percentile(l, 99);
    out["p999_us"] = Percentile(l, 99.9);
  }
  if (r.max_rss_kb > 0) out["max_rss_kb"] = r.max_rss_kb;
  std::cout << out.dump() << std::endl;
}

// Starts the daemon (argv after "--") with NOTIFY_SOCKET and times it to
// READY=1. The daemon keeps running; its pid is in the result.
int Ready(const std::vector<char*>& argv) {
  const std::string path = absl::StrCat("/tmp/bench-notify-", getpid());
  const int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  unlink(path.c_str());
  if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::perror("bind notify socket");
    return 1;
  }
  timeval timeout{10, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  const Clock::time_point start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
    // Not our stdout: a caller reading it to its end would wait for the
    // daemon to exit.
    dup2(STDERR_FILENO, STDOUT_FILENO);
    std::vector<char*> args = argv;
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  char buffer[512];
  bool ready = false;
  while (!ready) {
    const ssize_t n = recv(sock, buffer, sizeof(buffer) - 1, 0);
    if (n < 0) break;
    buffer[n] = 0;
    ready = std::string(buffer).find("READY=1") != std::string::npos;
  }
  const double seconds = SecondsSince(start);
  unlink(path.c_str());
  if (!ready) {
    std::cerr << "no READY=1 within 10 s\n";
    kill(pid, SIGTERM);
    return 1;
  }
  nlohmann::ordered_json out;
  out["mode"] = "ready";
  out["label"] = absl::GetFlag(FLAGS_label);
  out["pid"] = pid;
  out["seconds"] = seconds;
  std::cout << out.dump() << std::endl;
  return 0;
}

// Loads the builtin set as "bench-default" and attaches its two programs
// to --cgroup; times both, then detaches and unloads (not timed).
int LoadAttach() {
  auto channel = grpc::CreateChannel("unix:" + absl::GetFlag(FLAGS_socket),
                                     grpc::InsecureChannelCredentials());
  auto programs = v1::Programs::NewStub(channel);
  auto attachments = v1::Attachments::NewStub(channel);
  Result result;
  const Clock::time_point start = Clock::now();
  grpc::ClientContext load_ctx;
  v1::LoadRequest load;
  load.mutable_program_set()->set_name("bench-default");
  load.mutable_program_set()->set_builtin(true);
  v1::LoadResponse loaded;
  grpc::Status s = programs->Load(&load_ctx, load, &loaded);
  std::vector<std::string> ids;
  for (const char* program : {"tcp_stats_sockops", "tcp_tune_sockops"}) {
    if (!s.ok()) break;
    grpc::ClientContext ctx;
    v1::AttachRequest attach;
    attach.mutable_attachment()->set_program_set("bench-default");
    attach.mutable_attachment()->set_program(program);
    attach.mutable_attachment()->set_cgroup(absl::GetFlag(FLAGS_cgroup));
    v1::AttachResponse attached;
    s = attachments->Attach(&ctx, attach, &attached);
    if (s.ok()) ids.push_back(attached.attachment().id());
  }
  result.seconds = SecondsSince(start);
  result.count = ids.size();
  for (const std::string& id : ids) {
    grpc::ClientContext ctx;
    v1::DetachRequest detach;
    detach.set_id(id);
    v1::DetachResponse detached;
    attachments->Detach(&ctx, detach, &detached);
  }
  grpc::ClientContext unload_ctx;
  v1::UnloadRequest unload;
  unload.set_name("bench-default");
  unload.set_unpin_maps(true);
  v1::UnloadResponse unloaded;
  programs->Unload(&unload_ctx, unload, &unloaded);
  if (!s.ok()) {
    std::cerr << "load/attach: " << s.error_message() << "\n";
    return 1;
  }
  Print(result);
  return 0;
}

int Run(const std::vector<char*>& rest) {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const ApiTarget target{absl::GetFlag(FLAGS_socket), absl::GetFlag(FLAGS_set),
                         absl::GetFlag(FLAGS_map)};
  absl::StatusOr<Result> result =
      absl::InvalidArgumentError(absl::StrCat("unknown --mode '", mode, "'"));
  if (mode == "ready") return Ready(rest);
  if (mode == "load_attach") return LoadAttach();
  if (mode == "fill") {
    absl::Status s =
        Fill(absl::GetFlag(FLAGS_pin), absl::GetFlag(FLAGS_entries));
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    return 0;
  }
  if (mode == "dump_batch" || mode == "dump_nextkey") {
    result = DumpInProcess(absl::GetFlag(FLAGS_pin), mode == "dump_batch");
  } else if (mode == "api_dump") {
    result = DumpOverApi(target, absl::GetFlag(FLAGS_encoding),
                         absl::GetFlag(FLAGS_entries_form));
  } else if (mode == "syscall") {
    result =
        SyscallLookups(absl::GetFlag(FLAGS_pin), absl::GetFlag(FLAGS_seconds),
                       absl::GetFlag(FLAGS_keys));
  } else if (mode == "pingpong") {
    result = UnixPingPong(absl::GetFlag(FLAGS_seconds));
  } else if (mode == "point") {
    PointOptions options;
    options.op = absl::GetFlag(FLAGS_op);
    options.encoding = absl::GetFlag(FLAGS_encoding);
    options.clients = absl::GetFlag(FLAGS_clients);
    options.seconds = absl::GetFlag(FLAGS_seconds);
    options.keys = absl::GetFlag(FLAGS_keys);
    options.batch = absl::GetFlag(FLAGS_batch);
    options.pid = absl::GetFlag(FLAGS_pid);
    result = PointOps(target, options);
  }
  if (!result.ok()) {
    std::cerr << result.status() << "\n";
    return 1;
  }
  Print(*result);
  return 0;
}

}  // namespace
}  // namespace bpfwarden::bench

int main(int argc, char** argv) {
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  rest.erase(rest.begin());  // the program name
  return bpfwarden::bench::Run(rest);
}
