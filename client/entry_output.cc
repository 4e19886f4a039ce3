#include "client/entry_output.h"

#include <cstdio>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace bpfwarden::cli {

std::string Render(const v1::Data& data) {
  if (data.form_case() == v1::Data::FORM_NOT_SET) return "null";
  if (data.has_raw()) {
    return absl::StrCat("\"", absl::BytesToHexString(data.raw()), "\"");
  }
  return data.json();
}

void PrintEntry(const v1::Entry& entry) {
  std::cout << "{\"key\":" << Render(entry.key())
            << ",\"value\":" << Render(entry.value()) << "}\n";
}

void PrintPackedPage(const v1::DumpResponse& page) {
  if (!page.json_lines().empty()) {
    std::fwrite(page.json_lines().data(), 1, page.json_lines().size(), stdout);
    return;
  }
  if (page.count() == 0) return;
  const size_t key_size = page.keys().size() / page.count();
  const size_t value_size = page.values().size() / page.count();
  std::string text;
  for (size_t i = 0; i < page.count(); ++i) {
    absl::StrAppend(
        &text, "{\"key\":\"",
        absl::BytesToHexString(page.keys().substr(i * key_size, key_size)),
        "\",\"value\":\"",
        absl::BytesToHexString(
            page.values().substr(i * value_size, value_size)),
        "\"}\n");
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace bpfwarden::cli
