// What the text decoder needs of each struct or union a type reaches,
// compiled once per codec: the fields a JSON object may name (members of
// anonymous members flattened in, as C does), where each goes, and the
// member tree that decides which error comes first. Internal to daemon/btf.
#ifndef BPFWARDEN_DAEMON_BTF_DECODE_PLAN_H_
#define BPFWARDEN_DAEMON_BTF_DECODE_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/leaf_decode.h"

namespace bpfwarden::btf_internal {

// A field a JSON object may name.
struct ObjectField {
  std::string name;
  LeafSlot slot;  // bit_offset: from the object's start (bitfields only)
  uint32_t byte_offset = 0;  // from the object's start (not bitfields)
  uint32_t size = 0;         // bytes (not bitfields)
};

// A struct or union: its members in declaration order. A member is one
// field, or an anonymous struct or union (another group).
struct ObjectGroup {
  struct Member {
    int group = -1;  // >= 0: anonymous, this group
    int field = -1;  // otherwise this field
    int first_field = 0, end_field = 0;  // the fields it covers
    std::string union_name;  // its name in union messages
  };
  bool is_union = false;
  uint32_t type_id = 0;  // as the parent names it, for messages
  std::vector<Member> members;
};

struct ObjectPlan {
  std::vector<ObjectField> fields;
  std::vector<ObjectGroup> groups;  // groups[0]: the object's own type
  std::string field_names;          // "a, b, c", for unknown fields

  // The field named `name`, or -1; `hint` is tried first.
  int Find(absl::string_view name, int hint) const;
};

class DecodePlan {
 public:
  // Plans every struct and union `type_id` reaches (already validated).
  static DecodePlan Compile(const BtfTypes& types, uint32_t type_id);

  // The plan of struct or union `resolved_id`.
  const ObjectPlan& Object(uint32_t resolved_id) const {
    return objects_.at(resolved_id);
  }

 private:
  void Add(const BtfTypes& types, uint32_t id);
  absl::flat_hash_map<uint32_t, ObjectPlan> objects_;
};

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_DECODE_PLAN_H_
