// The text decoder: scalar events, a repeated key's field zeroed, and each
// frame's outcome when its value ends, in the order the DOM walk
// (codec_decode.cc) finds errors.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/codec_section.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/per_cpu.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/text_decoder.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {

using Kind = JsonScalar::Kind;

void TextDecoder::ZeroField(const Frame& f, int i) {
  switch (f.kind) {
    case FrameKind::kObject: {
      const ObjectField& field = f.plan->fields[i];
      if (field.slot.bit_size > 0) {
        WriteBits(absl::MakeSpan(f.out, f.size), field.slot.bit_offset,
                  field.slot.bit_size, 0);
      } else {
        std::memset(f.out + field.byte_offset, 0, field.size);
      }
      break;
    }
    case FrameKind::kSection: {
      const auto& var = f.codec->section_->at(i);
      std::memset(f.out + var.offset, 0, var.codec.size());
      break;
    }
    case FrameKind::kPerCpuObject:
      std::memset(out_.data(), 0, codec_.size());
      break;
    default:
      break;
  }
}

absl::Status TextDecoder::Finish(Frame& f) {
  switch (f.kind) {
    case FrameKind::kObject:
      if (!f.first.ok()) return f.first;
      return FinishGroup(f, 0, f.type_id);
    case FrameKind::kArray:
      if (f.count != f.limit) {
        return FieldError(
            PathOf(depth_),
            absl::StrCat("expected ", f.limit, " elements for ",
                         TypeName(f.codec->types_->get(), f.type_id),
                         ", got ", f.count));
      }
      return f.first;
    case FrameKind::kSection: {
      if (!f.first.ok()) return f.first;
      for (size_t i = 0; i < f.fields.size(); ++i) {
        if (!f.fields[i].given) {
          if (options_.zero_fill) continue;
          return FieldError(
              Field(PathOf(depth_), f.codec->section_->at(i).name),
              "missing field");
        }
        if (!f.fields[i].error.ok()) return f.fields[i].error;
      }
      return absl::OkStatus();
    }
    case FrameKind::kPerCpuArray:
      if (f.count != f.limit) {
        return PerCpuFormError(absl::StrCat("an array of ", f.count));
      }
      return f.first;
    case FrameKind::kPerCpuObject: {
      if (f.other_key || !f.fields[0].given) return PerCpuFormError("object");
      if (!f.fields[0].error.ok()) return f.fields[0].error;
      const size_t stride = PerCpuStride(codec_.size());
      for (int cpu = 1; cpu < num_cpus_; ++cpu) {
        std::memcpy(out_.data() + cpu * stride, out_.data(), codec_.size());
      }
      return absl::OkStatus();
    }
    case FrameKind::kSkip:
      break;
  }
  return f.first;
}

absl::Status TextDecoder::FinishGroup(const Frame& f, int g,
                                      uint32_t type_id) {
  const ObjectGroup& group = f.plan->groups[g];
  const struct btf* b = f.codec->types_->get();
  auto given = [&](const ObjectGroup::Member& m) {
    for (int k = m.first_field; k < m.end_field; ++k) {
      if (f.fields[k].given) return true;
    }
    return false;
  };
  auto member_status = [&](const ObjectGroup::Member& m) {
    if (m.group >= 0) {
      return FinishGroup(f, m.group, f.plan->groups[m.group].type_id);
    }
    return f.fields[m.field].error;
  };
  if (group.is_union) {
    std::vector<absl::string_view> all, chosen;
    const ObjectGroup::Member* choice = nullptr;
    for (const ObjectGroup::Member& m : group.members) {
      all.push_back(m.union_name);
      if (given(m)) {
        chosen.push_back(m.union_name);
        choice = &m;
      }
    }
    if (chosen.size() > 1) {
      return FieldError(PathOf(depth_),
                        absl::StrCat(TypeName(b, type_id),
                                     " takes exactly one member, got ",
                                     absl::StrJoin(chosen, ", ")));
    }
    if (choice == nullptr) {
      if (options_.zero_fill) return absl::OkStatus();
      return FieldError(PathOf(depth_),
                        absl::StrCat("missing field: ", TypeName(b, type_id),
                                     " needs exactly one of ",
                                     absl::StrJoin(all, ", ")));
    }
    return member_status(*choice);
  }
  for (const ObjectGroup::Member& m : group.members) {
    if (!given(m)) {
      if (options_.zero_fill) continue;
      if (m.group >= 0) {
        // Report the first missing field inside it.
        absl::Status s = member_status(m);
        if (!s.ok()) return s;
        continue;
      }
      return FieldError(Field(PathOf(depth_), f.plan->fields[m.field].name),
                        "missing field");
    }
    absl::Status s = member_status(m);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

bool TextDecoder::null() { return OnScalar(JsonScalar{}); }

bool TextDecoder::boolean(bool value) {
  JsonScalar v;
  v.kind = Kind::kBool;
  v.boolean = value;
  return OnScalar(v);
}

bool TextDecoder::number_integer(int64_t value) {
  JsonScalar v;
  v.kind = Kind::kInt;
  v.int_value = value;
  return OnScalar(v);
}

bool TextDecoder::number_unsigned(uint64_t value) {
  JsonScalar v;
  v.kind = Kind::kUint;
  v.uint_value = value;
  return OnScalar(v);
}

bool TextDecoder::number_float(double value, const std::string&) {
  JsonScalar v;
  v.kind = Kind::kFloat;
  v.float_value = value;
  return OnScalar(v);
}

bool TextDecoder::string(std::string& value) { return OnString(value); }

bool TextDecoder::OnString(absl::string_view value) {
  JsonScalar v;
  v.kind = Kind::kString;
  v.text = value;
  return OnScalar(v);
}

bool TextDecoder::binary(Json::binary_t&) { return OnScalar(JsonScalar{}); }

bool TextDecoder::start_object(std::size_t) { return OnStart(Kind::kObject); }
bool TextDecoder::start_array(std::size_t) { return OnStart(Kind::kArray); }
bool TextDecoder::end_object() { return OnEnd(); }
bool TextDecoder::end_array() { return OnEnd(); }

}  // namespace bpfwarden::btf_internal
