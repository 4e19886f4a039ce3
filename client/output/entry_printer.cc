#include "client/output/entry_printer.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/output/printers.h"

namespace bpfwarden::cli::output {
namespace {

std::string DataJson(const v1::Data& data) {
  if (data.form_case() == v1::Data::FORM_NOT_SET) return "null";
  if (data.has_raw()) {
    return absl::StrCat("\"", absl::BytesToHexString(data.raw()), "\"");
  }
  return data.json();
}

// Splits one {"key":K,"value":V} line of a packed page into K and V
// without parsing: the daemon writes exactly that shape.
absl::Status AddJsonLine(EntryPrinter& printer, absl::string_view line) {
  constexpr absl::string_view kKey = "{\"key\":";
  constexpr absl::string_view kValue = ",\"value\":";
  const size_t split = line.rfind(kValue);
  if (!absl::StartsWith(line, kKey) || split == absl::string_view::npos ||
      !absl::EndsWith(line, "}")) {
    return absl::InvalidArgumentError(
        absl::StrCat("dump page: not an entry line: ", line.substr(0, 80)));
  }
  absl::string_view key = line.substr(kKey.size(), split - kKey.size());
  absl::string_view value = line.substr(split + kValue.size());
  value.remove_suffix(1);
  return printer.AddJson(key, value);
}

}  // namespace

absl::StatusOr<std::unique_ptr<EntryPrinter>> EntryPrinter::Create(
    const v1::MapInfo& map, const PrintOptions& options, std::ostream& out) {
  switch (options.format) {
    case OutputFormat::kJsonl:
    case OutputFormat::kRaw:
      return NewJsonLinesPrinter(out);
    case OutputFormat::kJson:
      return NewJsonDocumentPrinter(out);
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      break;
  }
  if (map.internal() && map.key_layout().empty() &&
      !map.value_layout().empty()) {
    absl::StatusOr<Json> layout = ParseJson(map.value_layout(), "value layout");
    if (!layout.ok()) return layout.status();
    return NewGlobalsPrinter(*layout, options, out);
  }
  absl::StatusOr<std::vector<EntryField>> fields =
      EntryFields(map.key_layout(), map.value_layout());
  if (!fields.ok()) return fields.status();
  return NewTablePrinter(*std::move(fields), map.per_cpu(), options, out);
}

absl::Status EntryPrinter::Add(const v1::Entry& entry) {
  return AddJson(DataJson(entry.key()), DataJson(entry.value()));
}

absl::Status EntryPrinter::AddJsonLines(absl::string_view lines) {
  while (!lines.empty()) {
    const size_t end = lines.find('\n');
    absl::string_view line = lines.substr(0, end);
    if (absl::Status s = AddJsonLine(*this, line); !s.ok()) return s;
    if (end == absl::string_view::npos) break;
    lines.remove_prefix(end + 1);
  }
  return absl::OkStatus();
}

absl::Status EntryPrinter::AddPage(const v1::DumpResponse& page) {
  for (const v1::Entry& entry : page.entries()) {
    if (absl::Status s = Add(entry); !s.ok()) return s;
  }
  if (!page.json_lines().empty()) {
    if (absl::Status s = AddJsonLines(page.json_lines()); !s.ok()) return s;
  }
  if (page.count() == 0 || !page.json_lines().empty()) {
    return absl::OkStatus();
  }
  const size_t key_size = page.keys().size() / page.count();
  const size_t value_size = page.values().size() / page.count();
  for (size_t i = 0; i < page.count(); ++i) {
    absl::Status s = AddJson(
        absl::StrCat("\"",
                     absl::BytesToHexString(
                         page.keys().substr(i * key_size, key_size)),
                     "\""),
        absl::StrCat("\"",
                     absl::BytesToHexString(
                         page.values().substr(i * value_size, value_size)),
                     "\""));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

v1::Encoding EncodingFor(OutputFormat format) {
  return format == OutputFormat::kRaw ? v1::ENCODING_RAW
                                      : v1::ENCODING_UNSPECIFIED;
}

}  // namespace bpfwarden::cli::output
