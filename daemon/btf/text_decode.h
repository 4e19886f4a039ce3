// JSON text into a value's bytes without a DOM (TypeCodec::DecodeText and
// DecodePerCpuText use it): simdjson's DOM parser, one per thread and
// reused, feeds the text decoder's frames (text_decoder.h). Whatever
// simdjson reads differently from nlohmann (any parse error, "-0", integers
// past 64 bits, nesting past its depth) is decoded again by nlohmann's SAX
// parser, so the result is exactly ParseJson then Decode's, malformed-text
// messages included. Chosen by measurement over the SAX parser alone
// (bench/map_bench.cc, BM_Decode*Text_*).
#ifndef BPFWARDEN_DAEMON_BTF_TEXT_DECODE_H_
#define BPFWARDEN_DAEMON_BTF_TEXT_DECODE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/btf/codec.h"

namespace bpfwarden {
namespace btf_internal {

// Decodes into `out` (zeroed): codec.size() bytes, or with num_cpus > 0
// the per-CPU forms into PerCpuBytes(codec.size(), num_cpus) bytes.
absl::Status DecodeTextInto(const TypeCodec& codec, int num_cpus,
                            const DecodeOptions& options,
                            absl::string_view text, absl::Span<uint8_t> out);

}  // namespace btf_internal

// The nlohmann SAX path alone (the fallback), for the benchmark's record.
absl::StatusOr<std::vector<uint8_t>> DecodeTextSax(
    const TypeCodec& codec, absl::string_view text,
    const DecodeOptions& options = {});

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_TEXT_DECODE_H_
