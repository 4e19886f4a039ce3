#include "client/dump_command.h"

#include <cstdio>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/cli_status.h"
#include "client/open_source.h"
#include "client/output/entry_printer.h"
#include "client/output_flags.h"
#include "client/progress.h"
#include "client/query/fields.h"
#include "client/query_flags.h"
#include "daemon/btf/json.h"

ABSL_DECLARE_FLAG(bool, raw);

namespace bpfwarden::cli {
namespace {

// The number of entries a dump will give, where the map type says it:
// arrays hold max_entries.
uint64_t KnownTotal(const v1::MapInfo& info) {
  const std::string& type = info.type();
  return type == "array" || type == "percpu_array" ? info.max_entries() : 0;
}

// A row to the printer: its line split into key and value text, as the
// API wrote them (no re-encoding, so the bytes are the daemon's).
absl::Status Print(output::EntryPrinter& printer, const Row& row) {
  constexpr absl::string_view kKey = "{\"key\":";
  constexpr absl::string_view kValue = ",\"value\":";
  absl::string_view line = row.line;
  const size_t split = line.rfind(kValue);
  if (line.size() < kKey.size() + 1 || split == absl::string_view::npos) {
    return absl::InternalError(absl::StrCat("not an entry line: ", line));
  }
  return printer.AddJson(
      line.substr(kKey.size(), split - kKey.size()),
      line.substr(split + kValue.size(),
                  line.size() - split - kValue.size() - 1));
}

absl::StatusOr<output::PrintOptions> DumpPrintOptions() {
  absl::StatusOr<output::PrintOptions> options = PrintOptionsFromFlags();
  if (options.ok() && absl::GetFlag(FLAGS_raw)) {
    options->format = output::OutputFormat::kRaw;
  }
  return options;
}

}  // namespace

namespace {

absl::Status DumpAll(MapSource& source, const MapTarget& target,
                     const output::PrintOptions& options,
                     output::EntryPrinter& printer, uint64_t total) {
  Progress progress(total);
  return source.Dump(target, output::EncodingFor(options.format),
                     [&](const v1::DumpResponse& page) {
                       progress.BeforeOutput();
                       absl::Status printed = printer.AddPage(page);
                       progress.Add(page.count());
                       return printed;
                     });
}

// The query `spec` asks for, its fields checked against the map's layout.
absl::StatusOr<Query> MakeQuery(const v1::MapInfo& info,
                                const QuerySpec& spec) {
  absl::StatusOr<FieldSet> fields = FieldSet::FromMapInfo(info);
  if (!fields.ok()) return fields.status();
  return Query::Create(spec, *fields);
}

absl::Status DumpSelected(MapSource& source, const MapTarget& target,
                          const Query& query, output::EntryPrinter& printer,
                          uint64_t total) {
  absl::Status printed;
  Selector selector(query, [&](const Row& row) {
    if (printed.ok()) printed = Print(printer, row);
  });
  Progress progress(total);
  absl::Status status = DumpRows(
      source, target,
      [&](Row row) {
        progress.BeforeOutput();
        return selector.Offer(std::move(row)) && printed.ok();
      },
      [&](size_t n) { progress.Add(n); });
  progress.Clear();
  if (!status.ok()) return status;
  selector.Finish();
  return printed;
}

}  // namespace

absl::Status DumpRows(MapSource& source, const MapTarget& target,
                      const std::function<bool(Row row)>& offer,
                      const std::function<void(size_t)>& progress) {
  return source.Dump(
      target, v1::ENCODING_UNSPECIFIED,
      [&](const v1::DumpResponse& page) -> absl::Status {
        absl::string_view text = page.json_lines();
        while (!text.empty()) {
          const size_t end = text.find('\n');
          absl::string_view line = text.substr(0, end);
          text.remove_prefix(end == absl::string_view::npos ? text.size()
                                                            : end + 1);
          absl::StatusOr<Json> entry = ParseJson(line, "entry");
          if (!entry.ok()) return entry.status();
          if (!offer(Row{std::string(line), *std::move(entry)})) {
            return absl::CancelledError("enough");
          }
        }
        if (progress) progress(page.count());
        return absl::OkStatus();
      });
}

int DumpCommand(const std::vector<std::string>& args) {
  absl::StatusOr<output::PrintOptions> options = DumpPrintOptions();
  if (!options.ok()) return FailWith(options.status());
  const QuerySpec spec = QuerySpecFromFlags();
  if (!spec.empty() && options->format == output::OutputFormat::kRaw) {
    return FailWith(absl::InvalidArgumentError(
        "--filter, --sort, --top and --limit read fields by name: leave out "
        "--raw and -o raw"));
  }
  absl::StatusOr<OpenedMap> map = OpenMap(args);
  if (!map.ok()) return FailWith(map.status());
  MapSource& source = *map->source;
  const MapTarget* target = &map->target;
  const v1::MapInfo* info = &map->info;
  // Checked before anything is printed.
  absl::StatusOr<Query> query = MakeQuery(*info, spec);
  if (!query.ok()) return FailWith(query.status());
  absl::StatusOr<std::unique_ptr<output::EntryPrinter>> printer =
      output::EntryPrinter::Create(*info, *options, std::cout);
  if (!printer.ok()) return FailWith(printer.status());
  absl::Status status = spec.empty()
                            ? DumpAll(source, *target, *options, **printer,
                                      KnownTotal(*info))
                            : DumpSelected(source, *target, *query,
                                           **printer, KnownTotal(*info));
  if (status.ok()) status = (*printer)->Finish();
  std::cout.flush();
  return status.ok() ? 0 : FailWith(status);
}

}  // namespace bpfwarden::cli
