// The output flags every printing command shares: -o FORMAT and --per-cpu.
#ifndef BPFWARDEN_CLIENT_OUTPUT_FLAGS_H_
#define BPFWARDEN_CLIENT_OUTPUT_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "client/output/entry_printer.h"

ABSL_DECLARE_FLAG(std::string, o);
ABSL_DECLARE_FLAG(bool, per_cpu);

namespace bpfwarden::cli {

// -o parsed, --per-cpu; a bad -o is InvalidArgument.
absl::StatusOr<output::PrintOptions> PrintOptionsFromFlags();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_OUTPUT_FLAGS_H_
