// A scrape's walk of a map: packed dump pages of 4096 entries, one after
// the other, until the map ends or the scrape's time budget is spent.
#ifndef BPFWARDEN_DAEMON_METRICS_MAP_PAGES_H_
#define BPFWARDEN_DAEMON_METRICS_MAP_PAGES_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden::metrics {

// Calls `page` for each page of `map`. DeadlineExceeded (kBudgetSpent) when
// `deadline` passes before the next page is read: the walk is left
// unfinished, and what `page` saw is not the whole map.
absl::Status WalkMap(const TypedMap& map, absl::Time deadline,
                     absl::FunctionRef<void(const PackedPage&)> page);

// The message of a walk cut by the deadline (constant, so that a log of
// it is written once, not at every scrape).
inline constexpr char kBudgetSpent[] =
    "left out of this scrape: its time budget (--metrics_scrape_budget) "
    "was spent";

// Whether `status` is a walk cut by the deadline.
bool BudgetSpent(const absl::Status& status);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_MAP_PAGES_H_
