#include "daemon/api/map_open.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::api {

absl::Status CheckRef(const v1::MapRef& ref) {
  if (ref.program_set().empty() || ref.map().empty()) {
    return absl::InvalidArgumentError(
        "map: program_set and map are both required");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const MapHandle>> OpenMap(
    const ApiContext& api, const v1::MapRef& ref) {
  auto handle = api.warden().OpenMap(ref.program_set(), ref.map());
  if (absl::IsNotFound(handle.status())) {
    return absl::NotFoundError(absl::StrCat("program set ", ref.program_set(),
                                            " has no map ", ref.map(),
                                            " (or no such set is loaded)"));
  }
  return handle;
}

absl::StatusOr<std::shared_ptr<const MapHandle>> OpenMapFor(
    const ApiContext& api, const v1::MapRef& ref, ElementMethod method) {
  auto handle = OpenMap(api, ref);
  if (!handle.ok()) return handle.status();
  const TypedMap& map = (*handle)->map;
  if (absl::Status s = CheckElementMethod(map.info().type, map.label(), method);
      !s.ok()) {
    return s;
  }
  return handle;
}

}  // namespace bpfwarden::api
