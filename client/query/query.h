// What dump and top select from a stream of entries: --filter (all must
// hold), --sort FIELD[:asc|:desc], --top N and --limit N. Memory stays
// bounded: entries stream through unless sorted; a sort with --top or
// --limit keeps only that many (a heap); a sort without either keeps the
// entries that pass the filters.
#ifndef BPFWARDEN_CLIENT_QUERY_QUERY_H_
#define BPFWARDEN_CLIENT_QUERY_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/query/fields.h"
#include "client/query/filter.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {

struct QuerySpec {
  std::vector<std::string> filters;  // FIELD=VALUE, ...
  // FIELD, FIELD:desc or FIELD:asc. Numbers sort largest first unless
  // :asc; other fields (names, addresses, enums) smallest first unless
  // :desc.
  std::string sort;
  size_t top = 0;    // the first N in sort order (needs sort); 0: all
  size_t limit = 0;  // at most N entries out; 0: all

  bool empty() const {
    return filters.empty() && sort.empty() && top == 0 && limit == 0;
  }
};

// An entry: its JSON line as the API gave it, parsed.
struct Row {
  std::string line;  // {"key":K,"value":V} without the newline
  Json entry;
};

class Query {
 public:
  static absl::StatusOr<Query> Create(const QuerySpec& spec,
                                      const FieldSet& fields);

  bool Matches(const Json& entry) const;
  bool sorted() const { return sort_.has_value(); }
  // The sort field's column and its name ("value.bytes_acked"); sorted()
  // only.
  const output::EntryField& SortColumn() const { return sort_->column; }
  const std::string& SortName() const { return sort_->column.name; }
  // The sort field's value in `entry` (per-CPU values summed).
  Json SortValue(const Json& entry) const {
    return FieldValue(entry, sort_->column, per_cpu_);
  }
  // How many rows are wanted at most (0: all).
  size_t wanted() const;
  // Whether a comes before b in sort order (by the sort field's value).
  bool Before(const Json& a, const Json& b) const;
  bool descending() const { return descending_; }

 private:
  std::vector<Filter> filters_;
  std::optional<Field> sort_;
  bool per_cpu_ = false;
  bool descending_ = false;
  size_t top_ = 0;
  size_t limit_ = 0;
};

// Takes the rows of a dump as they come and hands out those the query
// selects: at once when unsorted (Offer says when no more are wanted), at
// Finish when sorted.
class Selector {
 public:
  using Emit = std::function<void(const Row& row)>;
  Selector(const Query& query, Emit emit) : query_(query), emit_(emit) {}

  // False when the query wants no more rows (a limit was reached unsorted):
  // the dump may stop.
  bool Offer(Row row);
  // Emits the sorted rows.
  void Finish();

 private:
  struct Held {
    Json key;  // the sort field's value
    uint64_t seq;
    Row row;
  };
  bool Less(const Held& a, const Held& b) const;  // a comes first

  const Query& query_;
  Emit emit_;
  size_t emitted_ = 0;
  uint64_t seq_ = 0;
  std::vector<Held> held_;  // a heap of the best when bounded
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_QUERY_H_
