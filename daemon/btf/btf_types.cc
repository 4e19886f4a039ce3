#include "daemon/btf/btf_types.h"

#include <bpf/libbpf.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfTypes::Create(BtfPtr btf) {
  if (btf == nullptr) return absl::InvalidArgumentError("no BTF object given");
  std::shared_ptr<BtfTypes> types(new BtfTypes(std::move(btf)));
  const struct btf* b = types->btf_.get();
  const uint32_t count = btf__type_cnt(b);
  for (uint32_t id = 1; id < count; ++id) {
    const btf_type* t = btf__type_by_id(b, id);
    if (!btf_is_decl_tag(t)) continue;
    const int component = btf_decl_tag(t)->component_idx;
    if (component < 0) continue;
    const btf_type* target = btf__type_by_id(b, t->type);
    if (target == nullptr || !btf_is_composite(target)) continue;
    types->member_tags_[{t->type, component}].push_back(
        btf__name_by_offset(b, t->name_off));
  }
  return std::shared_ptr<const BtfTypes>(std::move(types));
}

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfTypes::LoadFromKernel(
    uint32_t btf_id) {
  BtfPtr btf(btf__load_from_kernel_by_id(btf_id));
  if (btf == nullptr) {
    return ErrnoStatus(
        errno, absl::StrCat("load BTF object ", btf_id, " from the kernel"));
  }
  return Create(std::move(btf));
}

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfTypes::FromElf(
    const void* data, size_t size) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "btf_source");
  BpfObjectPtr obj(bpf_object__open_mem(data, size, &opts));
  if (obj == nullptr) return ErrnoStatus(errno, "open ELF object for its BTF");
  const struct btf* object_btf = bpf_object__btf(obj.get());
  if (object_btf == nullptr) {
    return absl::InvalidArgumentError("ELF object has no .BTF section");
  }
  return CopyOf(object_btf);
}

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfTypes::CopyOf(
    const struct btf* btf) {
  uint32_t raw_size = 0;
  const void* raw = btf__raw_data(btf, &raw_size);
  if (raw == nullptr) return ErrnoStatus(errno, "serialize the object's BTF");
  BtfPtr copy(btf__new(raw, raw_size));
  if (copy == nullptr) return ErrnoStatus(errno, "copy the object's BTF");
  return Create(std::move(copy));
}

bool BtfTypes::MemberHasTag(uint32_t composite_id, int member_index,
                            absl::string_view tag) const {
  auto it = member_tags_.find(std::make_pair(composite_id, member_index));
  if (it == member_tags_.end()) return false;
  for (const std::string& text : it->second) {
    if (text == tag) return true;
  }
  return false;
}

absl::StatusOr<uint32_t> BtfTypes::FindStruct(absl::string_view name) const {
  const int id = btf__find_by_name_kind(btf_.get(), std::string(name).c_str(),
                                        BTF_KIND_STRUCT);
  if (id <= 0) {
    return absl::NotFoundError(absl::StrCat("no struct ", name, " in BTF"));
  }
  return static_cast<uint32_t>(id);
}

}  // namespace bpfwarden
