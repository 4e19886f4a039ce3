#include "daemon/metrics/field_path.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bpfwarden::metrics {
namespace {

using Step = std::variant<std::string, uint32_t>;

absl::StatusOr<std::vector<Step>> ParsePath(absl::string_view path) {
  std::vector<Step> steps;
  size_t i = 0;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("field path \"", path, "\": ", why));
  };
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      uint32_t index = 0;
      if (close == absl::string_view::npos ||
          !absl::SimpleAtoi(path.substr(i + 1, close - i - 1), &index)) {
        return bad("an index must be [N]");
      }
      steps.emplace_back(index);
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    if (end == i) return bad("empty member name");
    steps.emplace_back(std::string(path.substr(i, end - i)));
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) return bad("ends with '.'");
    }
  }
  if (steps.empty()) return bad("empty");
  return steps;
}

// The member `name` of struct/union `parent`, looking into anonymous
// members as C does; `base_bits` is updated to the member's parent start.
const TypeLayout* FindMember(const TypeLayout& parent, const std::string& name,
                             uint64_t& base_bits) {
  for (const TypeLayout& f : parent.fields) {
    if (f.name == name) return &f;
  }
  for (const TypeLayout& f : parent.fields) {
    if (!f.name.empty() ||
        (f.kind != FieldKind::kStruct && f.kind != FieldKind::kUnion)) {
      continue;
    }
    uint64_t inner = base_bits + uint64_t{f.offset} * 8;
    if (const TypeLayout* m = FindMember(f, name, inner)) {
      base_bits = inner;
      return m;
    }
  }
  return nullptr;
}

std::string MemberNames(const TypeLayout& parent) {
  std::vector<std::string> names;
  for (const TypeLayout& f : parent.fields) {
    names.push_back(f.name.empty() ? "(anonymous)" : f.name);
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<FieldRef> FindField(const TypeLayout& root,
                                   absl::string_view path) {
  absl::StatusOr<std::vector<Step>> steps = ParsePath(path);
  if (!steps.ok()) return steps.status();
  const TypeLayout* at = &root;
  uint64_t bits = 0;  // start of `at` from the root, in bits
  std::string walked = root.name;
  for (const Step& step : *steps) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      if (at->kind != FieldKind::kStruct && at->kind != FieldKind::kUnion) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field path \"", path, "\": ", walked, " is ", at->type_name,
            ", which has no member \"", *name, "\""));
      }
      uint64_t base = bits;
      const TypeLayout* member = FindMember(*at, *name, base);
      if (member == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field path \"", path, "\": ", walked, " (", at->type_name,
            ") has no member \"", *name, "\"; its members: ",
            MemberNames(*at)));
      }
      bits = member->bit_size > 0 ? base + member->bit_offset
                                  : base + uint64_t{member->offset} * 8;
      at = member;
      absl::StrAppend(&walked, ".", *name);
    } else {
      const uint32_t index = std::get<uint32_t>(step);
      if (at->kind != FieldKind::kArray || at->fields.size() != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("field path \"", path, "\": ", walked, " is ",
                         at->type_name, ", not an array"));
      }
      if (index >= at->array_length) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field path \"", path, "\": index ", index, " is past the end of ",
            walked, " (", at->array_length, " elements)"));
      }
      const TypeLayout& element = at->fields[0];
      bits += uint64_t{index} * element.size * 8;
      at = &element;
      absl::StrAppend(&walked, "[", index, "]");
    }
  }
  FieldRef ref;
  ref.path = std::string(path);
  ref.steps = *std::move(steps);
  ref.kind = at->kind;
  ref.size = at->size;
  ref.is_signed = at->is_signed;
  ref.bit_size = at->bit_size;
  ref.bit_offset = at->bit_size > 0 ? static_cast<uint32_t>(bits) : 0;
  ref.offset = static_cast<uint32_t>(bits / 8);
  return ref;
}

bool IsNumeric(const FieldRef& field) {
  switch (field.kind) {
    case FieldKind::kInt:
    case FieldKind::kEnum:
    case FieldKind::kBool:
      return field.bit_size > 0 || field.size <= 8;
    case FieldKind::kFloat:
      return field.size == 4 || field.size == 8;
    default:
      return false;
  }
}

bool IsScalar(const FieldRef& field) {
  return field.kind != FieldKind::kStruct && field.kind != FieldKind::kUnion &&
         field.kind != FieldKind::kArray;
}

uint64_t ReadBits(const FieldRef& field, const uint8_t* bytes) {
  if (field.bit_size > 0) {
    // Little-endian: the bits lie within the 9 bytes from the first one.
    const uint32_t first = field.bit_offset / 8;
    const uint32_t shift = field.bit_offset % 8;
    unsigned __int128 raw = 0;
    const uint32_t span = (shift + field.bit_size + 7) / 8;
    std::memcpy(&raw, bytes + first, span);
    raw >>= shift;
    const uint64_t mask =
        field.bit_size >= 64 ? ~uint64_t{0} : (uint64_t{1} << field.bit_size) - 1;
    return static_cast<uint64_t>(raw) & mask;
  }
  uint64_t raw = 0;
  std::memcpy(&raw, bytes + field.offset, field.size < 8 ? field.size : 8);
  return raw;
}

double ReadNumber(const FieldRef& field, const uint8_t* bytes) {
  if (field.kind == FieldKind::kFloat) {
    if (field.size == 4) {
      float f;
      std::memcpy(&f, bytes + field.offset, 4);
      return f;
    }
    double d;
    std::memcpy(&d, bytes + field.offset, 8);
    return d;
  }
  const uint64_t raw = ReadBits(field, bytes);
  const uint32_t width = field.bit_size > 0 ? field.bit_size : field.size * 8;
  if (field.is_signed && width < 64 && (raw >> (width - 1)) & 1) {
    return static_cast<double>(static_cast<int64_t>(raw | (~uint64_t{0} << width)));
  }
  if (field.is_signed) return static_cast<double>(static_cast<int64_t>(raw));
  return static_cast<double>(raw);
}

void CopyField(const FieldRef& field, const uint8_t* from, uint8_t* to) {
  if (field.bit_size == 0) {
    std::memcpy(to + field.offset, from + field.offset, field.size);
    return;
  }
  for (uint32_t b = field.bit_offset; b < field.bit_offset + field.bit_size;
       ++b) {
    const uint8_t bit = 1u << (b % 8);
    to[b / 8] = (to[b / 8] & ~bit) | (from[b / 8] & bit);
  }
}

std::string LabelText(const FieldRef& field, const Json& root) {
  const Json* at = &root;
  for (const auto& step : field.steps) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      auto it = at->find(*name);
      if (it == at->end()) return "";
      at = &*it;
    } else {
      const uint32_t index = std::get<uint32_t>(step);
      if (!at->is_array() || index >= at->size()) return "";
      at = &(*at)[index];
    }
  }
  if (at->is_string()) return at->get<std::string>();
  return at->dump();
}

}  // namespace bpfwarden::metrics
