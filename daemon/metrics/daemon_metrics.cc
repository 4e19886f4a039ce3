#include "daemon/metrics/daemon_metrics.h"

#include <linux/bpf.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "daemon/base/build_info.h"
#include "daemon/maps/map_types.h"
#include "daemon/metrics/map_pages.h"
#include "daemon/metrics/prog_stats.h"

namespace bpfwarden::metrics {
namespace {

const char* OriginName(Origin origin) {
  return origin == Origin::kConfig ? "config" : "runtime";
}

// Entries of a map, by one dump; nullopt for types that cannot be walked,
// and DeadlineExceeded (map_pages.h) for a dump not done by `deadline`.
absl::StatusOr<std::optional<uint64_t>> CountEntries(const Warden& warden,
                                                     const MapInfo& info,
                                                     absl::Time deadline) {
  if (IsArrayMapType(info.type)) return info.max_entries;
  const bool walkable = SupportsLookupBatch(info.type) ||
                        info.type == BPF_MAP_TYPE_HASH ||
                        info.type == BPF_MAP_TYPE_LPM_TRIE;
  if (!walkable) return std::nullopt;
  auto handle = warden.OpenMap(info.program_set, info.name);
  if (!handle.ok()) return std::nullopt;
  uint64_t count = 0;
  absl::Status walked =
      WalkMap((*handle)->map, deadline,
              [&](const PackedPage& page) { count += page.count; });
  if (BudgetSpent(walked)) return walked;
  if (!walked.ok()) return std::nullopt;
  return count;
}

void WriteBuild(const DaemonSources& sources, TextWriter& out) {
  out.Family("bpfwarden_build_info",
             "Always 1; the daemon's version and Bazel compilation mode "
             "(opt is what tools/run and tools/install ship).",
             "gauge");
  out.Sample("bpfwarden_build_info",
             {{"version", sources.version},
              {"build_mode", BuildMode()},
              {"optimized", BuildOptimized() ? "true" : "false"}},
             uint64_t{1});
}

void WriteApplyFailures(const DaemonSources& sources, TextWriter& out) {
  out.Family("bpfwarden_config_failures",
             "Items (sets, attachments, the state file) that failed to apply "
             "at the daemon's start or last reload; bpfwarden status lists "
             "them.",
             "gauge");
  out.Sample("bpfwarden_config_failures", {},
             uint64_t{sources.warden->ApplyFailures().size()});
}

void WriteSets(const DaemonSources& sources, TextWriter& out) {
  const std::vector<ProgramSetInfo> sets = sources.warden->ListSets();
  out.Family("bpfwarden_program_sets", "Program sets loaded, by origin.",
             "gauge");
  uint64_t by_origin[2] = {0, 0};
  for (const ProgramSetInfo& set : sets)
    ++by_origin[set.origin == Origin::kConfig ? 0 : 1];
  out.Sample("bpfwarden_program_sets", {{"origin", "config"}}, by_origin[0]);
  out.Sample("bpfwarden_program_sets", {{"origin", "runtime"}}, by_origin[1]);

  out.Family("bpfwarden_program_info",
             "Always 1 for each loaded program: its set, name, kernel id and "
             "type.",
             "gauge");
  for (const ProgramSetInfo& set : sets) {
    for (const ProgramInfo& p : set.programs) {
      out.Sample("bpfwarden_program_info",
                 {{"program_set", set.name},
                  {"program", p.name},
                  {"id", absl::StrCat(p.id)},
                  {"type", p.type}},
                 uint64_t{1});
    }
  }
  const bool enabled = BpfStatsEnabled(sources.bpf_stats_path);
  out.Family("bpfwarden_bpf_stats_enabled",
             "1 when the sysctl kernel.bpf_stats_enabled is on. While it is "
             "off (0), bpfwarden_program_runs_total and "
             "bpfwarden_program_run_seconds_total stay where they are (the "
             "kernel counts runs only while the sysctl is on or a process "
             "holds a BPF_ENABLE_STATS descriptor). Turn it on with: sysctl "
             "-w kernel.bpf_stats_enabled=1",
             "gauge");
  out.Sample("bpfwarden_bpf_stats_enabled", {}, uint64_t{enabled ? 1u : 0u});
  struct Row {
    Labels labels;
    ProgStats stats;
  };
  std::vector<Row> rows;
  for (const ProgramSetInfo& set : sets) {
    for (const ProgramInfo& p : set.programs) {
      absl::StatusOr<ProgStats> stats = ReadProgStats(p.id);
      if (!stats.ok()) continue;
      rows.push_back(
          {{{"program_set", set.name}, {"program", p.name}}, *stats});
    }
  }
  out.Family("bpfwarden_program_runs_total",
             "Runs of the program the kernel counted while its run "
             "statistics were on (see bpfwarden_bpf_stats_enabled).",
             "counter");
  for (const Row& r : rows) {
    out.Sample("bpfwarden_program_runs_total", r.labels, r.stats.run_count);
  }
  out.Family("bpfwarden_program_run_seconds_total",
             "Time the program ran, as the kernel counted it while its run "
             "statistics were on (see bpfwarden_bpf_stats_enabled).",
             "counter");
  for (const Row& r : rows) {
    out.Sample("bpfwarden_program_run_seconds_total", r.labels,
               static_cast<double>(r.stats.run_time_ns) / 1e9);
  }
}

void WriteAttachments(const DaemonSources& sources, TextWriter& out) {
  absl::StatusOr<std::vector<AttachmentInfo>> list =
      sources.warden->ListAttachments();
  if (!list.ok()) return;
  // ours by origin and state, foreign ones on the cgroups we attach to.
  std::map<std::pair<std::string, std::string>, uint64_t> counts;
  counts[{"config", "attached"}] = 0;
  counts[{"runtime", "attached"}] = 0;
  counts[{"config", "waiting"}] = 0;
  counts[{"runtime", "waiting"}] = 0;
  uint64_t foreign = 0;
  for (const AttachmentInfo& a : *list) {
    if (!a.ours) {
      ++foreign;
      continue;
    }
    const char* state =
        a.waiting ? "waiting" : (a.defunct ? "defunct" : "attached");
    ++counts[{OriginName(a.origin), state}];
  }
  out.Family("bpfwarden_attachments",
             "The daemon's attachments by origin and state: attached, "
             "waiting (for its systemd unit to start) or defunct (its cgroup "
             "was removed).",
             "gauge");
  for (const auto& [key, n] : counts) {
    out.Sample("bpfwarden_attachments",
               {{"origin", key.first}, {"state", key.second}}, n);
  }
  out.Family("bpfwarden_foreign_attachments",
             "Programs attached by other tools to the cgroups the daemon "
             "attaches to.",
             "gauge");
  out.Sample("bpfwarden_foreign_attachments", {}, foreign);
}

// True when an entry count was left out for want of time.
bool WriteMaps(const DaemonSources& sources, const EntryCounts& counted,
               TextWriter& out) {
  const std::vector<MapInfo> maps = sources.warden->ListMaps();
  out.Family("bpfwarden_map_max_entries",
             "The map's max_entries, by program set, map and type.", "gauge");
  for (const MapInfo& m : maps) {
    out.Sample("bpfwarden_map_max_entries",
               {{"program_set", m.program_set},
                {"map", m.name},
                {"type", m.type_name}},
               uint64_t{m.max_entries});
  }
  out.Family("bpfwarden_map_entries",
             "Entries in the map at this scrape (arrays: max_entries); maps "
             "that cannot be walked (ring buffers, storage maps) have none, "
             "nor do maps not walked within the scrape's time budget.",
             "gauge");
  bool truncated = false;
  for (const MapInfo& m : maps) {
    if (m.internal) continue;
    absl::StatusOr<std::optional<uint64_t>> n = std::nullopt;
    auto it = counted.find(absl::StrCat(m.program_set, "/", m.name));
    if (it != counted.end()) {
      n = it->second;
    } else {
      n = CountEntries(*sources.warden, m, sources.deadline);
    }
    if (!n.ok()) {
      truncated = true;
      continue;
    }
    if (!n->has_value()) continue;
    out.Sample("bpfwarden_map_entries",
               {{"program_set", m.program_set}, {"map", m.name}}, **n);
  }
  return truncated;
}

void WriteLogs(const DaemonSources& sources, TextWriter& out) {
  if (sources.logs == nullptr) return;
  out.Family("bpfwarden_bpf_log_records_total",
             "Log records of the set's BPF programs read from its bw_log "
             "ring buffer.",
             "counter");
  for (const auto& [set, n] : sources.logs->Received()) {
    out.Sample("bpfwarden_bpf_log_records_total", {{"program_set", set}}, n);
  }
  out.Family("bpfwarden_bpf_log_records_dropped_total",
             "Log records the set's BPF programs dropped because the ring "
             "buffer was full (bw_log_drops).",
             "counter");
  for (const auto& [set, n] : sources.logs->Drops()) {
    out.Sample("bpfwarden_bpf_log_records_dropped_total",
               {{"program_set", set}}, n);
  }
}

}  // namespace

bool WriteDaemonMetrics(const DaemonSources& sources,
                        const EntryCounts& entries, TextWriter& out) {
  WriteBuild(sources, out);
  WriteApplyFailures(sources, out);
  WriteSets(sources, out);
  WriteAttachments(sources, out);
  const bool truncated = WriteMaps(sources, entries, out);
  WriteLogs(sources, out);
  return truncated;
}

}  // namespace bpfwarden::metrics
