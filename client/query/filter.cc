#include "client/query/filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bpfwarden::cli {
namespace {

struct Split {
  std::string name;
  FilterOp op;
  std::string value;
};

absl::StatusOr<Split> SplitSpec(const std::string& spec) {
  const size_t at = spec.find_first_of("!<>=");
  if (at == std::string::npos || at == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--filter '", spec, "': want FIELD=VALUE (or != < <= > >=)"));
  }
  static const std::pair<const char*, FilterOp> kOps[] = {
      {"!=", FilterOp::kNe}, {"<=", FilterOp::kLe}, {">=", FilterOp::kGe},
      {"==", FilterOp::kEq}, {"=", FilterOp::kEq},  {"<", FilterOp::kLt},
      {">", FilterOp::kGt}};
  for (const auto& [text, op] : kOps) {
    if (spec.compare(at, strlen(text), text) == 0) {
      return Split{std::string(absl::StripAsciiWhitespace(spec.substr(0, at))),
                   op,
                   std::string(absl::StripAsciiWhitespace(
                       spec.substr(at + strlen(text))))};
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--filter '", spec, "': unknown operator"));
}

const char* KindName(output::FieldType type) {
  switch (type) {
    case output::FieldType::kInteger: return "an integer";
    case output::FieldType::kFloat: return "a number";
    case output::FieldType::kBool: return "a bool";
    case output::FieldType::kEnum: return "an enum";
    case output::FieldType::kAddress: return "an address";
    case output::FieldType::kText: return "text";
    case output::FieldType::kArray: return "an array";
    case output::FieldType::kUnknown: break;
  }
  return "raw bytes (no BTF)";
}

bool Ordered(FilterOp op) { return op != FilterOp::kEq && op != FilterOp::kNe; }

bool Holds(FilterOp op, int cmp) {
  switch (op) {
    case FilterOp::kEq: return cmp == 0;
    case FilterOp::kNe: return cmp != 0;
    case FilterOp::kLt: return cmp < 0;
    case FilterOp::kLe: return cmp <= 0;
    case FilterOp::kGt: return cmp > 0;
    case FilterOp::kGe: return cmp >= 0;
  }
  return false;
}

}  // namespace

absl::StatusOr<Filter> Filter::Parse(const std::string& spec,
                                     const FieldSet& fields) {
  absl::StatusOr<Split> split = SplitSpec(spec);
  if (!split.ok()) return split.status();
  absl::StatusOr<Field> field = fields.Resolve(split->name);
  if (!field.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--filter '", spec, "': ", field.status().message()));
  }
  Filter f;
  f.field_ = *std::move(field);
  f.per_cpu_ = fields.per_cpu();
  f.op_ = split->op;
  const output::FieldType kind = f.field_.column.type;
  const std::string& text = split->value;
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--filter '", spec, "': ", f.field_.column.name, " is ",
                     KindName(kind), ": ", why));
  };
  using output::FieldType;
  if (kind == FieldType::kInteger || kind == FieldType::kFloat) {
    std::optional<Json> n = ParseNumber(text);
    if (!n) return bad(absl::StrCat("'", text, "' is not a number"));
    f.value_ = *n;
  } else if (kind == FieldType::kBool) {
    if (text != "true" && text != "false") return bad("want true or false");
    f.value_ = text == "true";
  } else if (kind == FieldType::kEnum) {
    const auto& names = f.field_.enumerators;
    std::optional<Json> n = ParseNumber(text);
    if (std::find(names.begin(), names.end(), text) == names.end() && !n) {
      return bad(absl::StrCat("'", text, "' is not one of ",
                              absl::StrJoin(names, ", ")));
    }
    if (Ordered(f.op_)) return bad("enums take = and != only");
    f.value_ = n ? *n : Json(text);
  } else if (kind == FieldType::kAddress) {
    std::optional<AddrPrefix> prefix = ParseAddr(text, !Ordered(f.op_));
    if (!prefix) {
      return bad(absl::StrCat("'", text, "' is not an address",
                              Ordered(f.op_) ? "" : " or prefix (a.b.c.d/n)"));
    }
    f.address_ = true;
    f.prefix_ = *prefix;
  } else if (kind == FieldType::kText) {
    f.value_ = text;
  } else {
    return bad("it cannot be compared with a value");
  }
  return f;
}

bool Filter::Matches(const Json& entry) const {
  Json v = FieldValue(entry, field_.column, per_cpu_);
  if (!address_) return Holds(op_, CompareValues(v, value_, false));
  if (!v.is_string()) return op_ == FilterOp::kNe;
  std::optional<AddrPrefix> addr =
      ParseAddr(v.get_ref<const std::string&>(), false);
  if (!addr) return op_ == FilterOp::kNe;
  if (!Ordered(op_)) {
    return InPrefix(prefix_, addr->bytes) == (op_ == FilterOp::kEq);
  }
  return Holds(op_, addr->bytes < prefix_.bytes
                        ? -1
                        : (addr->bytes == prefix_.bytes ? 0 : 1));
}

}  // namespace bpfwarden::cli
