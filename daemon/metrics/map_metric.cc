#include "daemon/metrics/map_metric.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "daemon/btf/per_cpu.h"
#include "daemon/metrics/map_pages.h"
#include "daemon/metrics/series_cap.h"

namespace bpfwarden::metrics {
namespace {

absl::Status Bad(const v1::MapMetric& spec, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("metric \"", spec.name(), "\" (map ", spec.program_set(),
                   "/", spec.map(), "): ", why));
}

// The label name of a path: its last member name ("remote_addr"), with
// indexes appended ("ports[1]" -> "ports_1").
std::string LabelName(const FieldRef& field) {
  std::string name;
  for (const auto& step : field.steps) {
    if (const auto* member = std::get_if<std::string>(&step)) {
      name = *member;
    } else {
      absl::StrAppend(&name, "_", std::get<uint32_t>(step));
    }
  }
  return name;
}

const TypeLayout* Layout(const std::optional<TypeLayout>& layout) {
  return layout.has_value() ? &*layout : nullptr;
}

}  // namespace

absl::Status CheckSpec(const v1::MapMetric& spec) {
  if (!ValidMetricName(spec.name())) {
    return Bad(spec, "name must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  if (spec.program_set().empty() || spec.map().empty()) {
    return Bad(spec, "program_set and map are required");
  }
  if (spec.type() != v1::MapMetric::COUNTER &&
      spec.type() != v1::MapMetric::GAUGE) {
    return Bad(spec, "type must be COUNTER or GAUGE");
  }
  if (spec.value().empty()) return Bad(spec, "value (a field path) is required");
  std::set<std::string> labels(spec.labels().begin(), spec.labels().end());
  if (labels.size() != static_cast<size_t>(spec.labels_size())) {
    return Bad(spec, "a label path is given twice");
  }
  for (const v1::LabelDecoder& d : spec.label_decoders()) {
    if (!labels.count(d.field())) {
      return Bad(spec, absl::StrCat("label_decoders field \"", d.field(),
                                    "\" is not one of the labels"));
    }
    if (d.as() != v1::LabelDecoder::CGROUP_PATH &&
        d.as() != v1::LabelDecoder::UNIT) {
      return Bad(spec, absl::StrCat("label_decoders field \"", d.field(),
                                    "\": as must be CGROUP_PATH or UNIT"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CompiledMetric> CompileMetric(const v1::MapMetric& spec,
                                             const TypedMap& map) {
  if (absl::Status s = CheckSpec(spec); !s.ok()) return s;
  const std::optional<TypeLayout> key = map.KeyLayout();
  const std::optional<TypeLayout> value = map.ValueLayout();
  if (!value.has_value() || map.implicit_key()) {
    return Bad(spec, "the map has no BTF for its value, or is a map of "
                     "global variables: nothing to read a field from");
  }
  if (!key.has_value() && spec.labels_size() > 0) {
    return Bad(spec, "the map has no BTF for its key: no labels can be read");
  }
  CompiledMetric out;
  out.spec = spec;
  out.max_series = spec.max_series() > 0 ? spec.max_series() : kDefaultMaxSeries;
  absl::StatusOr<FieldRef> v = FindField(*Layout(value), spec.value());
  if (!v.ok()) return Bad(spec, absl::StrCat("value ", v.status().message()));
  if (!IsNumeric(*v)) {
    return Bad(spec, absl::StrCat("value field path \"", spec.value(),
                                  "\" is a ", FieldKindName(v->kind),
                                  ", not a number"));
  }
  out.value = *std::move(v);
  std::set<std::string> names;
  for (const std::string& path : spec.labels()) {
    absl::StatusOr<FieldRef> f = FindField(*Layout(key), path);
    if (!f.ok()) return Bad(spec, absl::StrCat("label ", f.status().message()));
    if (!IsScalar(*f)) {
      return Bad(spec, absl::StrCat("label field path \"", path, "\" is a ",
                                    FieldKindName(f->kind),
                                    ": a label must be a scalar field"));
    }
    std::string name = LabelName(*f);
    if (!ValidLabelName(name) || !names.insert(name).second) {
      return Bad(spec, absl::StrCat("label field path \"", path,
                                    "\" gives label name \"", name,
                                    "\", invalid or already taken"));
    }
    v1::LabelDecoder::Decoding decoding = v1::LabelDecoder::DECODING_UNSPECIFIED;
    for (const v1::LabelDecoder& d : spec.label_decoders()) {
      if (d.field() == path) decoding = d.as();
    }
    if (decoding != v1::LabelDecoder::DECODING_UNSPECIFIED &&
        (f->kind != FieldKind::kInt || f->size > 8)) {
      return Bad(spec, absl::StrCat("label field path \"", path,
                                    "\" is decoded as a cgroup id but is a ",
                                    FieldKindName(f->kind)));
    }
    out.labels.push_back(*std::move(f));
    out.label_names.push_back(std::move(name));
    out.decoders.push_back(decoding);
  }
  return out;
}

absl::StatusOr<CollectStats> CollectMetric(const CompiledMetric& metric,
                                           const TypedMap& map,
                                           const CgroupNames* cgroups,
                                           absl::Time deadline,
                                           TextWriter& out) {
  const size_t key_size = map.key_size();
  const size_t value_bytes = map.value_bytes();
  const int cpus = map.per_cpu() ? map.num_cpus() : 1;
  const size_t stride = map.per_cpu() ? PerCpuStride(map.info().value_size)
                                      : map.info().value_size;
  CollectStats stats;
  absl::flat_hash_map<std::string, double> groups;
  std::string group(key_size, '\0');
  absl::Status walked = WalkMap(map, deadline, [&](const PackedPage& page) {
    for (size_t i = 0; i < page.count; ++i) {
      const auto* key =
          reinterpret_cast<const uint8_t*>(page.keys.data()) + i * key_size;
      const auto* value = reinterpret_cast<const uint8_t*>(page.values.data()) +
                          i * value_bytes;
      std::memset(group.data(), 0, key_size);
      for (const FieldRef& label : metric.labels) {
        CopyField(label, key, reinterpret_cast<uint8_t*>(group.data()));
      }
      double sum = 0;
      for (int cpu = 0; cpu < cpus; ++cpu) {
        sum += ReadNumber(metric.value, value + cpu * stride);
      }
      groups[group] += sum;
    }
    stats.entries += page.count;
  });
  if (!walked.ok()) return walked;

  std::vector<Series> series;
  series.reserve(groups.size());
  for (auto& [key, value] : groups) series.push_back({key, value});
  groups.clear();
  stats.dropped = CapSeries(series, metric.max_series);

  const v1::MapMetric& spec = metric.spec;
  out.Family(spec.name(),
             spec.help().empty()
                 ? absl::StrCat("Field ", spec.value(), " of map ",
                                spec.program_set(), "/", spec.map(),
                                ", summed over entries with the same labels.")
                 : spec.help(),
             spec.type() == v1::MapMetric::COUNTER ? "counter" : "gauge");
  absl::StatusOr<const TypeCodec*> codec = map.key_codec();
  Labels labels(metric.labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    labels[i].first = metric.label_names[i];
  }
  // Decoded labels may bring two series to the same label values (two
  // cgroups of one unit, cgroups gone): those are summed.
  const bool decoded =
      std::any_of(metric.decoders.begin(), metric.decoders.end(), [](auto d) {
        return d != v1::LabelDecoder::DECODING_UNSPECIFIED;
      });
  std::vector<std::pair<Labels, double>> rendered;
  absl::flat_hash_map<std::string, size_t> seen;
  for (const Series& s : series) {
    Json key;
    if (!metric.labels.empty()) {
      if (!codec.ok()) return codec.status();
      absl::StatusOr<Json> json = (*codec)->Encode(absl::MakeConstSpan(
          reinterpret_cast<const uint8_t*>(s.key.data()), s.key.size()));
      if (!json.ok()) return json.status();
      key = *std::move(json);
    }
    std::string identity;
    for (size_t i = 0; i < labels.size(); ++i) {
      const FieldRef& field = metric.labels[i];
      if (metric.decoders[i] == v1::LabelDecoder::DECODING_UNSPECIFIED) {
        labels[i].second = LabelText(field, key);
      } else {
        const std::string path =
            cgroups != nullptr
                ? cgroups->Path(ReadBits(
                      field, reinterpret_cast<const uint8_t*>(s.key.data())))
                : "";
        labels[i].second = metric.decoders[i] == v1::LabelDecoder::UNIT
                               ? CgroupNames::UnitOf(path)
                               : path;
      }
      if (decoded) absl::StrAppend(&identity, labels[i].second.size(), ":",
                                   labels[i].second);
    }
    if (decoded) {
      auto [it, fresh] = seen.emplace(identity, rendered.size());
      if (!fresh) {
        rendered[it->second].second += s.value;
        continue;
      }
    }
    rendered.emplace_back(labels, s.value);
  }
  stats.series = rendered.size();
  for (const auto& [l, value] : rendered) out.Sample(spec.name(), l, value);
  return stats;
}

}  // namespace bpfwarden::metrics
