#include "client/query/query.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace bpfwarden::cli {

absl::StatusOr<Query> Query::Create(const QuerySpec& spec,
                                    const FieldSet& fields) {
  Query q;
  q.per_cpu_ = fields.per_cpu();
  for (const std::string& text : spec.filters) {
    absl::StatusOr<Filter> f = Filter::Parse(text, fields);
    if (!f.ok()) return f.status();
    q.filters_.push_back(*std::move(f));
  }
  if (!spec.sort.empty()) {
    absl::string_view name = spec.sort;
    int direction = 0;  // by kind
    if (absl::ConsumeSuffix(&name, ":desc")) direction = 1;
    if (absl::ConsumeSuffix(&name, ":asc")) direction = -1;
    absl::StatusOr<Field> field = fields.Resolve(std::string(name));
    if (!field.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--sort ", spec.sort, ": ", field.status().message()));
    }
    const output::FieldType kind = field->column.type;
    q.sort_ = *std::move(field);
    q.descending_ = direction == 0 ? (kind == output::FieldType::kInteger ||
                                      kind == output::FieldType::kFloat)
                                   : direction > 0;
  }
  if (spec.top > 0 && !q.sort_) {
    return absl::InvalidArgumentError(
        "--top N takes the first N by --sort FIELD: give --sort too");
  }
  q.top_ = spec.top;
  q.limit_ = spec.limit;
  return q;
}

bool Query::Matches(const Json& entry) const {
  for (const Filter& f : filters_) {
    if (!f.Matches(entry)) return false;
  }
  return true;
}

size_t Query::wanted() const {
  if (top_ == 0) return limit_;
  if (limit_ == 0) return top_;
  return std::min(top_, limit_);
}

bool Query::Before(const Json& a, const Json& b) const {
  const int cmp =
      CompareValues(a, b, sort_->column.type == output::FieldType::kAddress);
  return descending_ ? cmp > 0 : cmp < 0;
}

bool Selector::Less(const Held& a, const Held& b) const {
  if (query_.Before(a.key, b.key)) return true;
  if (query_.Before(b.key, a.key)) return false;
  return a.seq < b.seq;
}

bool Selector::Offer(Row row) {
  if (!query_.Matches(row.entry)) return true;
  const size_t wanted = query_.wanted();
  if (!query_.sorted()) {
    emit_(row);
    ++emitted_;
    return wanted == 0 || emitted_ < wanted;
  }
  Held held{query_.SortValue(row.entry), seq_++, std::move(row)};
  auto worse_last = [this](const Held& a, const Held& b) { return Less(a, b); };
  if (wanted == 0) {
    held_.push_back(std::move(held));
    return true;
  }
  // A max-heap by "comes first": its top is the worst of the best N.
  if (held_.size() < wanted) {
    held_.push_back(std::move(held));
    std::push_heap(held_.begin(), held_.end(), worse_last);
  } else if (Less(held, held_.front())) {
    std::pop_heap(held_.begin(), held_.end(), worse_last);
    held_.back() = std::move(held);
    std::push_heap(held_.begin(), held_.end(), worse_last);
  }
  return true;
}

void Selector::Finish() {
  if (!query_.sorted()) return;
  std::sort(held_.begin(), held_.end(),
            [this](const Held& a, const Held& b) { return Less(a, b); });
  for (const Held& h : held_) emit_(h.row);
  held_.clear();
}

}  // namespace bpfwarden::cli
