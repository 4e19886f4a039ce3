#include "daemon/btf/decode_plan.h"

#include "absl/strings/str_join.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {
namespace {

// Adds the members of composite `id` (as named by its parent) at
// `bit_base` bits into the object, as group `plan.groups[g]`.
void AddGroup(const BtfTypes& types, uint32_t id, uint32_t bit_base,
              ObjectPlan& plan, std::vector<uint32_t>& nested) {
  const struct btf* b = types.get();
  const uint32_t resolved = Resolve(b, id);
  const btf_type* t = btf__type_by_id(b, resolved);
  const int g = static_cast<int>(plan.groups.size());
  plan.groups.push_back(ObjectGroup{btf_is_union(t), id, {}});
  const btf_member* m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    const Slot slot = MemberSlot(t, i);
    ObjectGroup::Member member;
    member.first_field = static_cast<int>(plan.fields.size());
    const std::string name = MemberName(b, m[i]);
    member.union_name = name.empty() ? "(anonymous)" : name;
    if (IsAnonymousComposite(b, m[i])) {
      member.group = static_cast<int>(plan.groups.size());
      AddGroup(types, m[i].type, bit_base + slot.bit_offset, plan, nested);
    } else {
      ObjectField field;
      field.name = name;
      field.slot.id = m[i].type;
      if (slot.bit_size > 0) {
        field.slot.bit_offset = bit_base + slot.bit_offset;
        field.slot.bit_size = slot.bit_size;
      } else {
        field.slot.ip_tagged = types.MemberHasTag(resolved, i, kIpAddrTag);
        field.byte_offset = (bit_base + slot.bit_offset) / 8;
        field.size = static_cast<uint32_t>(btf__resolve_size(b, m[i].type));
        nested.push_back(m[i].type);
      }
      member.field = static_cast<int>(plan.fields.size());
      plan.fields.push_back(std::move(field));
    }
    member.end_field = static_cast<int>(plan.fields.size());
    plan.groups[g].members.push_back(std::move(member));
  }
}

}  // namespace

int ObjectPlan::Find(absl::string_view name, int hint) const {
  if (hint >= 0 && hint < static_cast<int>(fields.size()) &&
      fields[hint].name == name) {
    return hint;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

DecodePlan DecodePlan::Compile(const BtfTypes& types, uint32_t type_id) {
  DecodePlan plan;
  plan.Add(types, type_id);
  return plan;
}

void DecodePlan::Add(const BtfTypes& types, uint32_t id) {
  const struct btf* b = types.get();
  const uint32_t resolved = Resolve(b, id);
  const btf_type* t = btf__type_by_id(b, resolved);
  if (t == nullptr) return;
  if (btf_is_array(t)) {
    Add(types, btf_array(t)->type);
    return;
  }
  if (!btf_is_composite(t) || objects_.contains(resolved)) return;
  ObjectPlan& object = objects_[resolved];
  std::vector<uint32_t> nested;
  AddGroup(types, id, 0, object, nested);
  std::vector<absl::string_view> names;
  for (const ObjectField& field : object.fields) names.push_back(field.name);
  object.field_names = absl::StrJoin(names, ", ");
  for (uint32_t inner : nested) Add(types, inner);
}

}  // namespace bpfwarden::btf_internal
