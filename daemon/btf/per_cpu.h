// Per-CPU map values: one value per possible CPU.
#ifndef BPFWARDEN_DAEMON_BTF_PER_CPU_H_
#define BPFWARDEN_DAEMON_BTF_PER_CPU_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/json.h"

namespace bpfwarden {

// The kernel lays a per-CPU value out as `num_cpus` slots of
// round_up(value_size, 8) bytes each (libbpf_num_possible_cpus() slots).
size_t PerCpuStride(size_t value_size);
size_t PerCpuBytes(size_t value_size, int num_cpus);

// The key of the replicate form, {"all_cpus": <value>}.
inline constexpr char kAllCpusKey[] = "all_cpus";

// Encode: a JSON array with one encoded value per CPU, CPU 0 first.
absl::StatusOr<Json> EncodePerCpu(const TypeCodec& codec, int num_cpus,
                                  absl::Span<const uint8_t> bytes);

// Decode accepts exactly two forms:
//   [v0, v1, ...]        exactly `num_cpus` values, CPU 0 first;
//   {"all_cpus": v}      one value written to every CPU.
// Anything else is InvalidArgument naming the root and both forms; an
// element's error names it, e.g. "value[3].srtt_us: ...".
absl::StatusOr<std::vector<uint8_t>> DecodePerCpu(const TypeCodec& codec,
                                                  int num_cpus,
                                                  const Json& value,
                                                  const DecodeOptions& options);

// DecodePerCpu of JSON text without a DOM: the same bytes and errors as
// ParseJson(text, codec.root()) then DecodePerCpu.
absl::StatusOr<std::vector<uint8_t>> DecodePerCpuText(
    const TypeCodec& codec, int num_cpus, absl::string_view text,
    const DecodeOptions& options);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_PER_CPU_H_
