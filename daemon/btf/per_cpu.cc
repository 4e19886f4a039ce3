#include "daemon/btf/per_cpu.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/text_decode.h"

namespace bpfwarden {

size_t PerCpuStride(size_t value_size) { return (value_size + 7) / 8 * 8; }

size_t PerCpuBytes(size_t value_size, int num_cpus) {
  return PerCpuStride(value_size) * static_cast<size_t>(num_cpus);
}

absl::StatusOr<Json> EncodePerCpu(const TypeCodec& codec, int num_cpus,
                                  absl::Span<const uint8_t> bytes) {
  const size_t stride = PerCpuStride(codec.size());
  if (bytes.size() != stride * num_cpus) {
    return absl::InvalidArgumentError(
        absl::StrCat(codec.root(), ": expected ", stride * num_cpus, " bytes (",
                     num_cpus, " CPUs x ", stride, "), got ", bytes.size()));
  }
  Json out = Json::array();
  for (int cpu = 0; cpu < num_cpus; ++cpu) {
    absl::StatusOr<Json> one =
        codec.Encode(bytes.subspan(cpu * stride, codec.size()));
    if (!one.ok()) return one.status();
    out.push_back(*std::move(one));
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> DecodePerCpu(
    const TypeCodec& codec, int num_cpus, const Json& value,
    const DecodeOptions& options) {
  const size_t stride = PerCpuStride(codec.size());
  std::vector<uint8_t> out(stride * num_cpus, 0);
  auto put = [&](int cpu, const std::vector<uint8_t>& bytes) {
    std::memcpy(out.data() + cpu * stride, bytes.data(), bytes.size());
  };
  if (value.is_object() && value.size() == 1 && value.contains(kAllCpusKey)) {
    absl::StatusOr<std::vector<uint8_t>> one =
        codec.Decode(value.at(kAllCpusKey), options);
    if (!one.ok()) return one.status();
    for (int cpu = 0; cpu < num_cpus; ++cpu) put(cpu, *one);
    return out;
  }
  if (!value.is_array() || value.size() != static_cast<size_t>(num_cpus)) {
    return absl::InvalidArgumentError(absl::StrCat(
        codec.root(), ": a per-CPU value is an array of exactly ", num_cpus,
        " values (one per possible CPU) or {\"", kAllCpusKey,
        "\": value}; got ",
        value.is_array() ? absl::StrCat("an array of ", value.size())
                         : btf_internal::JsonTypeName(value)));
  }
  for (int cpu = 0; cpu < num_cpus; ++cpu) {
    absl::StatusOr<std::vector<uint8_t>> one =
        codec.Decode(value[cpu], options);
    if (!one.ok()) {
      // Name the CPU: "value.x" becomes "value[3].x".
      std::string message(one.status().message());
      message.insert(codec.root().size(), absl::StrCat("[", cpu, "]"));
      return absl::InvalidArgumentError(message);
    }
    put(cpu, *one);
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> DecodePerCpuText(
    const TypeCodec& codec, int num_cpus, absl::string_view text,
    const DecodeOptions& options) {
  std::vector<uint8_t> out(PerCpuBytes(codec.size(), num_cpus), 0);
  absl::Status s = btf_internal::DecodeTextInto(codec, num_cpus, options,
                                                text, absl::MakeSpan(out));
  if (!s.ok()) return s;
  return out;
}

}  // namespace bpfwarden
