#include "tests/metrics/flows.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

struct FlowKey {
  uint32_t flow;
  uint16_t port;
  uint16_t pad;
};
struct FlowValue {
  uint64_t bytes;
  uint64_t packets;
  char name[8];
};

}  // namespace

std::string FlowsConfig(const std::string& value, uint32_t max_series) {
  return absl::StrCat("program_sets { name: \"flows\" objects: \"",
                      Runfile("tests/metrics/flows_map.bpf.o"),
                      "\" pin_all_maps: true }\n"
                      "metrics {\n"
                      "  program_set: \"flows\" map: \"flows\"\n"
                      "  name: \"flows_bytes_total\" type: COUNTER\n"
                      "  value: \"",
                      value,
                      "\"\n"
                      "  labels: [\"flow\", \"port\"]\n"
                      "  max_series: ",
                      max_series, "\n}\n");
}

absl::Status FillFlows(int map_fd, uint32_t entries) {
  constexpr uint32_t kChunk = 65536;
  std::vector<FlowKey> keys(kChunk);
  std::vector<FlowValue> values(kChunk);
  for (uint32_t first = 0; first < entries; first += kChunk) {
    uint32_t n = std::min(kChunk, entries - first);
    for (uint32_t i = 0; i < n; ++i) {
      keys[i] = {first + i, static_cast<uint16_t>((first + i) % 50000), 0};
      values[i] = {first + i, 1, "flow"};
    }
    if (bpf_map_update_batch(map_fd, keys.data(), values.data(), &n, nullptr) !=
        0) {
      return absl::InternalError(
          absl::StrCat("update batch at ", first, ": errno ", errno));
    }
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::testing
