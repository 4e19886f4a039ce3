// The cost of the shipped sock_ops programs on the connection path: the
// loopback connection rate and one bulk transfer's throughput, measured from
// a cgroup of the benchmark's own with nothing, a no-op program, tcp_stats,
// and tcp_stats + tcp_tune attached. Cases interleave (the order rotates each
// round) so that drift on a shared machine hits them alike; every figure is
// also reported as a ratio to "none" in the same round.
//
// Needs root. Run: bench/run_sockops (see bench/README.md).
#include <signal.h>
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/loopback_load.h"
#include "bench/sockops_cases.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/scoped_cgroup.h"

ABSL_FLAG(int, rounds, 5, "rounds; each runs every case once");
ABSL_FLAG(int, connections, 30000, "connections per case and round");
ABSL_FLAG(int, warmup, 1000, "untimed connections before each timed run");
ABSL_FLAG(int, bulk_mib, 2048, "MiB of the bulk transfer; 0 skips it");
ABSL_FLAG(std::string, baseline_object, "",
          "a linked bpfwarden.bpf.o of another build: its tcp_stats and "
          "tcp_stats+tcp_tune become two more cases");

namespace bpfwarden::bench {
namespace {

using testing::CallInCgroup;
using testing::ScopedCgroup;

std::atomic<bool> stop{false};

void OnSignal(int) { stop = true; }

// figures[case][round]
using Figures = std::vector<std::vector<double>>;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string FirstLine(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

void PrintMachine() {
  utsname u{};
  ::uname(&u);
  std::string cpu = FirstLine("/proc/cpuinfo", "model name");
  cpu = cpu.substr(std::min(cpu.size(), cpu.find(':') + 2));
  std::printf("machine: %s, %ld CPUs, kernel %s, load average %s\n",
              cpu.c_str(), ::sysconf(_SC_NPROCESSORS_ONLN), u.release,
              FirstLine("/proc/loadavg", "").c_str());
}

// One timed run of `work` for case `c`, in a child inside `cgroup`.
absl::StatusOr<double> RunCase(
    const SockOpsPrograms& programs, const SockOpsCase& c,
    const ScopedCgroup& cgroup,
    const std::function<absl::StatusOr<double>()>& work) {
  absl::StatusOr<std::vector<BpfLinkPtr>> links =
      programs.Attach(c, cgroup.path());
  if (!links.ok()) return links.status();
  return CallInCgroup<double>(cgroup, work);
}

// Runs every case once per round, rotating the order.
absl::StatusOr<Figures> Measure(
    const SockOpsPrograms& programs, const std::vector<SockOpsCase>& cases,
    const ScopedCgroup& cgroup,
    const std::function<absl::StatusOr<double>()>& work) {
  const int rounds = absl::GetFlag(FLAGS_rounds);
  Figures figures(cases.size(), std::vector<double>(rounds));
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < cases.size(); ++i) {
      if (stop) return absl::CancelledError("interrupted");
      const size_t k = (i + r) % cases.size();
      absl::StatusOr<double> v = RunCase(programs, cases[k], cgroup, work);
      if (!v.ok()) return v.status();
      figures[k][r] = *v;
    }
  }
  return figures;
}

// One row per case: the figure of each round (scaled), the median, and the
// median over rounds of the ratio to "none" in the same round.
void PrintTable(const std::vector<SockOpsCase>& cases, const std::string& unit,
                double scale, const Figures& f) {
  const size_t rounds = f[0].size();
  std::string header = absl::StrFormat("| %-27s |", "case (" + unit + ")");
  for (size_t r = 0; r < rounds; ++r)
    absl::StrAppend(&header, " round ", r + 1, " |");
  absl::StrAppend(&header, " median | vs none |");
  std::string rule = "|";
  for (size_t i = 0; i < rounds + 3; ++i) rule += "---|";
  std::printf("%s\n%s\n", header.c_str(), rule.c_str());
  for (size_t k = 0; k < cases.size(); ++k) {
    std::string row = absl::StrFormat("| %-27s |", cases[k].name);
    std::vector<double> ratios;
    for (size_t r = 0; r < rounds; ++r) {
      absl::StrAppendFormat(&row, " %.1f |", f[k][r] / scale);
      ratios.push_back(f[k][r] / f[0][r]);
    }
    absl::StrAppendFormat(&row, " %.1f | %.3f |", Median(f[k]) / scale,
                          Median(ratios));
    std::printf("%s\n", row.c_str());
  }
}

int Run() {
  const std::string baseline = absl::GetFlag(FLAGS_baseline_object);
  const std::vector<SockOpsCase> cases = SockOpsCases(!baseline.empty());
  absl::StatusOr<SockOpsPrograms> programs = SockOpsPrograms::Load(baseline);
  if (!programs.ok()) {
    std::cerr << "sockops_bench: " << programs.status() << "\n";
    return 1;
  }
  absl::StatusOr<ScopedCgroup> cgroup = ScopedCgroup::Create("sockops-bench");
  if (!cgroup.ok()) {
    std::cerr << "sockops_bench: " << cgroup.status() << "\n";
    return 1;
  }
  PrintMachine();
  const int connections = absl::GetFlag(FLAGS_connections);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  std::printf(
      "cgroup %s; %d rounds; %d connections a case and round "
      "(after %d untimed)\n\n",
      cgroup->path().c_str(), absl::GetFlag(FLAGS_rounds), connections, warmup);
  absl::StatusOr<Figures> rate =
      Measure(*programs, cases, *cgroup, [&]() -> absl::StatusOr<double> {
        if (absl::StatusOr<double> w = ConnectionRate(warmup); !w.ok()) {
          return w.status();
        }
        return ConnectionRate(connections);
      });
  if (!rate.ok()) {
    std::cerr << "sockops_bench: connection rate: " << rate.status() << "\n";
    return 1;
  }
  PrintTable(cases, "k conn/s", 1000, *rate);

  const size_t bulk = size_t(absl::GetFlag(FLAGS_bulk_mib)) << 20;
  if (bulk > 0) {
    absl::StatusOr<Figures> throughput = Measure(
        *programs, cases, *cgroup, [&] { return BulkThroughput(bulk); });
    if (!throughput.ok()) {
      std::cerr << "sockops_bench: bulk: " << throughput.status() << "\n";
      return 1;
    }
    std::printf("\nbulk transfer of %d MiB\n", absl::GetFlag(FLAGS_bulk_mib));
    PrintTable(cases, "MB/s", 1e6, *throughput);
  }
  std::printf("\n");
  PrintMachine();
  return 0;
}

}  // namespace
}  // namespace bpfwarden::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Ctrl-C or SIGTERM end the run between cases, so that the links and the
  // cgroup are undone on the way out.
  struct sigaction sa {};
  sa.sa_handler = bpfwarden::bench::OnSignal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  return bpfwarden::bench::Run();
}
