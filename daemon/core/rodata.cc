#include "daemon/core/rodata.h"

#include <bpf/btf.h>

#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace bpfwarden {
namespace {

struct Variable {
  std::string section;  // ".rodata", ".data", ...
  uint32_t offset = 0;
  uint32_t size = 0;
  uint32_t type_id = 0;
};

bool FindVariable(const btf* b, const std::string& name, Variable* out) {
  const int n = btf__type_cnt(b);
  for (int id = 1; id < n; ++id) {
    const btf_type* t = btf__type_by_id(b, id);
    if (!btf_is_datasec(t)) continue;
    const btf_var_secinfo* vs = btf_var_secinfos(t);
    for (int i = 0; i < btf_vlen(t); ++i) {
      const btf_type* var = btf__type_by_id(b, vs[i].type);
      if (name != btf__name_by_offset(b, var->name_off)) continue;
      *out = {btf__name_by_offset(b, t->name_off), vs[i].offset, vs[i].size,
              var->type};
      return true;
    }
  }
  return false;
}

// Integer or enum of `size` bytes: signedness; false otherwise.
bool IntegerKind(const btf* b, uint32_t type_id, bool* is_signed,
                 bool* is_bool) {
  const btf_type* t = btf__type_by_id(b, btf__resolve_type(b, type_id));
  if (t == nullptr) return false;
  if (btf_is_int(t)) {
    const uint8_t enc = btf_int_encoding(t);
    *is_signed = enc & BTF_INT_SIGNED;
    *is_bool = enc & BTF_INT_BOOL;
    return true;
  }
  if (btf_is_any_enum(t)) {
    *is_signed = btf_kflag(t);
    *is_bool = false;
    return true;
  }
  return false;
}

absl::Status Encode(const v1::GlobalValue& value, const Variable& var,
                    const btf* b, std::string* bytes) {
  const std::string& name = value.name();
  if (value.value_case() == v1::GlobalValue::kRaw) {
    if (value.raw().size() != var.size) {
      return absl::InvalidArgumentError(absl::StrCat("global ", name, " is ",
                                                     var.size, " bytes, got ",
                                                     value.raw().size()));
    }
    *bytes = value.raw();
    return absl::OkStatus();
  }
  bool is_signed = false, is_bool = false;
  if (!IntegerKind(b, var.type_id, &is_signed, &is_bool) || var.size > 8 ||
      var.size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("global ", name, " is not an integer, enum or bool (",
                     var.size, " bytes): give its value as raw bytes"));
  }
  const int bits = var.size * 8;
  uint64_t raw = 0;
  switch (value.value_case()) {
    case v1::GlobalValue::kBoolValue:
      raw = value.bool_value() ? 1 : 0;
      break;
    case v1::GlobalValue::kIntValue: {
      const int64_t v = value.int_value();
      const int64_t lo = is_signed
                             ? (bits == 64 ? std::numeric_limits<int64_t>::min()
                                           : -(int64_t{1} << (bits - 1)))
                             : 0;
      const bool fits =
          v >= lo &&
          (bits == 64 ||
           v <= (is_signed ? (int64_t{1} << (bits - 1)) - 1
                           : static_cast<int64_t>((uint64_t{1} << bits) - 1)));
      if (!fits) {
        return absl::InvalidArgumentError(
            absl::StrCat("value ", v, " does not fit global ", name, " (",
                         is_signed ? "signed " : "unsigned ", bits, "-bit)"));
      }
      raw = static_cast<uint64_t>(v);
      break;
    }
    case v1::GlobalValue::kUintValue: {
      const uint64_t v = value.uint_value();
      const uint64_t max =
          is_signed ? (uint64_t{1} << (bits - 1)) - 1
                    : (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
      if (v > max) {
        return absl::InvalidArgumentError(
            absl::StrCat("value ", v, " does not fit global ", name, " (",
                         is_signed ? "signed " : "unsigned ", bits, "-bit)"));
      }
      raw = v;
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("global ", name, ": no value given"));
  }
  bytes->assign(reinterpret_cast<const char*>(&raw),
                var.size);  // little-endian
  return absl::OkStatus();
}

}  // namespace

absl::Status SetRodataGlobal(bpf_object* obj, const v1::GlobalValue& value) {
  const btf* b = bpf_object__btf(obj);
  Variable var;
  if (b == nullptr || !FindVariable(b, value.name(), &var)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the object has no global variable named \"", value.name(), "\""));
  }
  if (var.section != ".rodata") {
    return absl::InvalidArgumentError(absl::StrCat(
        "global ", value.name(), " is in ", var.section,
        ", not .rodata: only read-only globals (const volatile) can be set"));
  }
  std::string bytes;
  absl::Status s = Encode(value, var, b, &bytes);
  if (!s.ok()) return s;
  bpf_map* rodata = bpf_object__find_map_by_name(obj, ".rodata");
  size_t size = 0;
  const void* initial =
      rodata ? bpf_map__initial_value(rodata, &size) : nullptr;
  if (initial == nullptr) {
    return absl::InternalError("the object's .rodata map is missing");
  }
  // 64-bit and checked piecewise: offset + size in 32 bits could wrap.
  if (var.offset > size || uint64_t{var.size} > size - var.offset ||
      bytes.size() != var.size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "global ", value.name(), " (", var.size, " bytes at offset ",
        var.offset, ") lies outside the object's .rodata of ", size, " bytes"));
  }
  std::string data(static_cast<const char*>(initial), size);
  std::memcpy(data.data() + var.offset, bytes.data(), bytes.size());
  if (int err = bpf_map__set_initial_value(rodata, data.data(), data.size());
      err != 0) {
    return absl::InternalError(absl::StrCat("set .rodata: error ", err));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
