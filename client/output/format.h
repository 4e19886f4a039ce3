// The CLI's output formats (-o) and how to parse them.
#ifndef BPFWARDEN_CLIENT_OUTPUT_FORMAT_H_
#define BPFWARDEN_CLIENT_OUTPUT_FORMAT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden::cli::output {

enum class OutputFormat {
  kTable,  // columns fitted to the terminal, cut with "…"; counters grouped
  kWide,   // the same columns, never cut, numbers bare
  kJson,   // one JSON document, the API's JSON forms
  kJsonl,  // one JSON object a line, the API's JSON forms
  kRaw,    // keys and values as hex bytes, one {"key":..,"value":..} a line
};

// "table", "wide", "json", "jsonl" or "raw"; anything else is
// InvalidArgument naming the accepted values.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

const char* OutputFormatName(OutputFormat format);

// Formats a person reads (table, wide), as opposed to those a script reads.
inline bool IsHumanFormat(OutputFormat format) {
  return format == OutputFormat::kTable || format == OutputFormat::kWide;
}

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_FORMAT_H_
