#include "daemon/api/typed_map_proto.h"

#include <optional>

#include "daemon/btf/json.h"
#include "daemon/btf/type_layout.h"

namespace bpfwarden::api {

void SetTypedFacts(const TypedMap& map, v1::MapInfo* out) {
  out->set_per_cpu(map.per_cpu());
  out->set_possible_cpus(map.num_cpus());
  if (std::optional<TypeLayout> key = map.KeyLayout()) {
    out->set_key_layout(DumpJson(LayoutToJson(*key)));
  }
  if (std::optional<TypeLayout> value = map.ValueLayout()) {
    out->set_value_layout(DumpJson(LayoutToJson(*value)));
  }
}

UpdateFlag FromProto(v1::UpdateFlag flag) {
  switch (flag) {
    case v1::NOEXIST:
      return UpdateFlag::kNoExist;
    case v1::EXIST:
      return UpdateFlag::kExist;
    default:
      return UpdateFlag::kAny;
  }
}

}  // namespace bpfwarden::api
