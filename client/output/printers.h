// The EntryPrinter of each format (internal to client/output).
#ifndef BPFWARDEN_CLIENT_OUTPUT_PRINTERS_H_
#define BPFWARDEN_CLIENT_OUTPUT_PRINTERS_H_

#include <memory>
#include <ostream>
#include <vector>

#include "absl/status/statusor.h"
#include "client/output/entry_fields.h"
#include "client/output/entry_printer.h"

namespace bpfwarden::cli::output {

// {"key":K,"value":V} a line, K and V as given (jsonl and raw).
std::unique_ptr<EntryPrinter> NewJsonLinesPrinter(std::ostream& out);

// One JSON array of {"key":K,"value":V} objects, printed as entries come.
std::unique_ptr<EntryPrinter> NewJsonDocumentPrinter(std::ostream& out);

// Columns from `fields`; per-CPU values summed unless options.per_cpu.
std::unique_ptr<EntryPrinter> NewTablePrinter(std::vector<EntryField> fields,
                                              bool map_per_cpu,
                                              const PrintOptions& options,
                                              std::ostream& out);

// Global variables (a section map): one row a variable, NAME, TYPE and
// VALUE.
std::unique_ptr<EntryPrinter> NewGlobalsPrinter(const Json& value_layout,
                                                const PrintOptions& options,
                                                std::ostream& out);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_PRINTERS_H_
