#include "client/top_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "client/cli_status.h"
#include "client/dump_command.h"
#include "client/open_source.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"
#include "client/query/values.h"
#include "client/query_flags.h"
#include "client/refresh_loop.h"

ABSL_FLAG(bool, rate, false,
          "top: rank by the --sort field's change per second");

namespace bpfwarden::cli {
namespace {

struct Ranked {
  double metric;
  uint64_t seq;
  Row row;
};

// The rows a screen has room for: --top, else the terminal's height less
// the header lines.
size_t ScreenRows(size_t top) {
  if (top > 0) return top;
  struct winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 8) {
    return size.ws_row - 3;
  }
  return 20;
}

// A column's name without its "key." or "value." ("remote_addr"): the
// screen has little room, and the header line names the sort field.
std::string ShortName(absl::string_view name) {
  absl::ConsumePrefix(&name, "key.") || absl::ConsumePrefix(&name, "value.");
  return std::string(name);
}

double AsDouble(const Json& v) { return v.is_number() ? v.get<double>() : 0; }

// One screen: a header line and the table.
class TopView {
 public:
  TopView(const MapTarget& target, const FieldSet& fields, const Query& query,
          std::vector<output::EntryField> columns, bool rate,
          absl::Duration interval)
      : target_(target),
        fields_(fields),
        query_(query),
        columns_(std::move(columns)),
        rate_(rate),
        interval_(interval) {}

  absl::Status Refresh(MapSource& source, size_t rows, std::ostream& out);

 private:
  void Render(std::vector<Ranked>& best, size_t total, size_t rows,
              std::ostream& out) const;

  const MapTarget& target_;
  const FieldSet& fields_;
  const Query& query_;
  std::vector<output::EntryField> columns_;
  bool rate_;
  absl::Duration interval_;
  absl::flat_hash_map<std::string, double> previous_;  // --rate: by key
  absl::Time previous_time_;
  std::string sort_name_;
};

absl::Status TopView::Refresh(MapSource& source, size_t rows,
                              std::ostream& out) {
  const absl::Time now = absl::Now();
  const double seconds = absl::ToDoubleSeconds(now - previous_time_);
  absl::flat_hash_map<std::string, double> current;
  std::vector<Ranked> best;  // a heap: the worst of the best first
  auto worse = [](const Ranked& a, const Ranked& b) {
    return a.metric != b.metric ? a.metric > b.metric : a.seq < b.seq;
  };
  size_t total = 0, seq = 0;
  absl::Status s = DumpRows(source, target_, [&](Row row) {
    if (!query_.Matches(row.entry)) return true;
    ++total;
    double metric = AsDouble(query_.SortValue(row.entry));
    if (rate_) {
      const std::string key = DumpJson(row.entry["key"]);
      auto it = previous_.find(key);
      const double value = metric;
      metric = it == previous_.end() || seconds <= 0
                   ? 0
                   : (value - it->second) / seconds;
      current[key] = value;
    }
    best.push_back(Ranked{metric, seq++, std::move(row)});
    std::push_heap(best.begin(), best.end(), worse);
    if (best.size() > rows) {
      std::pop_heap(best.begin(), best.end(), worse);
      best.pop_back();
    }
    return true;
  });
  if (!s.ok()) return s;
  if (rate_) previous_ = std::move(current);
  previous_time_ = now;
  Render(best, total, rows, out);
  return absl::OkStatus();
}

void TopView::Render(std::vector<Ranked>& best, size_t total, size_t rows,
                     std::ostream& out) const {
  std::sort(best.begin(), best.end(), [](const Ranked& a, const Ranked& b) {
    return a.metric != b.metric ? a.metric > b.metric : a.seq < b.seq;
  });
  const std::string sort_name = query_.SortName();
  const size_t width = output::TerminalWidth();
  out << output::CutToWidth(
             absl::StrCat("bpfwarden top ", target_.Label(), " (q quits) ",
                          absl::FormatTime("%H:%M:%S", absl::Now(),
                                           absl::LocalTimeZone()),
                          ": ", total, " entries, top ",
                          std::min(rows, total), " by ", sort_name,
                          rate_ ? "/s" : "", ", every ",
                          absl::FormatDuration(interval_)),
             width)
      << "\n\n";
  std::vector<output::Column> columns;
  if (rate_) columns.push_back({absl::StrCat(ShortName(sort_name), "/s"), true});
  for (const output::EntryField& f : columns_) {
    columns.push_back({ShortName(f.name), f.type == output::FieldType::kInteger ||
                                   f.type == output::FieldType::kFloat});
  }
  output::TableWriter table(std::move(columns), out, width);
  for (const Ranked& r : best) {
    std::vector<std::string> cells;
    if (rate_) cells.push_back(absl::StrFormat("%.1f", r.metric));
    for (const output::EntryField& f : columns_) {
      cells.push_back(PlainText(FieldValue(r.row.entry, f, fields_.per_cpu())));
    }
    table.AddRow(std::move(cells));
  }
  table.Finish();
}

// The columns: the sort field first, then the key's (what an entry is;
// `dump` shows the rest).
std::vector<output::EntryField> Columns(const v1::MapInfo& info,
                                        const Query& query) {
  absl::StatusOr<std::vector<output::EntryField>> all =
      output::EntryFields(info.key_layout(), info.value_layout());
  std::vector<output::EntryField> out = {query.SortColumn()};
  if (!all.ok()) return out;
  for (const output::EntryField& f : *all) {
    if (f.name != out[0].name && !f.path.empty() && f.path[0] == "key") {
      out.push_back(f);
    }
  }
  return out;
}

}  // namespace

int TopCommand(const std::vector<std::string>& args) {
  QuerySpec spec = QuerySpecFromFlags();
  if (spec.sort.empty()) {
    return FailWith(absl::InvalidArgumentError(
        "top ranks entries by a field: give --sort FIELD"));
  }
  const size_t rows = ScreenRows(spec.top);
  spec.top = 0;  // ranked here, by value or rate
  absl::StatusOr<RefreshLoop::Options> every = RefreshLoop::OptionsFromFlags();
  if (!every.ok()) return FailWith(every.status());
  absl::StatusOr<OpenedMap> map = OpenMap(args);
  if (!map.ok()) return FailWith(map.status());
  absl::StatusOr<FieldSet> fields = FieldSet::FromMapInfo(map->info);
  if (!fields.ok()) return FailWith(fields.status());
  absl::StatusOr<Query> query = Query::Create(spec, *fields);
  if (!query.ok()) return FailWith(query.status());
  TopView view(map->target, *fields, *query, Columns(map->info, *query),
               absl::GetFlag(FLAGS_rate), every->interval);
  const bool terminal = isatty(STDOUT_FILENO) == 1;
  RefreshLoop loop(*every);
  do {
    std::ostringstream screen;
    if (absl::Status s = view.Refresh(*map->source, rows, screen); !s.ok()) {
      return FailWith(s);
    }
    std::cout << (terminal ? "\033[H\033[2J" : "") << screen.str()
              << (terminal ? "" : "\n") << std::flush;
  } while (loop.Next());
  return 0;
}

}  // namespace bpfwarden::cli
