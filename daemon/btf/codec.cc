#include "daemon/btf/codec.h"

#include "absl/strings/str_cat.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/decode_plan.h"
#include "daemon/btf/encode_plan.h"
#include "daemon/btf/text_decode.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden {

using btf_internal::DecodePlan;
using btf_internal::EncodePlan;
using btf_internal::TypeName;
using btf_internal::Walker;

absl::StatusOr<TypeCodec> TypeCodec::Create(
    std::shared_ptr<const BtfTypes> types, uint32_t type_id, std::string root) {
  if (types == nullptr) return absl::InvalidArgumentError("no BTF given");
  const struct btf* b = types->get();
  if (type_id == 0 || type_id >= btf__type_cnt(b)) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": BTF type id ", type_id, " does not exist"));
  }
  const btf_type* t = btf__type_by_id(b, btf_internal::Resolve(b, type_id));
  if (t != nullptr && btf_is_datasec(t)) {
    return CreateSection(std::move(types), type_id, std::move(root));
  }
  absl::Status valid = Walker(*types).Validate(type_id, root, false, 0);
  if (!valid.ok()) return valid;
  const int64_t size = btf__resolve_size(b, type_id);
  if (size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": cannot size ", TypeName(b, type_id)));
  }
  auto plan =
      std::make_shared<const EncodePlan>(EncodePlan::Compile(*types, type_id));
  auto decode_plan = std::make_shared<const DecodePlan>(
      DecodePlan::Compile(*types, type_id));
  return TypeCodec(std::move(types), type_id, static_cast<size_t>(size),
                   std::move(root), std::move(plan), std::move(decode_plan));
}

absl::Status TypeCodec::CheckSize(absl::Span<const uint8_t> bytes) const {
  if (bytes.size() == size_) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(root_, ": expected ", size_, " bytes for ",
                   TypeName(types_->get(), type_id_), ", got ", bytes.size()));
}

absl::StatusOr<Json> TypeCodec::Encode(absl::Span<const uint8_t> bytes) const {
  if (absl::Status s = CheckSize(bytes); !s.ok()) return s;
  if (section_ != nullptr) return EncodeSection(bytes);
  return Walker(*types_).Encode(type_id_, bytes, false);
}

absl::Status TypeCodec::EncodeText(absl::Span<const uint8_t> bytes,
                                   std::string& out) const {
  if (absl::Status s = CheckSize(bytes); !s.ok()) return s;
  EncodeTextUnchecked(bytes.data(), out);
  return absl::OkStatus();
}

void TypeCodec::EncodeTextUnchecked(const uint8_t* bytes,
                                    std::string& out) const {
  if (section_ != nullptr) {
    EncodeSectionText(bytes, out);
  } else {
    plan_->Encode(bytes, out);
  }
}

absl::StatusOr<std::vector<uint8_t>> TypeCodec::Decode(
    const Json& value, const DecodeOptions& options) const {
  std::vector<uint8_t> out(size_, 0);
  absl::Status s =
      section_ != nullptr
          ? DecodeSection(value, options, absl::MakeSpan(out))
          : Walker(*types_).Decode(type_id_, value, root_, absl::MakeSpan(out),
                                   false, options);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<uint8_t>> TypeCodec::DecodeText(
    absl::string_view text, const DecodeOptions& options) const {
  std::vector<uint8_t> out(size_, 0);
  absl::Status s =
      btf_internal::DecodeTextInto(*this, 0, options, text, absl::MakeSpan(out));
  if (!s.ok()) return s;
  return out;
}

}  // namespace bpfwarden
