// Prints a stream of map entries in any output format (-o): the one entry
// printer of the CLI, for daemon mode and direct mode alike.
//
//   auto printer = EntryPrinter::Create(map_info, {.format = format}, std::cout);
//   if (!printer.ok()) ...;
//   for (each entry) (*printer)->AddJson(key_json, value_json);
//   (*printer)->Finish();
//
// Keys and values are the API's JSON text (Data.json, or a packed page's
// json_lines); a side without BTF is its bytes as a hex JSON string, as the
// daemon sends it; the implicit key of global variables is "null".
#ifndef BPFWARDEN_CLIENT_OUTPUT_ENTRY_PRINTER_H_
#define BPFWARDEN_CLIENT_OUTPUT_ENTRY_PRINTER_H_

#include <memory>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/output/format.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::cli::output {

struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  // table, wide: one row per CPU (a "cpu" column) instead of the sum of the
  // CPUs' values.
  bool per_cpu = false;
  // table: the width to fit; 0 is TerminalWidth().
  int width = 0;
};

class EntryPrinter {
 public:
  // `map` gives the layouts (key_layout, value_layout), per_cpu and
  // possible_cpus: Maps.Get's answer, or the same filled in direct mode.
  // A layout that is not the codec's layout JSON is InvalidArgument.
  static absl::StatusOr<std::unique_ptr<EntryPrinter>> Create(
      const v1::MapInfo& map, const PrintOptions& options, std::ostream& out);

  virtual ~EntryPrinter() = default;

  // One entry, key and value as JSON text. Text that is not JSON is
  // InvalidArgument.
  virtual absl::Status AddJson(absl::string_view key_json,
                               absl::string_view value_json) = 0;
  // One entry as the API sends it (JSON or raw bytes).
  absl::Status Add(const v1::Entry& entry);
  // Every entry of a Dump page, packed (json_lines or raw keys and values)
  // or not.
  absl::Status AddPage(const v1::DumpResponse& page);
  // A packed page's json_lines: one {"key":K,"value":V} a line. By default
  // each line goes to AddJson; a printer whose output is those very lines
  // writes the text at once.
  virtual absl::Status AddJsonLines(absl::string_view lines);
  // Prints what is still buffered and closes the document (json's "]").
  virtual absl::Status Finish() = 0;
};

// The encoding to ask the daemon for: raw bytes for OutputFormat::kRaw,
// JSON (hex strings where a side has no BTF) otherwise.
v1::Encoding EncodingFor(OutputFormat format);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_ENTRY_PRINTER_H_
