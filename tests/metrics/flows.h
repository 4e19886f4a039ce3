// The "flows" test map (big_map.bpf.c, a hash map of up to a million
// entries) as a map metric's source: its configuration and its filling.
#ifndef BPFWARDEN_TESTS_METRICS_FLOWS_H_
#define BPFWARDEN_TESTS_METRICS_FLOWS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace bpfwarden::testing {

// Set "flows" (pinned maps) with metric flows_bytes_total of field `value`,
// labels flow and port, at most `max_series` series.
std::string FlowsConfig(const std::string& value, uint32_t max_series);

// Flows 0..entries-1: flow i has port i % 50000 and bytes i.
absl::Status FillFlows(int map_fd, uint32_t entries);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_METRICS_FLOWS_H_
