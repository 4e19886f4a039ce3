#include "daemon/api/convert.h"

#include "absl/time/time.h"
#include "daemon/api/typed_map_proto.h"

namespace bpfwarden::api {

v1::Origin ToProto(Origin origin) {
  return origin == Origin::kConfig ? v1::ORIGIN_CONFIG : v1::ORIGIN_RUNTIME;
}

v1::ProgramSetInfo ToProto(const ProgramSetInfo& set) {
  v1::ProgramSetInfo out;
  out.set_name(set.name);
  out.set_builtin(set.builtin);
  for (const std::string& object : set.objects) out.add_objects(object);
  out.set_pin_path(set.pin_dir);
  for (const ProgramInfo& program : set.programs) {
    v1::ProgramInfo* p = out.add_programs();
    p->set_name(program.name);
    p->set_id(program.id);
    p->set_type(program.type);
    p->set_attach_type(program.expected_attach_type);
    p->set_section(program.section);
  }
  for (const MapInfo& map : set.maps) out.add_maps(map.name);
  out.set_loaded_unix_seconds(absl::ToUnixSeconds(set.loaded_at));
  out.set_origin(ToProto(set.origin));
  out.set_verifier_log(set.verifier_log);
  return out;
}

v1::AttachmentInfo ToProto(const AttachmentInfo& a) {
  v1::AttachmentInfo out;
  out.set_id(a.id);
  out.set_foreign(!a.ours);
  if (a.ours) out.set_origin(ToProto(a.origin));
  out.set_program_set(a.program_set);
  out.set_program(a.program);
  out.set_cgroup(a.cgroup);
  out.set_attach_type(a.attach_type);
  out.set_program_id(a.program_id);
  out.set_link_id(a.link_id);
  out.set_pinned(a.pinned);
  out.set_link_pin_path(a.link_pin_path);
  out.set_attach_flags(a.attach_flags);
  out.set_unit(a.unit);
  out.set_waiting(a.waiting);
  out.set_defunct(a.defunct);
  return out;
}

v1::MapInfo ToProto(const MapInfo& map, const TypedMap* typed) {
  v1::MapInfo out;
  out.mutable_ref()->set_program_set(map.program_set);
  out.mutable_ref()->set_map(map.name);
  out.set_id(map.id);
  out.set_type(map.type_name);
  out.set_key_size(map.key_size);
  out.set_value_size(map.value_size);
  out.set_max_entries(map.max_entries);
  out.set_flags(map.map_flags);
  out.set_pin_path(map.pin_path);
  out.set_btf_id(map.btf_id);
  out.set_internal(map.internal);
  if (typed != nullptr) SetTypedFacts(*typed, &out);
  return out;
}

}  // namespace bpfwarden::api
