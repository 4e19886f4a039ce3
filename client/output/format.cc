#include "client/output/format.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::cli::output {
namespace {

constexpr OutputFormat kAll[] = {OutputFormat::kTable, OutputFormat::kWide,
                                 OutputFormat::kJson, OutputFormat::kJsonl,
                                 OutputFormat::kRaw};

}  // namespace

const char* OutputFormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return "table";
    case OutputFormat::kWide:
      return "wide";
    case OutputFormat::kJson:
      return "json";
    case OutputFormat::kJsonl:
      return "jsonl";
    case OutputFormat::kRaw:
      return "raw";
  }
  return "table";
}

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  for (OutputFormat format : kAll) {
    if (text == OutputFormatName(format)) return format;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("-o ", text, ": want table, wide, json, jsonl or raw"));
}

}  // namespace bpfwarden::cli::output
