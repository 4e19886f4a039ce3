#include "client/output/cell_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace bpfwarden::cli::output {

std::string GroupDigits(const std::string& digits) {
  size_t start = (!digits.empty() && digits[0] == '-') ? 1 : 0;
  std::string out = digits.substr(0, start);
  const size_t n = digits.size() - start;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[start + i]);
  }
  return out;
}

std::string CellText(const Json* value, const EntryField& field, bool human) {
  if (value == nullptr || value->is_null()) return "";
  if (value->is_string()) {
    absl::string_view text = value->get_ref<const std::string&>();
    if (human && !field.enum_prefix.empty()) {
      absl::ConsumePrefix(&text, field.enum_prefix);
    }
    return std::string(text);
  }
  if (value->is_number_integer()) {
    std::string digits = value->is_number_unsigned()
                             ? absl::StrCat(value->get<uint64_t>())
                             : absl::StrCat(value->get<int64_t>());
    return human && field.counter ? GroupDigits(digits) : digits;
  }
  return DumpJson(*value);
}

bool AlignsRight(const EntryField& field) {
  return field.type == FieldType::kInteger || field.type == FieldType::kFloat;
}

}  // namespace bpfwarden::cli::output
