#include "daemon/metrics/api_stats.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::metrics {
namespace {

// grpc::StatusCode names, as grpc_status.cc and the CLI spell them.
constexpr const char* kCodeNames[ApiStats::kCodes] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

constexpr const char* kDenialNames[] = {"read", "write", "admin",
                                        "unauthenticated"};

}  // namespace

ApiStats::ApiStats(const std::vector<std::string>& methods) {
  for (const std::string& full : methods) {
    auto method = std::make_unique<Method>();
    method->name = ShortName(full);
    by_full_name_[full] = method.get();
    methods_.push_back(std::move(method));
  }
  auto other = std::make_unique<Method>();
  other->name = "other";
  methods_.push_back(std::move(other));
}

std::string ApiStats::ShortName(absl::string_view full_method) {
  absl::string_view rest = full_method;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return std::string(rest);
  absl::string_view service = rest.substr(0, slash);
  const size_t dot = service.rfind('.');
  if (dot != absl::string_view::npos) service.remove_prefix(dot + 1);
  return absl::StrCat(service, ".", rest.substr(slash + 1));
}

void ApiStats::RecordCall(absl::string_view full_method, int code,
                          absl::Duration latency) {
  auto it = by_full_name_.find(full_method);
  Method& method = it != by_full_name_.end() ? *it->second : *methods_.back();
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  Cell& cell = method.codes[code];
  cell.count.fetch_add(1, std::memory_order_relaxed);
  const int64_t nanos = absl::ToInt64Nanoseconds(latency);
  cell.nanos.fetch_add(nanos > 0 ? nanos : 0, std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(latency);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      cell.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
}

void ApiStats::RecordDenial(DenialClass denial) {
  denials_[static_cast<int>(denial)].fetch_add(1, std::memory_order_relaxed);
}

void ApiStats::Write(TextWriter& out) const {
  out.Family("bpfwarden_api_calls_total",
             "API calls finished, by method and gRPC status code.",
             "counter");
  for (const auto& method : methods_) {
    for (int code = 0; code < kCodes; ++code) {
      const uint64_t n = method->codes[code].count.load();
      if (n == 0) continue;
      out.Sample("bpfwarden_api_calls_total",
                 {{"method", method->name}, {"code", kCodeNames[code]}}, n);
    }
  }
  out.Family("bpfwarden_api_call_duration_seconds",
             "API call latency, from the call's start to its status, by "
             "method and gRPC status code.",
             "histogram");
  for (const auto& method : methods_) {
    for (int code = 0; code < kCodes; ++code) {
      const Cell& cell = method->codes[code];
      // Read the buckets first: the count is then at least their sum.
      std::array<uint64_t, kBounds.size()> buckets;
      for (size_t i = 0; i < kBounds.size(); ++i) {
        buckets[i] = cell.buckets[i].load();
      }
      const uint64_t nanos = cell.nanos.load();
      const uint64_t count = cell.count.load();
      if (count == 0) continue;
      Labels labels = {{"method", method->name}, {"code", kCodeNames[code]}};
      labels.emplace_back("le", "");
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += buckets[i];
        labels.back().second.clear();
        AppendValue(kBounds[i], labels.back().second);
        out.Sample("bpfwarden_api_call_duration_seconds_bucket", labels,
                   cumulative);
      }
      labels.back().second = "+Inf";
      out.Sample("bpfwarden_api_call_duration_seconds_bucket", labels,
                 std::max(count, cumulative));
      labels.pop_back();
      out.Sample("bpfwarden_api_call_duration_seconds_sum", labels,
                 static_cast<double>(nanos) / 1e9);
      out.Sample("bpfwarden_api_call_duration_seconds_count", labels,
                 std::max(count, cumulative));
    }
  }
  out.Family("bpfwarden_api_denials_total",
             "API calls refused by the policy, by the operation class asked "
             "for (read, write, admin), or because the caller's identity "
             "could not be taken (unauthenticated).",
             "counter");
  for (int i = 0; i < 4; ++i) {
    out.Sample("bpfwarden_api_denials_total", {{"class", kDenialNames[i]}},
               denials_[i].load());
  }
}

}  // namespace bpfwarden::metrics
