// The human formats: table and wide, for entries and for global variables.
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/output/cell_text.h"
#include "client/output/printers.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"

namespace bpfwarden::cli::output {
namespace {

// Fields named as padding ("pad", "__pad1", "_reserved") carry no data: the
// table leaves them out; wide, json and jsonl keep them.
bool IsPadding(const EntryField& field) {
  absl::string_view name = field.path.back();
  while (absl::ConsumePrefix(&name, "_")) {
  }
  return field.path.size() > 1 &&
         (absl::StartsWith(name, "pad") || absl::StartsWith(name, "reserved"));
}

size_t MaxWidth(const PrintOptions& options) {
  if (options.format == OutputFormat::kWide) return 0;
  return options.width > 0 ? options.width : TerminalWidth();
}

absl::StatusOr<Json> ParseSide(absl::string_view text, const char* what) {
  return ParseJson(text, what);
}

class TablePrinter : public EntryPrinter {
 public:
  TablePrinter(std::vector<EntryField> fields, bool per_cpu_rows,
               bool sum_cpus, const PrintOptions& options, std::ostream& out)
      : fields_(std::move(fields)),
        per_cpu_rows_(per_cpu_rows),
        sum_cpus_(sum_cpus),
        human_(options.format == OutputFormat::kTable),
        table_(Columns(), out, MaxWidth(options)) {}

  absl::Status AddJson(absl::string_view key_text,
                       absl::string_view value_text) override {
    Json entry = Json::object();
    absl::StatusOr<Json> key = ParseSide(key_text, "key");
    if (!key.ok()) return key.status();
    absl::StatusOr<Json> value = ParseSide(value_text, "value");
    if (!value.ok()) return value.status();
    entry["key"] = *std::move(key);
    if (per_cpu_rows_ && value->is_array()) {
      for (size_t cpu = 0; cpu < value->size(); ++cpu) {
        entry["value"] = std::move((*value)[cpu]);
        AddRow(entry, cpu);
      }
      return absl::OkStatus();
    }
    entry["value"] = sum_cpus_ ? SumPerCpu(*value) : *std::move(value);
    AddRow(entry, std::nullopt);
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    table_.Finish();
    if (table_.hidden_columns() > 0 && isatty(STDOUT_FILENO)) {
      std::cerr << "(" << table_.hidden_columns()
                << " more columns do not fit: -o wide shows them all)\n";
    }
    return absl::OkStatus();
  }

 private:
  std::vector<Column> Columns() const {
    std::vector<Column> columns;
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (per_cpu_rows_ && i == KeyFieldCount()) {
        columns.push_back({.name = "cpu", .align_right = true});
      }
      columns.push_back({.name = human_ ? fields_[i].label : fields_[i].name,
                         .align_right = AlignsRight(fields_[i])});
    }
    return columns;
  }

  void AddRow(const Json& entry, std::optional<size_t> cpu) {
    std::vector<std::string> cells;
    cells.reserve(fields_.size() + 1);
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (cpu.has_value() && i == KeyFieldCount()) {
        cells.push_back(absl::StrCat(*cpu));
      }
      cells.push_back(CellText(FieldValue(entry, fields_[i]), fields_[i], human_));
    }
    table_.AddRow(std::move(cells));
  }

  size_t KeyFieldCount() const {
    size_t n = 0;
    for (const EntryField& field : fields_) n += field.path[0] == "key";
    return n;
  }

  std::vector<EntryField> fields_;
  bool per_cpu_rows_;
  bool sum_cpus_;
  bool human_;
  TableWriter table_;
};

// A section's variables, one a row: the value's top-level fields.
class GlobalsPrinter : public EntryPrinter {
 public:
  GlobalsPrinter(Json layout, const PrintOptions& options, std::ostream& out)
      : layout_(std::move(layout)),
        human_(options.format == OutputFormat::kTable),
        table_({{.name = "VARIABLE"}, {.name = "TYPE"}, {.name = "VALUE"}},
               out, MaxWidth(options)) {}

  absl::Status AddJson(absl::string_view,
                       absl::string_view value_text) override {
    absl::StatusOr<Json> value = ParseSide(value_text, "value");
    if (!value.ok()) return value.status();
    if (!layout_.contains("fields")) return absl::OkStatus();
    for (const Json& var : layout_["fields"]) {
      const std::string name = var.value("name", "");
      EntryField field{.name = name,
                       .path = {name},
                       .type = var.value("kind", "") == "int"
                                   ? FieldType::kInteger
                                   : FieldType::kUnknown,
                       .counter = true};
      table_.AddRow({name, var.value("type", ""),
                     CellText(FieldValue(*value, field), field, human_)});
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    table_.Finish();
    return absl::OkStatus();
  }

 private:
  Json layout_;
  bool human_;
  TableWriter table_;
};

}  // namespace

std::unique_ptr<EntryPrinter> NewTablePrinter(std::vector<EntryField> fields,
                                              bool map_per_cpu,
                                              const PrintOptions& options,
                                              std::ostream& out) {
  if (options.format == OutputFormat::kTable) {
    std::erase_if(fields, [](const EntryField& f) { return IsPadding(f); });
  }
  const bool rows = map_per_cpu && options.per_cpu;
  return std::make_unique<TablePrinter>(std::move(fields), rows,
                                        map_per_cpu && !rows, options, out);
}

std::unique_ptr<EntryPrinter> NewGlobalsPrinter(const Json& value_layout,
                                                const PrintOptions& options,
                                                std::ostream& out) {
  return std::make_unique<GlobalsPrinter>(value_layout, options, out);
}

}  // namespace bpfwarden::cli::output
