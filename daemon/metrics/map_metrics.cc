#include "daemon/metrics/map_metrics.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/metrics/map_metric.h"
#include "daemon/metrics/map_pages.h"

namespace bpfwarden::metrics {
namespace {

absl::StatusOr<CompiledMetric> Compile(const v1::MapMetric& spec,
                                       const Warden& warden,
                                       std::shared_ptr<const MapHandle>& handle) {
  if (absl::Status s = CheckSpec(spec); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const MapHandle>> opened =
      warden.OpenMap(spec.program_set(), spec.map());
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat("metric \"", spec.name(), "\": ",
                                     opened.status().message()));
  }
  handle = *std::move(opened);
  return CompileMetric(spec, handle->map);
}

}  // namespace

absl::Status MapMetrics::Check(const MapMetricSpecs& specs,
                               const Warden& warden) {
  std::set<std::string> names;
  for (const v1::MapMetric& spec : specs) {
    if (!names.insert(spec.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric \"", spec.name(), "\" is declared twice"));
    }
    std::shared_ptr<const MapHandle> handle;
    if (absl::StatusOr<CompiledMetric> c = Compile(spec, warden, handle);
        !c.ok()) {
      return c.status();
    }
  }
  return absl::OkStatus();
}

void MapMetrics::Set(const MapMetricSpecs& specs) {
  auto fresh = std::make_shared<const std::vector<v1::MapMetric>>(
      specs.begin(), specs.end());
  absl::MutexLock lock(&mu_);
  specs_ = std::move(fresh);
}

bool MapMetrics::Write(const Warden& warden, const std::string& cgroup2_mount,
                       absl::Time deadline, TextWriter& out,
                       EntryCounts& entries) {
  std::shared_ptr<const std::vector<v1::MapMetric>> specs;
  {
    absl::MutexLock lock(&mu_);
    specs = specs_;
  }
  std::optional<absl::StatusOr<CgroupNames>> cgroups;
  struct Outcome {
    std::string name;
    bool up = false;
    CollectStats stats;
  };
  std::vector<Outcome> outcomes;
  bool truncated = false;
  for (const v1::MapMetric& spec : *specs) {
    Outcome outcome{spec.name()};
    std::shared_ptr<const MapHandle> handle;
    absl::StatusOr<CompiledMetric> metric = Compile(spec, warden, handle);
    absl::StatusOr<CollectStats> stats =
        metric.ok() ? absl::UnknownError("not collected") : metric.status();
    if (metric.ok()) {
      const bool decoded = !metric->spec.label_decoders().empty();
      if (decoded && !cgroups.has_value()) {
        cgroups = CgroupNames::Scan(cgroup2_mount, deadline);
      }
      if (decoded && !cgroups->ok()) {
        stats = cgroups->status();
      } else {
        stats = CollectMetric(*metric, handle->map,
                              decoded ? &**cgroups : nullptr, deadline, out);
      }
    }
    if (stats.ok()) {
      outcome.up = true;
      outcome.stats = *stats;
      entries[absl::StrCat(spec.program_set(), "/", spec.map())] =
          stats->entries;
      dropped_total_[spec.name()] += stats->dropped;
      last_error_.erase(spec.name());
    } else {
      const bool cut = BudgetSpent(stats.status());
      truncated |= cut;
      if (last_error_[spec.name()] != stats.status().ToString()) {
        last_error_[spec.name()] = stats.status().ToString();
        BPFWARDEN_LOG(WARNING)
            << "metrics: "
            << (cut ? absl::StrCat("metric \"", spec.name(), "\": ") : "")
            << stats.status();
      }
    }
    outcomes.push_back(std::move(outcome));
  }
  // One sample per metric of each family, valued by `value`.
  auto family = [&](const char* name, const char* help, const char* type,
                    auto value) {
    out.Family(name, help, type);
    for (const Outcome& o : outcomes) {
      out.Sample(name, {{"metric", o.name}}, uint64_t{value(o)});
    }
  };
  family("bpfwarden_map_metric_up",
         "1 when the map metric was read at this scrape, 0 when its map "
         "could not be read (the error is in the daemon's log).",
         "gauge", [](const Outcome& o) { return o.up ? 1u : 0u; });
  family("bpfwarden_map_metric_series",
         "Series the map metric has at this scrape (at most its "
         "max_series).",
         "gauge", [](const Outcome& o) { return o.stats.series; });
  family("bpfwarden_map_metric_series_dropped",
         "Series of the map metric cut at this scrape by max_series: the "
         "series with the largest values are kept (equal values: the "
         "smaller key bytes).",
         "gauge", [](const Outcome& o) { return o.stats.dropped; });
  family("bpfwarden_map_metric_series_dropped_total",
         "Series of the map metric cut by max_series, all scrapes together.",
         "counter",
         [this](const Outcome& o) { return dropped_total_[o.name]; });
  return truncated;
}

}  // namespace bpfwarden::metrics
