// Every decode a test makes, by both decoders: the DOM walk
// (TypeCodec::Decode, DecodePerCpu) and the text decoder (DecodeText,
// DecodePerCpuText) of the same JSON as text. They must agree exactly: the
// same bytes, or the same status code and message. Returns the DOM's result.
#ifndef BPFWARDEN_DAEMON_BTF_DECODE_BOTH_H_
#define BPFWARDEN_DAEMON_BTF_DECODE_BOTH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/json.h"
#include "daemon/btf/per_cpu.h"
#include "gtest/gtest.h"

namespace bpfwarden::btf_testing {

using DecodeResult = absl::StatusOr<std::vector<uint8_t>>;

inline void ExpectSameDecode(const DecodeResult& dom, const DecodeResult& text,
                             absl::string_view input) {
  EXPECT_EQ(dom.ok(), text.ok())
      << "input " << input << "\n  DOM:  "
      << (dom.ok() ? "ok" : dom.status().ToString()) << "\n  text: "
      << (text.ok() ? "ok" : text.status().ToString());
  if (dom.ok() && text.ok()) {
    EXPECT_EQ(*dom, *text) << "input " << input;
  } else if (!dom.ok() && !text.ok()) {
    EXPECT_EQ(dom.status(), text.status()) << "input " << input;
  }
}

// JSON text as a request brings it: ParseJson(text, root) then Decode,
// against DecodeText(text).
inline DecodeResult DecodeTextBoth(const TypeCodec& codec,
                                   absl::string_view text,
                                   const DecodeOptions& options = {}) {
  absl::StatusOr<Json> parsed = ParseJson(text, codec.root());
  DecodeResult dom =
      parsed.ok() ? codec.Decode(*parsed, options) : parsed.status();
  ExpectSameDecode(dom, codec.DecodeText(text, options), text);
  return dom;
}

inline DecodeResult DecodeBoth(const TypeCodec& codec, const Json& value,
                               const DecodeOptions& options = {}) {
  const std::string text = DumpJson(value);
  DecodeResult dom = codec.Decode(value, options);
  ExpectSameDecode(dom, codec.DecodeText(text, options), text);
  return dom;
}

inline DecodeResult DecodePerCpuTextBoth(const TypeCodec& codec, int num_cpus,
                                         absl::string_view text,
                                         const DecodeOptions& options = {}) {
  absl::StatusOr<Json> parsed = ParseJson(text, codec.root());
  DecodeResult dom = parsed.ok()
                         ? DecodePerCpu(codec, num_cpus, *parsed, options)
                         : parsed.status();
  ExpectSameDecode(dom, DecodePerCpuText(codec, num_cpus, text, options),
                   text);
  return dom;
}

inline DecodeResult DecodePerCpuBoth(const TypeCodec& codec, int num_cpus,
                                     const Json& value,
                                     const DecodeOptions& options) {
  const std::string text = DumpJson(value);
  DecodeResult dom = DecodePerCpu(codec, num_cpus, value, options);
  ExpectSameDecode(dom, DecodePerCpuText(codec, num_cpus, text, options),
                   text);
  return dom;
}

}  // namespace bpfwarden::btf_testing

#endif  // BPFWARDEN_DAEMON_BTF_DECODE_BOTH_H_
