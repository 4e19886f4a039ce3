#include "client/output_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, o, "table",
          "output: table (default, fitted to the terminal), wide (never cut), "
          "json (one document), jsonl (one object a line) or raw (hex bytes)");
ABSL_FLAG(bool, per_cpu, false,
          "per-CPU maps: one row per CPU instead of the sum of the CPUs");

namespace bpfwarden::cli {

absl::StatusOr<output::PrintOptions> PrintOptionsFromFlags() {
  absl::StatusOr<output::OutputFormat> format =
      output::ParseOutputFormat(absl::GetFlag(FLAGS_o));
  if (!format.ok()) return format.status();
  return output::PrintOptions{.format = *format,
                              .per_cpu = absl::GetFlag(FLAGS_per_cpu)};
}

}  // namespace bpfwarden::cli
