#include "client/dump_command.h"

#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/cli_status.h"
#include "client/entry_output.h"
#include "client/open_source.h"
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

void WriteLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

absl::Status DumpRows(MapSource& source, const MapTarget& target,
                      const std::function<bool(Row row)>& offer,
                      const std::function<void(size_t)>& progress) {
  return source.Dump(
      target, v1::ENCODING_JSON,
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
  absl::StatusOr<MapTarget> target = TargetOf(args);
  if (!target.ok()) return FailWith(target.status());
  const QuerySpec spec = QuerySpecFromFlags();
  if (!spec.empty() && absl::GetFlag(FLAGS_raw)) {
    return FailWith(absl::InvalidArgumentError(
        "--filter, --sort, --top and --limit read fields by name: leave out "
        "--raw"));
  }
  absl::StatusOr<std::unique_ptr<MapSource>> source = OpenSource();
  if (!source.ok()) return FailWith(source.status());
  absl::StatusOr<v1::MapInfo> info = (*source)->Get(*target);
  if (!info.ok()) return FailWith(info.status());
  Progress progress(KnownTotal(*info));
  absl::Status status;
  if (spec.empty()) {
    status = (*source)->Dump(
        *target,
        absl::GetFlag(FLAGS_raw) ? v1::ENCODING_RAW : v1::ENCODING_JSON,
        [&](const v1::DumpResponse& page) {
          PrintPackedPage(page);
          progress.Add(page.count());
          return absl::OkStatus();
        });
  } else {
    absl::StatusOr<FieldSet> fields = FieldSet::FromMapInfo(*info);
    if (!fields.ok()) return FailWith(fields.status());
    absl::StatusOr<Query> query = Query::Create(spec, *fields);
    if (!query.ok()) return FailWith(query.status());
    Selector selector(*query, [](const Row& row) { WriteLine(row.line); });
    status = DumpRows(
        **source, *target,
        [&](Row row) { return selector.Offer(std::move(row)); },
        [&](size_t n) { progress.Add(n); });
    progress.Clear();
    if (status.ok()) selector.Finish();
  }
  progress.Clear();
  std::fflush(stdout);
  return status.ok() ? 0 : FailWith(status);
}

}  // namespace bpfwarden::cli
