// The cost of the shipped sock_ops programs on the connection path: the
// loopback connection rate and one bulk transfer's throughput, measured from
// a cgroup of the benchmark's own with nothing, no-op programs (the floors),
// tcp_stats, and tcp_stats + tcp_tune attached. Cases interleave (the order rotates each
// round) so that drift on a shared machine hits them alike; every figure is
// also reported as a ratio to "none" in the same round.
//
// Needs root. Run: bench/run_sockops (see bench/README.md).
#include <bpf/bpf.h>
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
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/scoped_cgroup.h"

ABSL_FLAG(int, rounds, 5, "rounds; each runs every case once");
ABSL_FLAG(int, connections, 30000, "connections per case and round");
ABSL_FLAG(int, warmup, 1000, "untimed connections before each timed run");
ABSL_FLAG(int, bulk_mib, 2048, "MiB of the bulk transfer; 0 skips it");
ABSL_FLAG(std::vector<std::string>, cases, {},
          "only these cases (comma-separated names; none is always run)");
ABSL_FLAG(bool, prog_stats, false,
          "enable the kernel's BPF run time statistics (system-wide, while "
          "the benchmark runs; they slow every BPF program down a little) "
          "and report each program's runs and ns per run");
ABSL_FLAG(std::string, baseline_object, "",
          "a linked bpfwarden.bpf.o of another build: its tcp_stats and "
          "tcp_stats+tcp_tune become two more cases");

namespace bpfwarden::bench {
namespace {

using testing::CallInCgroup;
using testing::ScopedCgroup;

std::atomic<bool> stop{false};

void OnSignal(int) { stop = true; }

// A figure per case and round: table[case][round].
using Table = std::vector<std::vector<double>>;

struct Tables {
  Table per_second;
  Table cpu_us;
};

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

using Work = std::function<absl::StatusOr<LoadFigures>()>;

// One timed run of `work` for case `c`, in a child inside `cgroup`.
absl::StatusOr<LoadFigures> RunCase(const SockOpsPrograms& programs,
                                    const SockOpsCase& c,
                                    const ScopedCgroup& cgroup,
                                    const Work& work) {
  absl::StatusOr<std::vector<BpfLinkPtr>> links =
      programs.Attach(c, cgroup.path());
  if (!links.ok()) return links.status();
  return CallInCgroup<LoadFigures>(cgroup, work);
}

// Runs every case once per round, rotating the order.
absl::StatusOr<Tables> Measure(const SockOpsPrograms& programs,
                               const std::vector<SockOpsCase>& cases,
                               const ScopedCgroup& cgroup, const Work& work) {
  const int rounds = absl::GetFlag(FLAGS_rounds);
  Tables t{.per_second = Table(cases.size(), std::vector<double>(rounds)),
           .cpu_us = Table(cases.size(), std::vector<double>(rounds))};
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < cases.size(); ++i) {
      if (stop) return absl::CancelledError("interrupted");
      const size_t k = (i + r) % cases.size();
      absl::StatusOr<LoadFigures> v = RunCase(programs, cases[k], cgroup, work);
      if (!v.ok()) return v.status();
      t.per_second[k][r] = v->per_second;
      t.cpu_us[k][r] = v->cpu_us_per_unit;
    }
  }
  return t;
}

// One row per case: the figure of each round (scaled), the median, and the
// median over rounds of the ratio to "none" in the same round.
void PrintTable(const std::vector<SockOpsCase>& cases, const std::string& unit,
                double scale, const Table& f) {
  const size_t rounds = f[0].size();
  std::string header = absl::StrFormat("| %-27s |", unit);
  for (size_t r = 0; r < rounds; ++r) {
    absl::StrAppend(&header, " round ", r + 1, " |");
  }
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
  std::printf("\n");
}

// Holds the kernel's BPF run time statistics on while it lives.
absl::StatusOr<UniqueFd> EnableRunTimeStats() {
  UniqueFd fd(bpf_enable_stats(BPF_STATS_RUN_TIME));
  if (!fd) return ErrnoStatus(errno, "BPF_ENABLE_STATS");
  return fd;
}

