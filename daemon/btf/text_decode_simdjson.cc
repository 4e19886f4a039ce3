#include "daemon/btf/text_decode.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "daemon/btf/text_decoder.h"
// Error codes only: nothing here throws.
#define SIMDJSON_EXCEPTIONS 0
#include "simdjson.h"

namespace bpfwarden {
namespace {

using btf_internal::TextDecoder;
namespace dom = simdjson::dom;

// Feeds `e` to the decoder; false where nlohmann would read it otherwise.
bool Feed(TextDecoder& d, dom::element e) {
  static const std::string kNoText;
  switch (e.type()) {
    case dom::element_type::OBJECT: {
      dom::object object;
      if (e.get_object().get(object)) return false;
      d.start_object(0);
      for (dom::key_value_pair field : object) {
        d.OnKey(absl::string_view(field.key.data(), field.key.size()));
        if (!Feed(d, field.value)) return false;
      }
      return d.end_object();
    }
    case dom::element_type::ARRAY: {
      dom::array array;
      if (e.get_array().get(array)) return false;
      d.start_array(0);
      for (dom::element v : array) {
        if (!Feed(d, v)) return false;
      }
      return d.end_array();
    }
    case dom::element_type::INT64: {
      int64_t v;
      if (e.get_int64().get(v)) return false;
      return d.number_integer(v);
    }
    case dom::element_type::UINT64: {
      uint64_t v;
      if (e.get_uint64().get(v)) return false;
      return d.number_unsigned(v);
    }
    case dom::element_type::DOUBLE: {
      double v;
      if (e.get_double().get(v)) return false;
      if (v == 0 && std::signbit(v)) return false;  // "-0" is nlohmann's 0
      return d.number_float(v, kNoText);
    }
    case dom::element_type::STRING: {
      std::string_view v;
      if (e.get_string().get(v)) return false;
      return d.OnString(absl::string_view(v.data(), v.size()));
    }
    case dom::element_type::BOOL: {
      bool v;
      if (e.get_bool().get(v)) return false;
      return d.boolean(v);
    }
    case dom::element_type::NULL_VALUE:
      return d.null();
  }
  return false;
}

// Texts up to this size reuse the thread's parser and buffer; larger ones
// (rare: big per-CPU or section values) get their own, so that no thread
// keeps the memory of its largest request.
constexpr size_t kReusedBytes = 64 << 10;

// The text, copied into a per-thread buffer with simdjson's padding: no
// allocation per call.
const char* Padded(absl::string_view text) {
  constexpr size_t kCapacity = kReusedBytes + simdjson::SIMDJSON_PADDING;
  thread_local std::unique_ptr<char[]> buffer(new char[kCapacity]);
  std::memcpy(buffer.get(), text.data(), text.size());
  std::memset(buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  return buffer.get();
}

}  // namespace

namespace btf_internal {

absl::Status DecodeTextInto(const TypeCodec& codec, int num_cpus,
                            const DecodeOptions& options,
                            absl::string_view text, absl::Span<uint8_t> out) {
  return TextDecoder::RunFed(
      codec, num_cpus, options, text, out, [&](TextDecoder& d) {
        dom::element root;
        if (text.size() > kReusedBytes) {
          dom::parser own;
          const simdjson::padded_string padded(text.data(), text.size());
          return !own.parse(padded).get(root) && Feed(d, root);
        }
        thread_local dom::parser parser;
        if (parser.parse(Padded(text), text.size(), false).get(root)) {
          return false;
        }
        return Feed(d, root);
      });
}

}  // namespace btf_internal

absl::StatusOr<std::vector<uint8_t>> DecodeTextSax(
    const TypeCodec& codec, absl::string_view text,
    const DecodeOptions& options) {
  std::vector<uint8_t> out(codec.size(), 0);
  absl::Status s =
      TextDecoder::Run(codec, 0, options, text, absl::MakeSpan(out));
  if (!s.ok()) return s;
  return out;
}

}  // namespace bpfwarden
