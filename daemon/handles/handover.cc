#include "daemon/handles/handover.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/api/convert.h"
#include "daemon/handles/frame.h"
#include "daemon/handles/read_only_map.h"
#include "daemon/maps/element_access.h"
#include "daemon/policy/audit.h"

namespace bpfwarden::handles {

Handover::Handover(Warden* warden, PolicySource policy, HandleProbe probe,
                   HandoverLimits limits, metrics::HandleStats* stats)
    : warden_(warden),
      policy_(std::move(policy)),
      probe_(std::move(probe)),
      stats_(stats),
      rate_(std::max(1, limits.per_uid_per_minute), absl::Minutes(1)) {}

Answer Handover::Serve(const policy::Identity& who,
                       absl::string_view payload) {
  Answer answer;
  absl::StatusOr<v1::HandleRequest> request = ParseRequest(payload);
  if (!request.ok()) {
    answer.response = Refuse(who, request.status());
    return answer;
  }
  const policy::Resource what{request->map().program_set(),
                              request->map().map()};
  absl::Status outcome = Decide(who, *request, answer);
  Record(who, &what, outcome);
  answer.response.set_code(static_cast<int>(outcome.code()));
  answer.response.set_message(std::string(outcome.message()));
  if (!outcome.ok()) {
    answer.response.clear_map();
    answer.fd.Reset();
  }
  return answer;
}

v1::HandleResponse Handover::Refuse(const policy::Identity& who,
                                    const absl::Status& status) {
  Record(who, nullptr, status);
  v1::HandleResponse response;
  response.set_code(static_cast<int>(status.code()));
  response.set_message(std::string(status.message()));
  return response;
}

absl::Status Handover::Decide(const policy::Identity& who,
                              const v1::HandleRequest& request,
                              Answer& answer) {
  const v1::MapRef& ref = request.map();
  const policy::Resource what{ref.program_set(), ref.map()};
  if (absl::Status s = policy_()->CheckHandle(who, what, kMethod); !s.ok()) {
    return s;
  }
  uint64_t over = 0;
  if (!who.IsRoot() && !rate_.Admit(who.Principal(), absl::Now(), &over)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        kMethod, ": ", who.Principal(),
        " asked for more read handles this minute than the daemon hands out "
        "(--handle_max_per_minute); ask again later, and keep the "
        "descriptors you have"));
  }
  if (absl::Status s = probe_.Precondition(); !s.ok()) return s;
  auto handle = warden_->OpenMap(ref.program_set(), ref.map());
  if (absl::IsNotFound(handle.status())) {
    return absl::NotFoundError(absl::StrCat("program set ", ref.program_set(),
                                            " has no map ", ref.map(),
                                            " (or no such set is loaded)"));
  }
  if (!handle.ok()) return handle.status();
  const MapInfo& info = (*handle)->info;
  const std::string label = absl::StrCat(info.program_set, "/", info.name);
  if (absl::Status s = CheckReadHandle(info.type, info.map_flags, label);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<UniqueFd> fd = OpenMapReadOnly(info.id, label);
  if (!fd.ok()) return fd.status();
  answer.fd = *std::move(fd);
  *answer.response.mutable_map() = api::ToProto(info, &(*handle)->map);
  return absl::OkStatus();
}

void Handover::Record(const policy::Identity& who,
                      const policy::Resource* what,
                      const absl::Status& outcome) {
  if (stats_ != nullptr && who.kind == policy::Identity::Kind::kUnix) {
    stats_->Record(who.uid, outcome.ok());
  }
  if (outcome.ok()) {
    policy::Audit({&who, kMethod, what, "", outcome});
    return;
  }
  uint64_t suppressed = 0;
  if (!refusal_records_.Admit(who.Principal(), absl::Now(), &suppressed)) {
    return;
  }
  absl::Status recorded = outcome;
  if (suppressed > 0) {
    recorded = absl::Status(
        outcome.code(),
        absl::StrCat(outcome.message(), " (", suppressed,
                     " more refusals of this principal suppressed)"));
  }
  policy::Audit({&who, kMethod, what, "", recorded});
}

}  // namespace bpfwarden::handles