// The programs that ran since `before` (a snapshot of Stats(); empty: since
// the start): their runs and mean ns per run in that span.
void PrintStats(const std::vector<SockOpsPrograms::RunStats>& now,
                const std::vector<SockOpsPrograms::RunStats>& before) {
  std::printf("| program | runs | ns per run |\n|---|---|---|\n");
  for (const auto& s : now) {
    uint64_t runs = s.runs, ns = s.run_time_ns;
    for (const auto& b : before) {
      if (b.name != s.name) continue;
      runs -= b.runs;
      ns -= b.run_time_ns;
    }
    if (runs == 0) continue;
    std::printf("| %s | %llu | %.0f |\n", s.name.c_str(),
                static_cast<unsigned long long>(runs), double(ns) / runs);
  }
  std::printf("\n");
}

// Measures `work` in every case and prints its two tables.
bool MeasureAndPrint(const SockOpsPrograms& programs,
                     const std::vector<SockOpsCase>& cases,
                     const ScopedCgroup& cgroup, const std::string& what,
                     const std::string& rate_unit, double rate_scale,
                     const std::string& cpu_unit, const Work& work) {
  absl::StatusOr<Tables> t = Measure(programs, cases, cgroup, work);
  if (!t.ok()) {
    std::cerr << "sockops_bench: " << what << ": " << t.status() << "\n";
    return false;
  }
  std::printf("%s\n\n", what.c_str());
  PrintTable(cases, rate_unit, rate_scale, t->per_second);
  PrintTable(cases, cpu_unit, 1, t->cpu_us);
  return true;
}

int Run() {
  const std::string baseline = absl::GetFlag(FLAGS_baseline_object);
  std::vector<SockOpsCase> cases = SockOpsCases(!baseline.empty());
  if (const auto only = absl::GetFlag(FLAGS_cases); !only.empty()) {
    std::erase_if(cases, [&](const SockOpsCase& c) {
      return c.name != "none" &&
             std::find(only.begin(), only.end(), c.name) == only.end();
    });
  }
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
  absl::StatusOr<UniqueFd> stats;
  if (absl::GetFlag(FLAGS_prog_stats)) {
    stats = EnableRunTimeStats();
    if (!stats.ok()) {
      std::cerr << "sockops_bench: " << stats.status() << "\n";
      return 1;
    }
  }
  const int connections = absl::GetFlag(FLAGS_connections);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  std::printf(
      "cgroup %s; %d rounds; %d connections a case and round "
      "(after %d untimed)\n\n",
      cgroup->path().c_str(), absl::GetFlag(FLAGS_rounds), connections, warmup);
  if (!MeasureAndPrint(*programs, cases, *cgroup,
                       "connection rate (connect, 1 byte each way, RST)",
                       "k connections/s", 1000, "CPU us/connection",
                       [&]() -> absl::StatusOr<LoadFigures> {
                         absl::StatusOr<LoadFigures> w = ConnectionRate(warmup);
                         if (!w.ok()) return w.status();
                         return ConnectionRate(connections);
                       })) {
    return 1;
  }
  const bool prog_stats = absl::GetFlag(FLAGS_prog_stats);
  const std::vector<SockOpsPrograms::RunStats> after_rate = programs->Stats();
  if (prog_stats) PrintStats(after_rate, {});
  const int bulk_mib = absl::GetFlag(FLAGS_bulk_mib);
  if (bulk_mib > 0 &&
      !MeasureAndPrint(*programs, cases, *cgroup,
                       absl::StrCat("bulk transfer of ", bulk_mib, " MiB"),
                       "MB/s", 1, "CPU us/MB", [&] {
                         return BulkThroughput(size_t(bulk_mib) << 20);
                       })) {
    return 1;
  }
  if (prog_stats && bulk_mib > 0) PrintStats(programs->Stats(), after_rate);
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
