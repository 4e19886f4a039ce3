#include "daemon/metrics/map_pages.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"

namespace bpfwarden::metrics {

absl::Status WalkMap(const TypedMap& map, absl::Time deadline,
                     absl::FunctionRef<void(const PackedPage&)> page) {
  std::string token;
  DumpOptions options;
  options.page_size = 4096;
  do {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(kBudgetSpent);
    }
    absl::StatusOr<PackedPage> next = map.DumpPacked(token, options);
    if (!next.ok()) return next.status();
    page(*next);
    token = std::move(next->next_token);
  } while (!token.empty());
  return absl::OkStatus();
}

bool BudgetSpent(const absl::Status& status) {
  return absl::IsDeadlineExceeded(status) && status.message() == kBudgetSpent;
}

}  // namespace bpfwarden::metrics
