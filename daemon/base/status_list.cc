#include "daemon/base/status_list.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/base/log.h"

namespace bpfwarden {

void StatusList::Note(const absl::Status& status, const std::string& what) {
  if (status.ok()) return;
  BPFWARDEN_LOG(ERROR) << what << ": " << status;
  failures_.push_back({what, status});
  errors_.push_back(
      absl::Status(status.code(), absl::StrCat(what, ": ", status.message())));
}

void StatusList::Add(const absl::Status& status) {
  if (status.ok()) return;
  errors_.push_back(status);
  failures_.push_back({"", status});
}

absl::Status StatusList::Joined() const {
  if (errors_.empty()) return absl::OkStatus();
  if (errors_.size() == 1) return errors_.front();
  std::vector<std::string> messages;
  for (const absl::Status& s : errors_) messages.push_back(s.ToString());
  return absl::Status(errors_.front().code(), absl::StrJoin(messages, "; "));
}

}  // namespace bpfwarden
