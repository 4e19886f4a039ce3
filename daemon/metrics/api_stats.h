// Counters of the API: calls by method and gRPC code with a latency
// histogram each, and policy denials by operation class. Recording is a
// few relaxed atomic adds into a table built once (no lock, no
// allocation), so the map data path's calls never wait for a scrape.
#ifndef BPFWARDEN_DAEMON_METRICS_API_STATS_H_
#define BPFWARDEN_DAEMON_METRICS_API_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "daemon/metrics/text_format.h"

namespace bpfwarden::metrics {

// What a denied caller asked for.
enum class DenialClass { kRead, kWrite, kAdmin, kUnauthenticated };

class ApiStats {
 public:
  // Histogram bucket bounds, seconds (+Inf is implied).
  static constexpr std::array<double, 14> kBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};
  static constexpr int kCodes = 17;  // grpc::StatusCode 0..16

  // `methods`: full gRPC method names ("/bpfwarden.v1.Maps/Lookup"); any
  // other method is counted as "other".
  explicit ApiStats(const std::vector<std::string>& methods);
  ApiStats(const ApiStats&) = delete;
  ApiStats& operator=(const ApiStats&) = delete;

  // `code`: a grpc::StatusCode (out of range: UNKNOWN).
  void RecordCall(absl::string_view full_method, int code,
                  absl::Duration latency);
  void RecordDenial(DenialClass denial);

  // bpfwarden_api_calls_total, bpfwarden_api_call_duration_seconds,
  // bpfwarden_api_denials_total.
  void Write(TextWriter& out) const;

  // "Maps.Lookup" for "/bpfwarden.v1.Maps/Lookup": the service's last name
  // component and the method.
  static std::string ShortName(absl::string_view full_method);

 private:
  struct Cell {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> nanos{0};
    std::array<std::atomic<uint64_t>, kBounds.size()> buckets{};
  };
  struct Method {
    std::string name;  // short
    std::array<Cell, kCodes> codes;
  };

  std::vector<std::unique_ptr<Method>> methods_;  // the last is "other"
  absl::flat_hash_map<std::string, Method*> by_full_name_;
  std::array<std::atomic<uint64_t>, 4> denials_{};
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_API_STATS_H_
