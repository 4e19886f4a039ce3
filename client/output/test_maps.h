// Fixed maps for the printers' golden tests: BTF built in memory (a nested
// struct, an array, a char array, an address, an enum, a per-CPU value and
// a .data section of globals), its layouts and entries made by the real
// codec.
#ifndef BPFWARDEN_CLIENT_OUTPUT_TEST_MAPS_H_
#define BPFWARDEN_CLIENT_OUTPUT_TEST_MAPS_H_

#include <string>
#include <utility>
#include <vector>

#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::cli::output::testing {

struct TestMap {
  v1::MapInfo info;
  // Each entry's key and value as the API's JSON text.
  std::vector<std::pair<std::string, std::string>> entries;
};

// struct conn_key {family, direction (enum), port, addr[16] (address),
// owner {id, kind}} -> struct conn_value {packets, bytes, hist[4],
// comm[8], delta}: three entries, one with large counters.
TestMap ConnectionMap();

// __u32 -> struct hits {hits, misses}, per-CPU over 2 CPUs: two entries.
TestMap PerCpuMap();

// A .data section: level (__u32), total (__u64), name (char[8]).
TestMap GlobalsMap();

}  // namespace bpfwarden::cli::output::testing

#endif  // BPFWARDEN_CLIENT_OUTPUT_TEST_MAPS_H_
